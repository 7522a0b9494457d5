//! A waiting future that is dropped before its wake unlinks its waker from
//! the reactor slot (`AsyncFd::waiter_count`, a doc-hidden test hook, counts
//! what the slot holds); the `poll_*` forms, which have no future to drop,
//! keep at most one waker per direction, the last caller's, as tokio's do.

use std::future::poll_fn;
use std::io::Read;
use std::os::unix::net::UnixStream;
use std::task::Poll;
use std::time::Duration;

use runtime::io::{AsyncFd, Interest};
use runtime::time::timeout;

use crate::support::run;

/// A registered end with nothing to read, and its peer.
fn idle_pair() -> (AsyncFd<UnixStream>, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    (AsyncFd::new(a).unwrap(), b)
}

#[test]
fn timed_out_reads_and_readiness_waits_leave_no_waker() {
    run(|| async {
        let (fd, _peer) = idle_pair();
        let fd = &fd;
        let reads = (0..100).map(|_| async move {
            let mut buf = [0; 8];
            let read = fd.read_with(|s| (&*s).read(&mut buf));
            assert!(timeout(Duration::from_millis(1), read).await.is_err());
        });
        let readable = (0..100).map(|_| async move {
            assert!(timeout(Duration::from_millis(1), fd.readable()).await.is_err());
        });
        let both = (0..100).map(|_| async move {
            let ready = fd.ready(Interest::READABLE | Interest::ERROR);
            assert!(timeout(Duration::from_millis(1), ready).await.is_err());
        });
        futures::future::join3(
            futures::future::join_all(reads),
            futures::future::join_all(readable),
            futures::future::join_all(both),
        )
        .await;
        assert_eq!(fd.waiter_count(), 0, "every future that gave up unlinked its waker");
    });
}

#[test]
fn aborted_tasks_leave_no_waker() {
    run(|| async {
        let (fd, _peer) = idle_pair();
        let fd: &'static AsyncFd<UnixStream> = Box::leak(Box::new(fd));
        let tasks: Vec<_> =
            (0..100).map(|_| runtime::spawn(async move { fd.read_with(|s| (&*s).read(&mut [0; 8])).await })).collect();
        while fd.waiter_count() < 100 {
            runtime::task::yield_now().await; // until every task has polled once
        }
        assert_eq!(fd.waiter_count(), 100, "one entry per waiting future");
        tasks.iter().for_each(|t| t.abort());
        for task in tasks {
            assert!(task.await.unwrap_err().is_cancelled());
        }
        assert_eq!(fd.waiter_count(), 0);
    });
}

#[test]
fn a_waiter_that_stays_is_still_woken_after_others_gave_up() {
    run(|| async {
        let (fd, mut peer) = idle_pair();
        let fd: &'static AsyncFd<UnixStream> = Box::leak(Box::new(fd));
        let stays = runtime::spawn(async move { fd.read_with(|s| (&*s).read(&mut [0; 8])).await.unwrap() });
        runtime::task::yield_now().await;
        for _ in 0..10 {
            assert!(timeout(Duration::from_millis(1), fd.read_with(|s| (&*s).read(&mut [0; 8]))).await.is_err());
        }
        assert_eq!(fd.waiter_count(), 1);
        std::io::Write::write_all(&mut peer, b"hi").unwrap();
        assert_eq!(stays.await.unwrap(), 2);
    });
}

/// Polls `poll` once in its own task and gives up.
async fn poll_once_and_give_up<T>(mut poll: impl FnMut(&mut std::task::Context<'_>) -> Poll<T>) {
    poll_fn(|cx| {
        assert!(poll(cx).is_pending());
        Poll::Ready(())
    })
    .await;
}

#[test]
fn poll_forms_keep_at_most_one_waker_per_direction() {
    run(|| async {
        let (fd, _peer) = idle_pair();
        let fd: &'static AsyncFd<UnixStream> = Box::leak(Box::new(fd));
        for _ in 0..100 {
            runtime::spawn(poll_once_and_give_up(|cx| fd.poll_read_ready(cx).map(drop))).await.unwrap();
            runtime::spawn(poll_once_and_give_up(|cx| fd.poll_read_with(cx, |s| (&*s).read(&mut [0; 8]))))
                .await
                .unwrap();
        }
        assert_eq!(fd.waiter_count(), 1, "the last poll caller's waker only");
    });
}
