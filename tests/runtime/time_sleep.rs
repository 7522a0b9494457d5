//! tokio's `tests/time_sleep.rs`, ported with every assertion kept, except
//! `creating_sleep_outside_of_context`: here a `Sleep` may be made outside a
//! runtime on purpose (`sleep_made_outside_a_runtime_registers_when_polled`
//! checks that instead). Plus the re-entrant drop and overflow regressions
//! of issue 15.

use std::future::Future;
use std::task::Context;

use futures::task::noop_waker_ref;
use runtime::time::{self, Duration, Instant};

use crate::support::run;
use crate::time_util::{ms, paused, spawn};
use crate::{assert_elapsed, assert_pending, assert_ready};

#[test]
fn immediate_sleep() {
    paused(|| async {
        let now = Instant::now();
        let sleep = time::sleep_until(now);
        futures::pin_mut!(sleep);
        assert!(!sleep.is_elapsed());
        sleep.as_mut().await;
        assert_elapsed!(now, ms(0));
        assert!(sleep.is_elapsed());
    });
}

#[test]
fn is_elapsed() {
    run(|| async {
        time::pause();
        let sleep = time::sleep(Duration::from_millis(10));
        futures::pin_mut!(sleep);
        assert!(!sleep.is_elapsed());
        assert!(futures::poll!(sleep.as_mut()).is_pending());
        assert!(!sleep.is_elapsed());
        sleep.as_mut().await;
        assert!(sleep.is_elapsed());
    });
}

#[test]
fn delayed_sleep_level_0() {
    run(|| async {
        time::pause();
        for &i in &[1, 10, 60] {
            let now = Instant::now();
            let dur = ms(i);
            time::sleep_until(now + dur).await;
            assert_elapsed!(now, dur);
        }
    });
}

#[test]
fn sub_ms_delayed_sleep() {
    run(|| async {
        time::pause();
        for _ in 0..5 {
            let now = Instant::now();
            let deadline = now + ms(1) + Duration::new(0, 1);
            time::sleep_until(deadline).await;
            assert_elapsed!(now, ms(1));
        }
    });
}

#[test]
fn delayed_sleep_wrapping_level_0() {
    run(|| async {
        time::pause();
        time::sleep(ms(5)).await;
        let now = Instant::now();
        time::sleep_until(now + ms(60)).await;
        assert_elapsed!(now, ms(60));
    });
}

#[test]
fn reset_future_sleep_before_fire() {
    run(|| async {
        time::pause();
        let now = Instant::now();
        let mut sleep = spawn(Box::pin(time::sleep_until(now + ms(100))));
        assert_pending!(sleep.poll());
        let mut sleep = sleep.into_inner();
        sleep.as_mut().reset(Instant::now() + ms(200));
        sleep.await;
        assert_elapsed!(now, ms(200));
    });
}

#[test]
fn reset_past_sleep_before_turn() {
    run(|| async {
        time::pause();
        let now = Instant::now();
        let mut sleep = spawn(Box::pin(time::sleep_until(now + ms(100))));
        assert_pending!(sleep.poll());
        let mut sleep = sleep.into_inner();
        sleep.as_mut().reset(now + ms(80));
        sleep.await;
        assert_elapsed!(now, ms(80));
    });
}

#[test]
fn reset_past_sleep_before_fire() {
    run(|| async {
        time::pause();
        let now = Instant::now();
        let mut sleep = spawn(Box::pin(time::sleep_until(now + ms(100))));
        assert_pending!(sleep.poll());
        let mut sleep = sleep.into_inner();
        time::sleep(ms(10)).await;
        sleep.as_mut().reset(now + ms(80));
        sleep.await;
        assert_elapsed!(now, ms(80));
    });
}

#[test]
fn reset_future_sleep_after_fire() {
    run(|| async {
        time::pause();
        let now = Instant::now();
        let mut sleep = Box::pin(time::sleep_until(now + ms(100)));
        sleep.as_mut().await;
        assert_elapsed!(now, ms(100));
        sleep.as_mut().reset(now + ms(110));
        sleep.await;
        assert_elapsed!(now, ms(110));
    });
}

