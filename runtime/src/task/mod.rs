//! Tasks: spawned futures, their wakers and their join handles.
//!
//! # The protocol
//!
//! A task is one heap allocation (`raw.rs`): a header, then the future or
//! its output. The header's atomic state word (`state.rs`) holds the
//! reference count and two flags, `SCHEDULED` and `COMPLETE`; it is the only
//! part another thread touches, through a waker.
//!
//! References are held by:
//! - the runtime's **owned list**, from spawn until the future is gone; the
//!   runtime drops every future still in it when it shuts down;
//! - a **run-queue entry**, one at most (that is what `SCHEDULED` means);
//! - the **`JoinHandle`**, until it is dropped;
//! - every **waker**.
//!
//! Who touches what:
//! - A wake sets `SCHEDULED` and, if neither it nor `COMPLETE` was set,
//!   queues the task: on the runtime's thread onto the local run queue, from
//!   elsewhere onto the injection queue (`shared.rs`); the executor decides
//!   which, as the task core's `Schedule` (`executor/schedule.rs`).
//! - The executor clears `SCHEDULED` just before it polls, so a wake during
//!   the poll queues the task again.
//! - The future, its output and the non-atomic header fields are touched on
//!   the runtime's thread only. The future is dropped there; the output is
//!   kept only while a `JoinHandle` wants it. The last reference may be
//!   dropped anywhere, and then only frees memory.
//! - A panic in `poll` is caught and becomes the output, a [`JoinError`];
//!   the future is dropped while that panic unwinds, so its destructors see
//!   `std::thread::panicking()` (as in tokio).

pub mod coop;
mod error;
pub(crate) mod join;
mod join_set;
mod local;
#[allow(unsafe_code)]
pub(crate) mod raw;
pub(crate) mod remote;
mod spawn;
mod state;
#[allow(unsafe_code)]
pub(crate) mod waker;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use error::JoinError;
pub use join::{AbortHandle, JoinHandle};
pub use join_set::JoinSet;
pub use local::{AccessError, LocalKey, TaskLocalFuture};
pub use spawn::spawn;

/// Gives the other tasks a turn: returns `Pending` once, after waking itself.
///
/// ```
/// runtime::block_on(async {
///     runtime::task::yield_now().await;
/// });
/// ```
pub async fn yield_now() {
    YieldNow { yielded: false }.await
}

struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // As tokio: woken after the reactor's next turn, not at once, so a
        // yield lets I/O and timers in, not only the tasks already queued.
        crate::context::defer(cx.waker());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests;
