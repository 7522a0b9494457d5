//! The cooperative budget: how many I/O operations one poll may complete
//! before the task is made to yield.
//!
//! Without it, a task whose socket is always ready (a fast peer, a full
//! buffer) would loop inside one poll for ever and starve every other task.
//! The executor resets the budget before each poll; `AsyncFd` charges one
//! unit per readiness check that lets an operation proceed, and when the
//! budget is spent it wakes the task and returns `Pending` instead.

use std::cell::Cell;
use std::task::{Context, Poll};

/// Operations one poll may complete before yielding (tokio uses 128 too).
const BUDGET: u8 = 128;

#[derive(Debug)]
pub(crate) struct Budget(Cell<u8>);

impl Budget {
    pub(crate) fn new() -> Budget {
        Budget(Cell::new(BUDGET))
    }

    #[inline]
    pub(crate) fn reset(&self) {
        self.0.set(BUDGET);
    }

    /// Charges one unit, or, when none is left, wakes the task and returns `Pending`.
    #[inline]
    pub(crate) fn poll_proceed(&self, cx: &mut Context<'_>) -> Poll<()> {
        match self.0.get() {
            0 => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            n => {
                self.0.set(n - 1);
                Poll::Ready(())
            }
        }
    }
}
