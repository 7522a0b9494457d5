//! This runtime's own checks of the pausable clock: misuse messages,
//! nanosecond-exact `advance`, auto-advance waiting for ready I/O and for
//! `spawn_blocking`, `resume`, and one clock per runtime.

use runtime::time::{self, Duration, Instant};

use crate::time_util::{ms, paused, spawn};
use crate::{assert_pending, assert_ready};

#[test]
#[should_panic(expected = "already paused")]
fn pause_twice_panics() {
    runtime::block_on(async {
        time::pause();
        time::pause();
    });
}

#[test]
#[should_panic(expected = "outside a runtime")]
fn pause_outside_a_runtime_panics() {
    time::pause();
}

#[test]
#[should_panic(expected = "not paused")]
fn advance_without_pause_panics() {
    runtime::block_on(time::advance(ms(1)));
}

#[test]
fn advance_exact_to_the_nanosecond() {
    paused(|| async {
        let now = Instant::now();
        time::advance(Duration::from_nanos(1)).await;
        assert_eq!(now.elapsed(), Duration::from_nanos(1));
        let mut sleep = spawn(time::sleep(Duration::from_nanos(3)));
        assert_pending!(sleep.poll());
        time::advance(Duration::from_nanos(2)).await;
        assert!(!sleep.is_woken());
        assert_pending!(sleep.poll());
        time::advance(Duration::from_nanos(1)).await;
        assert!(sleep.is_woken());
        assert_ready!(sleep.poll());
    });
}

/// The clock does not jump while I/O is ready: a datagram sent through a
/// plain std socket (which wakes no task: only the reactor can see it) is
/// received before the clock moves.
#[test]
fn paused_clock_waits_for_ready_io_before_jumping() {
    paused(|| async {
        let start = Instant::now();
        let (a, b) = std::os::unix::net::UnixDatagram::pair().unwrap();
        b.set_nonblocking(true).unwrap();
        let b = net::UnixDatagram::from_std(b).unwrap();
        let recv = runtime::spawn(async move {
            let mut buf = [0u8; 1];
            b.recv(&mut buf).await.unwrap();
            start.elapsed()
        });
        runtime::task::yield_now().await; // the receiver is waiting now
        a.send(&[7]).unwrap();
        // The reactor sees the datagram before the clock may move.
        assert_eq!(recv.await.unwrap(), Duration::ZERO);
        time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
    });
}

/// A 1-hour timeout under a paused clock takes no real time.
#[test]
fn paused_one_hour_timeout_runs_at_once() {
    let real = std::time::Instant::now();
    paused(|| async {
        let start = Instant::now();
        let out = time::timeout(Duration::from_secs(3600), std::future::pending::<()>()).await;
        assert!(out.is_err());
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
    });
    assert!(real.elapsed() < std::time::Duration::from_secs(10), "took {:?}", real.elapsed());
}

/// `resume` lets the clock run again from where it stands.
#[test]
fn resume_runs_on_from_the_paused_instant() {
    paused(|| async {
        let start = Instant::now();
        time::advance(Duration::from_secs(10)).await;
        time::resume();
        let after = Instant::now();
        assert!(after >= start + Duration::from_secs(10));
        time::sleep(Duration::from_millis(2)).await;
        assert!(after.elapsed() >= Duration::from_millis(2));
        // Real time: std's clock and ours now move together.
        let std_start = std::time::Instant::now();
        let ours = Instant::now();
        std::thread::sleep(std::time::Duration::from_millis(1));
        assert!(ours.elapsed() >= std_start.elapsed() - std::time::Duration::from_micros(100));
    });
}

/// A clock paused in one runtime does not stop another's.
#[test]
fn pause_is_per_runtime() {
    paused(|| async {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            runtime::block_on(async {
                let start = Instant::now();
                time::sleep(Duration::from_millis(2)).await;
                tx.send(start.elapsed()).unwrap();
            })
        });
        let frozen = Instant::now();
        let elapsed = runtime::spawn_blocking(move || rx.recv().unwrap()).await.unwrap();
        assert!(elapsed >= Duration::from_millis(2));
        // Nothing advanced this runtime's clock meanwhile... except auto-
        // advance, which has no timer to jump to here.
        assert_eq!(frozen.elapsed(), Duration::ZERO);
    });
}

/// As in tokio, the clock does not jump while a `spawn_blocking` job is
/// outstanding: an hour-long timeout around a 20 ms job does not elapse.
#[test]
fn paused_clock_does_not_jump_while_blocking_work_runs() {
    paused(|| async {
        let start = Instant::now();
        let job = runtime::spawn_blocking(|| std::thread::sleep(std::time::Duration::from_millis(20)));
        let out = time::timeout(Duration::from_secs(3600), job).await;
        assert!(out.expect("the job finished first").is_ok());
        assert_eq!(start.elapsed(), Duration::ZERO);
        // With the job done, auto-advance is back.
        time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
    });
}

/// The timer types and futures are `Send`, as tokio's are (a `Sleep` holds
/// only its runtime's id), so they fit `Send` bounds of other crates.
#[test]
fn timer_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    send_sync(&time::sleep(ms(1)));
    send_sync(&time::interval(ms(1)));
    send_sync(&time::timeout(ms(1), async {}));
    send_sync(&Instant::now());
    send(&time::advance(ms(1)));
}