#[test]
fn reset_sleep_to_past() {
    run(|| async {
        time::pause();
        let now = Instant::now();
        let mut sleep = spawn(Box::pin(time::sleep_until(now + ms(100))));
        assert_pending!(sleep.poll());
        time::sleep(ms(50)).await;
        assert!(!sleep.is_woken());
        sleep.as_mut().reset(now + ms(40));
        assert_ready!(sleep.poll());
    });
}

/// tokio panics here (`creating_sleep_outside_of_context`); this runtime
/// lets a `Sleep` be made anywhere and registers it when first polled.
#[test]
fn sleep_made_outside_a_runtime_registers_when_polled() {
    let now = Instant::now();
    let sleep = time::sleep_until(now + ms(5));
    assert_eq!(sleep.deadline(), now + ms(5));
    run(move || async move {
        sleep.await;
        assert!(Instant::now() >= now + ms(5));
    });
}

#[test]
fn greater_than_max() {
    run(|| async {
        const YR_5: u64 = 5 * 365 * 24 * 60 * 60 * 1000;
        time::pause();
        time::sleep_until(Instant::now() + ms(YR_5)).await;
    });
}

#[test]
fn short_sleeps() {
    run(|| async {
        for _ in 0..1000 {
            runtime::time::sleep(std::time::Duration::from_millis(0)).await;
        }
    });
}

#[test]
fn multi_long_sleeps() {
    run(|| async {
        runtime::time::pause();
        for _ in 0..5u32 {
            runtime::time::sleep(Duration::from_secs(
                // about a year
                365 * 24 * 3600,
            ))
            .await;
        }
        let deadline = runtime::time::Instant::now()
            + Duration::from_secs(
                // about 10 years
                10 * 365 * 24 * 3600,
            );
        runtime::time::sleep_until(deadline).await;
        assert!(runtime::time::Instant::now() >= deadline);
    });
}

#[test]
fn long_sleeps() {
    run(|| async {
        runtime::time::pause();
        let deadline = runtime::time::Instant::now()
            + Duration::from_secs(
                // about 10 years
                10 * 365 * 24 * 3600,
            );
        runtime::time::sleep_until(deadline).await;
        assert!(runtime::time::Instant::now() >= deadline);
        assert!(runtime::time::Instant::now() <= deadline + Duration::from_millis(1));
    });
}

#[test]
fn reset_after_firing() {
    run(|| async {
        let timer = runtime::time::sleep(std::time::Duration::from_millis(1));
        futures::pin_mut!(timer);
        let deadline = timer.deadline();
        timer.as_mut().await;
        assert_ready!(timer.as_mut().poll(&mut Context::from_waker(noop_waker_ref())));
        timer.as_mut().reset(runtime::time::Instant::now() + std::time::Duration::from_secs(600));
        assert_ne!(deadline, timer.deadline());
        assert_pending!(timer.as_mut().poll(&mut Context::from_waker(noop_waker_ref())));
        assert_pending!(timer.as_mut().poll(&mut Context::from_waker(noop_waker_ref())));
    });
}

#[test]
fn exactly_max() {
    run(|| async {
        time::pause();
        time::sleep(Duration::MAX).await;
    });
}

#[test]
fn issue_5183() {
    run(|| async {
        time::pause();
        let big = std::time::Duration::from_secs(u64::MAX / 10);
        // This is a workaround since awaiting sleep(big) will never finish.
        futures::select_biased! {
            _ = runtime::time::sleep(big) => {}
            _ = runtime::time::sleep(std::time::Duration::from_nanos(1)) => {}
        }
    });
}

#[test]
fn no_out_of_bounds_close_to_max() {
    run(|| async {
        time::pause();
        time::sleep(Duration::MAX - Duration::from_millis(1)).await;
    });
}

