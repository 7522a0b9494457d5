//! The futures that wait on an [`AsyncFd`]: each keeps the identity of its
//! registration in the reactor slot, and unlinks it if it is dropped before
//! its wake (a timeout, a `select!`, an abort), so that a waiter that gives
//! up keeps neither its waker nor its task alive (see `reactor/slot.rs`).
//!
//! The `poll_*` forms (`poll_read_with`, `poll_read_ready`, the futures-io
//! traits) have no future to drop: their waker is the one entry per
//! direction that the next such call replaces, as in tokio, so at most two
//! per source stay behind a caller that gave up.
//!
//! On the common path (an operation that waits once and completes) this
//! costs no allocation and no waker clone: the identity is a counter bumped
//! when the future registers, reset when the operation finds the source
//! ready, and checked (one compare) when the future is dropped.

use std::future::Future;
use std::os::fd::AsRawFd;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::AsyncFd;
use crate::reactor;

/// The identity of a waiting future's registration (0: none). Only
/// [`AsyncFd::waiting`] makes one; `net` passes it back to the poll
/// functions.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct WaitId(pub(crate) reactor::WaitId);

/// A future over `f` that unlinks its registration on `fd` when dropped
/// before its wake. Made by [`AsyncFd::waiting`].
#[doc(hidden)]
#[must_use = "futures do nothing unless polled"]
pub struct Waiting<'a, T: AsRawFd, F> {
    fd: &'a AsyncFd<T>,
    wait: WaitId,
    f: F,
}

impl<T: AsRawFd, F, R> Future for Waiting<'_, T, F>
where
    F: FnMut(&mut Context<'_>, &mut WaitId) -> Poll<R> + Unpin,
{
    type Output = R;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let this = self.get_mut();
        (this.f)(cx, &mut this.wait)
    }
}

impl<T: AsRawFd, F> Drop for Waiting<'_, T, F> {
    #[inline]
    fn drop(&mut self) {
        if self.wait.0 != 0 {
            self.fd.unlink(self.wait.0);
        }
    }
}

impl<T: AsRawFd, F> std::fmt::Debug for Waiting<'_, T, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiting").field("wait", &self.wait).finish_non_exhaustive()
    }
}

impl<T: AsRawFd> AsyncFd<T> {
    /// A future polling `f` with the identity of its registration, which it
    /// removes from the reactor if dropped while it waits. For `net`, whose
    /// awaited operations pass the identity to
    /// [`poll_read_io`](Self::poll_read_io) and its siblings.
    #[doc(hidden)]
    #[inline]
    pub fn waiting<F, R>(&self, f: F) -> Waiting<'_, T, F>
    where
        F: FnMut(&mut Context<'_>, &mut WaitId) -> Poll<R> + Unpin,
    {
        Waiting { fd: self, wait: WaitId::default(), f }
    }

    /// Removes the entries registered under `id`; their wakers are dropped
    /// after the reactor's borrow ends.
    #[cold]
    fn unlink(&self, id: reactor::WaitId) {
        // A drop never runs inside a reactor borrow; if it somehow did, the
        // entry would wait for the next edge, as before this existed.
        let gone = self.scope.reactor.try_borrow_mut().map(|mut r| r.unlink(self.token, id));
        drop(gone);
    }

    /// How many wakers the reactor holds for this source, in both
    /// directions (a test hook: a waiter that gave up must hold none).
    #[doc(hidden)]
    pub fn waiter_count(&self) -> usize {
        self.scope.reactor.borrow().waiter_count(self.token)
    }
}
