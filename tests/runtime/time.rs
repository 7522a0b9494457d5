//! Timers: sleep, timeout, interval, reset, and a million of them.

use runtime::time::{Duration, Instant};
use std::cell::Cell;
use std::rc::Rc;

use runtime::time::{interval, sleep, sleep_until, timeout};

use crate::support::run;

#[test]
fn sleep_never_fires_early() {
    run(|| async {
        for ms in [0u64, 1, 2, 3, 5, 8, 13, 21] {
            let start = Instant::now();
            sleep(Duration::from_millis(ms)).await;
            let took = start.elapsed();
            assert!(took >= Duration::from_millis(ms), "sleep({ms} ms) took {took:?}");
        }
    });
}

#[test]
fn sleep_many_concurrent_each_never_early() {
    run(|| async {
        let start = Instant::now();
        let handles: Vec<_> = (0..1_000u64)
            .map(|i| {
                let deadline = start + Duration::from_micros(i * 37);
                runtime::spawn(async move {
                    sleep_until(deadline).await;
                    Instant::now() >= deadline
                })
            })
            .collect();
        for h in handles {
            assert!(h.await.unwrap(), "a timer fired before its deadline");
        }
    });
}

#[test]
fn sleep_until_a_past_deadline_completes_at_once() {
    run(|| async {
        let s = sleep_until(Instant::now() - Duration::from_secs(1));
        assert!(!s.is_elapsed());
        s.await;
    });
}

#[test]
fn sleep_reset_moves_the_deadline_both_ways() {
    run(|| async {
        let start = Instant::now();
        let mut s = std::pin::pin!(sleep(Duration::from_secs(3600)));
        // Register the long deadline, then pull it in.
        assert!(futures::poll!(s.as_mut()).is_pending());
        s.as_mut().reset(start + Duration::from_millis(3));
        s.as_mut().await;
        assert!(start.elapsed() >= Duration::from_millis(3));
        assert!(s.is_elapsed());
        // Push it out again after it fired.
        let again = Instant::now() + Duration::from_millis(2);
        s.as_mut().reset(again);
        assert!(!s.is_elapsed());
        s.as_mut().await;
        assert!(Instant::now() >= again);
    });
}

#[test]
fn timeout_returns_the_output_when_the_future_wins() {
    run(|| async {
        let out = timeout(Duration::from_secs(10), async {
            sleep(Duration::from_millis(1)).await;
            "fast"
        })
        .await;
        assert_eq!(out, Ok("fast"));
    });
}

#[test]
fn timeout_elapses_when_the_deadline_wins() {
    run(|| async {
        let start = Instant::now();
        let out = timeout(Duration::from_millis(5), sleep(Duration::from_secs(3600))).await;
        assert!(out.is_err());
        assert!(start.elapsed() >= Duration::from_millis(5));
        assert_eq!(out.unwrap_err().to_string(), "deadline has elapsed");
    });
}

#[test]
fn timeout_dropped_early_many_times_still_lets_other_timers_fire() {
    run(|| async {
        // Each completed timeout removes its timer (the store's own unit test
        // checks that the heap does not grow); a short sleep after 100,000 of
        // them still fires, so no stale hour-long deadline stands in its way.
        for _ in 0..100_000 {
            let t = timeout(Duration::from_secs(3600), async { 1 });
            assert_eq!(t.await, Ok(1));
        }
        sleep(Duration::from_millis(1)).await;
    });
}

#[test]
fn interval_ticks_at_its_period() {
    run(|| async {
        let start = Instant::now();
        let mut iv = interval(Duration::from_millis(3));
        let first = iv.tick().await;
        assert!(first <= Instant::now());
        let mut last = first;
        for _ in 0..5 {
            let t = iv.tick().await;
            assert_eq!(t - last, Duration::from_millis(3));
            assert!(Instant::now() >= t);
            last = t;
        }
        assert!(start.elapsed() >= Duration::from_millis(15));
    });
}

#[test]
#[should_panic(expected = "period must be non-zero")]
fn interval_of_zero_panics() {
    let _ = interval(Duration::ZERO);
}

#[test]
fn sleep_one_million_concurrent_all_complete() {
    let fired = run(|| async {
        let count = Rc::new(Cell::new(0u32));
        let start = Instant::now();
        for i in 0..1_000_000u32 {
            let count = count.clone();
            let deadline = start + Duration::from_millis(50 + u64::from(i % 100));
            runtime::spawn(async move {
                sleep_until(deadline).await;
                count.set(count.get() + 1);
            });
        }
        sleep(Duration::from_millis(200)).await;
        while runtime::metrics().tasks_alive > 0 {
            sleep(Duration::from_millis(10)).await;
        }
        count.get()
    });
    assert_eq!(fired, 1_000_000);
}

#[test]
fn sleep_of_duration_max_on_the_real_clock_waits_without_breaking_the_wait() {
    run(|| async {
        // A 30-year deadline in the store: the driver's timeout is clamped,
        // and shorter timers still fire on time.
        let start = Instant::now();
        let mut forever = std::pin::pin!(sleep(Duration::MAX));
        assert!(futures::poll!(forever.as_mut()).is_pending());
        assert!(forever.deadline() >= start + Duration::from_secs(86400 * 365 * 29));
        let out = timeout(Duration::from_millis(3), forever.as_mut()).await;
        assert!(out.is_err());
        assert!(start.elapsed() >= Duration::from_millis(3));
        let mut iv = runtime::time::interval(Duration::MAX);
        iv.tick().await;
        iv.reset();
        iv.reset_after(Duration::MAX);
        assert!(timeout(Duration::from_millis(1), iv.tick()).await.is_err());
    });
}

#[test]
fn instant_follows_tokio_api() {
    let std_now = std::time::Instant::now();
    let now = Instant::from_std(std_now);
    assert_eq!(now.into_std(), std_now);
    assert_eq!(Instant::from(std_now), now);
    assert_eq!(std::time::Instant::from(now), std_now);
    let later = now + Duration::from_secs(2);
    assert_eq!(later.duration_since(now), Duration::from_secs(2));
    assert_eq!(now.duration_since(later), Duration::ZERO, "saturates");
    assert_eq!(now.checked_duration_since(later), None);
    assert_eq!(later.saturating_duration_since(now), Duration::from_secs(2));
    assert_eq!(later - now, Duration::from_secs(2));
    assert_eq!(now - later, Duration::ZERO);
    assert_eq!(later - Duration::from_secs(2), now);
    assert_eq!(now.checked_add(Duration::MAX), None);
    assert_eq!(now.checked_sub(Duration::from_secs(1)), Some(now - Duration::from_secs(1)));
    let mut moving = now;
    moving += Duration::from_secs(1);
    moving -= Duration::from_millis(500);
    assert_eq!(moving, now + Duration::from_millis(500));
    assert!(format!("{now:?}").contains("Instant"));
    // Outside any runtime, and in a running one, `now` is the system clock.
    assert!(Instant::now() >= now);
    assert!(now.elapsed() <= std_now.elapsed() + Duration::from_secs(1));
}