#[test]
fn long_wait_sleep_does_not_break_other_timers() {
    paused(|| async {
        runtime::spawn(time::sleep(ms(10 << 36)));
        time::advance(ms((1 << 30) - 1)).await;
        let start = Instant::now();
        time::sleep(ms(10)).await;
        assert_elapsed!(start, ms(10));
    });
}

#[test]
fn long_wait_sleep_does_not_corrupt_wheel() {
    paused(|| async {
        use futures::poll;
        runtime::spawn(time::sleep(ms(10 << 36)));
        time::advance(ms((1 << 30) - 1)).await;
        let mut first = Box::pin(time::sleep(ms(10)));
        assert_pending!(poll!(first.as_mut()));
        let mut second = Box::pin(time::sleep(ms(20)));
        assert_pending!(poll!(second.as_mut()));
        time::advance(ms(30)).await;
        drop(first);
        time::advance(ms(1 << 31)).await;
        drop(second);
    });
}

#[test]
fn drop_after_reschedule_at_new_scheduled_time() {
    run(|| async {
        use futures::poll;
        runtime::time::pause();
        let start = runtime::time::Instant::now();
        let mut a = Box::pin(runtime::time::sleep(Duration::from_millis(5)));
        let mut b = Box::pin(runtime::time::sleep(Duration::from_millis(5)));
        let mut c = Box::pin(runtime::time::sleep(Duration::from_millis(10)));
        let _ = poll!(&mut a);
        let _ = poll!(&mut b);
        let _ = poll!(&mut c);
        b.as_mut().reset(start + Duration::from_millis(10));
        a.await;
        drop(b);
    });
}

#[test]
fn drop_from_wake() {
    use std::pin::Pin;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    #[derive(Clone)]
    struct DropWaker(Arc<AtomicBool>, Arc<Mutex<Vec<Pin<Box<runtime::time::Sleep>>>>>);

    impl futures::task::ArcWake for DropWaker {
        fn wake_by_ref(arc_self: &Arc<Self>) {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                *arc_self.1.lock().expect("panic in lock") = Vec::new()
            }));
            if result.is_err() {
                arc_self.0.store(true, Ordering::SeqCst);
            }
        }
    }

    run(|| async {
        let panicked = Arc::new(AtomicBool::new(false));
        let list: Arc<Mutex<Vec<Pin<Box<runtime::time::Sleep>>>>> = Arc::new(Mutex::new(Vec::new()));
        let arc_wake = Arc::new(DropWaker(panicked.clone(), list.clone()));
        let arc_wake = futures::task::waker(arc_wake);
        runtime::time::pause();
        {
            let mut lock = list.lock().unwrap();
            for _ in 0..100 {
                let mut timer = Box::pin(runtime::time::sleep(Duration::from_millis(10)));
                let _ = timer.as_mut().poll(&mut Context::from_waker(&arc_wake));
                lock.push(timer);
            }
        }
        runtime::time::sleep(Duration::from_millis(11)).await;
        assert!(!panicked.load(Ordering::SeqCst), "panicked when dropping timers");
    });
}

/// Issue 15, defect 2: a waker whose drop drops another registered `Sleep`.
#[test]
fn drop_from_waker_drop() {
    use runtime::time::Sleep;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Wake, Waker};

    struct TimerOwner {
        secondary: Option<Pin<Box<Sleep>>>,
    }

    impl Wake for TimerOwner {
        fn wake(self: Arc<Self>) {}
    }

    impl Drop for TimerOwner {
        fn drop(&mut self) {
            drop(self.secondary.take());
        }
    }

    run(|| async {
        let mut secondary = Box::pin(runtime::time::sleep(Duration::from_secs(3600)));
        assert_pending!(secondary.as_mut().poll(&mut Context::from_waker(noop_waker_ref())));
        let waker = Waker::from(Arc::new(TimerOwner { secondary: Some(secondary) }));
        let mut primary = Box::pin(runtime::time::sleep(Duration::from_secs(3600)));
        assert_pending!(primary.as_mut().poll(&mut Context::from_waker(&waker)));
        drop(waker);
        drop(primary);
    });
}
