//! tokio's `tests/time_timeout.rs`, ported with every assertion kept
//! (tokio's oneshot is futures' here). `timeout_is_not_exhausted_by_future`
//! does not apply: it needs `tokio::io::empty()`, a reader that is always
//! ready and spends tokio's budget; `Timeout` here polls its timer after
//! every `Pending` of the inner future, budget or not.

use futures::channel::oneshot;
use futures::future::pending;
use runtime::time::{self, timeout, timeout_at, Duration, Instant};

use crate::support::run;
use crate::time_util::{ms, spawn};
use crate::{assert_pending, assert_ready_err, assert_ready_ok};

#[test]
fn simultaneous_deadline_future_completion() {
    run(|| async {
        let mut fut = spawn(timeout_at(Instant::now(), async {}));
        assert_ready_ok!(fut.poll());
    });
}

#[test]
fn completed_future_past_deadline() {
    run(|| async {
        let mut fut = spawn(timeout_at(Instant::now() - ms(1000), async {}));
        assert_ready_ok!(fut.poll());
    });
}

#[test]
fn future_and_deadline_in_future() {
    run(|| async {
        time::pause();
        let (tx, rx) = oneshot::channel();
        let mut fut = spawn(timeout_at(Instant::now() + ms(100), rx));
        assert_pending!(fut.poll());
        time::advance(ms(90)).await;
        assert_pending!(fut.poll());
        tx.send(()).unwrap();
        assert!(fut.is_woken());
        assert_ready_ok!(fut.poll()).unwrap();
    });
}

#[test]
fn future_and_timeout_in_future() {
    run(|| async {
        time::pause();
        let (tx, rx) = oneshot::channel();
        let mut fut = spawn(timeout(ms(100), rx));
        assert_pending!(fut.poll());
        time::advance(ms(90)).await;
        assert_pending!(fut.poll());
        tx.send(()).unwrap();
        assert_ready_ok!(fut.poll()).unwrap();
    });
}

#[test]
fn very_large_timeout() {
    run(|| async {
        time::pause();
        let (tx, rx) = oneshot::channel();
        let duration_max = Duration::from_secs(u64::MAX) + Duration::from_nanos(999_999_999);
        let mut fut = spawn(timeout(duration_max, rx));
        assert_pending!(fut.poll());
        time::advance(Duration::from_secs(86400 * 365 * 10)).await;
        assert_pending!(fut.poll());
        tx.send(()).unwrap();
        assert_ready_ok!(fut.poll()).unwrap();
    });
}

#[test]
fn deadline_now_elapses() {
    run(|| async {
        time::pause();
        let mut fut = spawn(timeout_at(Instant::now(), pending::<()>()));
        time::advance(ms(1)).await;
        assert_ready_err!(fut.poll());
    });
}

#[test]
fn deadline_future_elapses() {
    run(|| async {
        time::pause();
        let mut fut = spawn(timeout_at(Instant::now() + ms(300), pending::<()>()));
        assert_pending!(fut.poll());
        time::advance(ms(301)).await;
        assert!(fut.is_woken());
        assert_ready_err!(fut.poll());
    });
}

/// `Sleep` and `Timeout` are `FusedFuture`s: `futures::select!` takes them
/// without `.fuse()`, and they report when they are done.
#[test]
fn sleep_and_timeout_are_fused_futures() {
    use futures::future::FusedFuture;
    run(|| async {
        time::pause();
        let mut sleep = Box::pin(time::sleep(ms(10)));
        let mut slow = Box::pin(timeout(ms(50), pending::<()>()));
        assert!(!sleep.is_terminated() && !slow.is_terminated());
        futures::select! {
            () = sleep => {}
            _ = slow => panic!("the longer timeout finished first"),
        }
        assert!(sleep.is_terminated());
        assert!(!slow.is_terminated());
        assert!(slow.as_mut().await.is_err());
        assert!(slow.is_terminated());
        sleep.as_mut().reset(Instant::now() + ms(1));
        assert!(!sleep.is_terminated(), "a reset sleep runs again");
        let mut quick = Box::pin(timeout(ms(50), async { 7 }));
        assert_eq!(quick.as_mut().await, Ok(7));
        assert!(quick.is_terminated());
    });
}
