//! Cooperative scheduling: the current task's budget, as tokio's `task::coop`.
//!
//! A task that receives from a channel that is always ready (or waits on a
//! `watch` that is closed) would otherwise loop inside one poll for ever.
//! As in tokio, the wait points of [`crate::sync`] charge one unit of the
//! current task's budget (128 per poll) when they complete, as do timers,
//! `AsyncFd` operations, `JoinSet::join_next` and `copy_bidirectional`'s
//! reads; once it is spent they return `Pending` and defer the task until
//! after the reactor's next turn, so the others (and the I/O) get a turn.
//! Off a runtime there is no budget and nothing is charged: the `sync`
//! types work under any executor.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Charges one unit, or (budget spent) defers the task and returns `Pending`.
#[inline]
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<()> {
    if crate::context::try_with(|scope| scope.budget.try_charge()) == Some(false) {
        crate::context::defer(cx.waker());
        return Poll::Pending;
    }
    Poll::Ready(())
}

/// Charges one unit of the current task's budget, yielding first if it is
/// spent: lets a long computation that never waits give other tasks a turn
/// at the rate the runtime's own operations would.
///
/// ```
/// runtime::block_on(async {
///     for _ in 0..1_000 {
///         runtime::task::coop::consume_budget().await; // yields every 128
///     }
/// });
/// ```
pub async fn consume_budget() {
    std::future::poll_fn(poll_proceed).await
}

/// Runs `future`, charging the budget before each poll.
pub(crate) async fn cooperative<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    std::future::poll_fn(|cx| {
        if poll_proceed(cx).is_pending() {
            return Poll::Pending;
        }
        Pin::as_mut(&mut future).poll(cx)
    })
    .await
}
