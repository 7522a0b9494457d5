//! `Timeout`: a future raced against a deadline.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::sleep::Sleep;
use crate::context;

pin_project! {
    /// Gives the inner future's output, or [`Elapsed`] if the deadline comes
    /// first. Made by [`timeout`](super::timeout) and [`timeout_at`](super::timeout_at).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        #[pin]
        future: F,
        sleep: Sleep,
        // Set once this returned `Ready` (for `FusedFuture`).
        done: bool,
    }
}

impl<F> Timeout<F> {
    pub(crate) fn new(future: F, sleep: Sleep) -> Timeout<F> {
        Timeout { future, sleep, done: false }
    }

    /// The inner future.
    pub fn get_ref(&self) -> &F {
        &self.future
    }

    /// The inner future, mutably.
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.future
    }

    /// The inner future, dropping the timer.
    pub fn into_inner(self) -> F {
        self.future
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    /// # Return value
    /// - `Poll::Ready(Ok(v))` when the inner future completes first (it is
    ///   polled first, so a future ready at the deadline still wins).
    /// - `Poll::Ready(Err(Elapsed))` when the deadline passes first.
    /// - `Poll::Pending` otherwise. The deadline spends the task's
    ///   cooperative budget as a [`Sleep`] does, but is checked even with
    ///   none left if the inner future spent the last unit in this poll.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // As tokio's: the deadline spends budget like any `Sleep`, except
        // when the future spent the last unit in this very poll; then the
        // deadline is checked anyway, or a future that always spends the
        // budget would never time out. (tokio reads the budget before the
        // poll; a count of emptied budgets says the same without looking
        // the runtime up: see `context::times_spent`.)
        let spent = context::times_spent();
        if let Poll::Ready(out) = this.future.poll(cx) {
            *this.done = true;
            return Poll::Ready(Ok(out));
        }
        let spent_in_poll = context::times_spent() != spent;
        let elapsed = Pin::new(this.sleep).poll_budgeted(cx, spent_in_poll).map(|()| Err(Elapsed(())));
        *this.done = elapsed.is_ready();
        elapsed
    }
}

impl<F: Future> futures_core::FusedFuture for Timeout<F> {
    /// True once the timeout has returned `Ready` (either way).
    fn is_terminated(&self) -> bool {
        self.done
    }
}

/// The error of a [`Timeout`] whose deadline passed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(_: Elapsed) -> std::io::Error {
        std::io::ErrorKind::TimedOut.into()
    }
}
