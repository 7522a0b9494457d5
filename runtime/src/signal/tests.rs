//! The registry's bookkeeping, which integration tests see only through fds.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use super::registry;
use super::unix::{signal, SignalKind};
use crate::sys::libc;

#[test]
fn signal_dropped_streams_and_waiters_leave_the_registry() {
    // The only unit test that makes listeners, so the count is its own.
    crate::block_on(async {
        let before = registry::listener_count();
        let mut stream = signal(SignalKind::from_raw(libc::SIGURG)).unwrap();
        let mut waiter = pin!(super::ctrl_c());
        poll_fn(|cx| {
            assert!(stream.poll_recv(cx).is_pending());
            assert!(waiter.as_mut().poll(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        assert_eq!(registry::listener_count(), before + 2);
        drop(stream);
        assert_eq!(registry::listener_count(), before + 1);
    });
    assert_eq!(registry::listener_count(), 0);
}
