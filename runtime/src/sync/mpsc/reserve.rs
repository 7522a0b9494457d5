//! The future a bounded sender awaits for its permits.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::chan::Chan;

/// A reservation of `n` permits in progress: cancellation safe.
pub(super) struct Reserve<'a, T> {
    chan: &'a Chan<T>,
    n: usize,
    waiter: Option<usize>,
}

impl<'a, T> Reserve<'a, T> {
    pub(super) fn new(chan: &'a Chan<T>, n: usize) -> Reserve<'a, T> {
        Reserve { chan, n, waiter: None }
    }
}

impl<T> Future for Reserve<'_, T> {
    /// `true` if reserved, `false` if the receiver is gone.
    type Output = bool;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let this = &mut *self;
        this.chan.poll_reserve(this.n, &mut this.waiter, cx)
    }
}

impl<T> Drop for Reserve<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.waiter.take() {
            self.chan.cancel_reserve(key);
        }
    }
}
