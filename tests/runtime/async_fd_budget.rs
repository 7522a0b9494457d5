//! The cooperative budget an `AsyncFd` operation charges is the running
//! runtime's, never that of the source's runtime when it is not the one
//! running: a runtime whose last poll spent its budget, and which then
//! ended (or just stopped running), must not make an operation on a ready
//! source return `Pending` for ever (parked in a deferred list nobody
//! wakes). docs/FROM_TOKIO.md: such an operation proceeds if the source is
//! ready, and errors otherwise.

use std::future::{poll_fn, Future};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use runtime::io::AsyncFd;
use runtime::Runtime;

use crate::support::bounded;

/// A registered end with `n` bytes waiting, in `rt`.
fn loaded_pair(rt: &Runtime, n: usize) -> (AsyncFd<UnixStream>, UnixStream) {
    let (a, mut b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.write_all(&vec![7; n]).unwrap();
    let a = rt.block_on(async { AsyncFd::new(a).unwrap() });
    (a, b)
}

/// Spends the whole budget of one poll of `rt` on one-byte reads.
fn spend_budget(rt: &Runtime, fd: &AsyncFd<UnixStream>) {
    rt.block_on(async {
        for _ in 0..128 {
            let mut byte = [0; 1];
            assert_eq!(fd.read_with(|s| (&*s).read(&mut byte)).await.unwrap(), 1);
        }
    });
}

struct Noop;

impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

/// One poll of a one-byte read, with a waker that does nothing.
fn read_once(fd: &AsyncFd<UnixStream>) -> Poll<std::io::Result<usize>> {
    let mut byte = [0; 1];
    let read = pin!(fd.read_with(|s| (&*s).read(&mut byte)));
    read.poll(&mut Context::from_waker(&Waker::from(Arc::new(Noop))))
}

#[test]
fn a_ready_source_reads_after_its_runtime_spent_its_budget_and_ended() {
    bounded(|| {
        let rt = Runtime::new().unwrap();
        let (fd, _peer) = loaded_pair(&rt, 200);
        spend_budget(&rt, &fd);
        drop(rt);
        assert!(matches!(read_once(&fd), Poll::Ready(Ok(1))), "a ready source proceeds");
    });
}

#[test]
fn a_ready_source_reads_outside_its_runtime_after_it_spent_its_budget() {
    bounded(|| {
        let rt = Runtime::new().unwrap();
        let (fd, _peer) = loaded_pair(&rt, 200);
        spend_budget(&rt, &fd);
        assert!(matches!(read_once(&fd), Poll::Ready(Ok(1))), "a ready source proceeds");
        // Its own runtime still drives it afterwards.
        let mut byte = [0; 1];
        assert_eq!(rt.block_on(fd.read_with(|s| (&*s).read(&mut byte))).unwrap(), 1);
    });
}

#[test]
fn a_ready_source_polled_under_another_runtime_charges_that_runtime() {
    bounded(|| {
        let rt = Runtime::new().unwrap();
        let (fd, _peer) = loaded_pair(&rt, 1_000);
        spend_budget(&rt, &fd);
        let other = Runtime::new().unwrap();
        other.block_on(async {
            // The first read proceeds although `rt`'s budget is spent.
            assert!(matches!(
                poll_fn(|cx| Poll::Ready(fd.poll_read_with(cx, |s| (&*s).read(&mut [0; 1])))).await,
                Poll::Ready(Ok(1))
            ));
            // 300 reads in a loop: `other`'s budget makes the task yield
            // (and `other` wakes it again), so the loop both finishes and
            // is seen to yield at least once.
            let mut yielded = 0;
            for _ in 0..300 {
                let mut byte = [0; 1];
                let mut pending_seen = false;
                let n = poll_fn(|cx| {
                    let poll = fd.poll_read_with(cx, |s| (&*s).read(&mut byte));
                    pending_seen |= poll.is_pending();
                    poll
                })
                .await
                .unwrap();
                assert_eq!(n, 1);
                yielded += usize::from(pending_seen);
            }
            assert!(yielded >= 2, "300 reads in one task must yield to the running runtime: {yielded}");
        });
        drop(other);
        let mut byte = [0; 1];
        assert_eq!(rt.block_on(fd.read_with(|s| (&*s).read(&mut byte))).unwrap(), 1);
    });
}
