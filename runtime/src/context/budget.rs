//! The cooperative budget: how many I/O operations one poll may complete
//! before the task is made to yield.
//!
//! Without it, a task whose socket is always ready (a fast peer, a full
//! buffer) would loop inside one poll for ever and starve every other task.
//! The executor resets the budget before each poll.
//!
//! # What the budget counts
//!
//! Waits that complete, as in tokio. `AsyncFd`'s awaited I/O (`read_with`,
//! `write_with` and their poll forms, which every `net` read, write, send,
//! receive and accept goes through) takes one unit before its system call
//! ([`Budget::try_charge`]) and gives it back if the call said `WouldBlock`
//! ([`Budget::refund`]); the `sync` wait points, `JoinSet::join_next` and
//! `copy_bidirectional`'s reads take one through `task::coop::poll_proceed`;
//! `select!` returns `Pending` once it is spent. When none is left, the
//! operation returns `Pending` and its task is deferred (`Scope::defer`, as
//! tokio does): woken after the reactor's next turn, so the other tasks and
//! the I/O get theirs first.
//!
//! A timer (`Sleep`, and so `Timeout`'s deadline and `Interval`'s tick)
//! spends one unit when it completes, as in tokio; with none left it
//! returns `Pending` and defers its task, elapsed or not.
//!
//! A readiness query (`readable`, `writable`, `ready(interest)`,
//! `poll_read_ready`, `poll_write_ready`) never spends budget: when the
//! reactor already knows the source is ready it answers at once, as in
//! tokio. A tokio-style loop of `writable().await` and `try_write` that
//! fills a send buffer in one poll therefore runs to `WouldBlock` however
//! many turns it takes. `try_*` operations do not spend budget either:
//! they never return `Pending`, so they cannot yield.

use std::cell::Cell;

/// Operations one poll may complete before yielding (tokio uses 128 too).
const BUDGET: u8 = 128;

thread_local! {
    /// How many times a charge on this thread took a budget's last unit.
    /// `Timeout` reads it around its future's poll (see [`times_spent`]).
    static SPENT: Cell<u64> = const { Cell::new(0) };
}

/// How many times a charge on this thread has taken a budget's last unit.
/// A budget found empty after a poll was not empty before it exactly when
/// this moved during the poll (a unit is given back only after a charge
/// succeeded, so an empty budget cannot fill and empty again unseen). So
/// `Timeout` learns what tokio's reads before the poll, with a plain
/// thread-local read instead of a lookup of the current runtime.
#[inline]
pub(crate) fn times_spent() -> u64 {
    SPENT.try_with(Cell::get).unwrap_or(0)
}

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

    /// Whether a unit is left (`Timeout` asks before polling its future:
    /// see `time/timeout.rs`).
    #[inline]
    pub(crate) fn has_remaining(&self) -> bool {
        self.0.get() > 0
    }

    /// Charges one unit; `false` when none is left (the caller defers its
    /// task and returns `Pending`).
    #[inline]
    pub(crate) fn try_charge(&self) -> bool {
        match self.0.get() {
            0 => false,
            1 => {
                self.0.set(0);
                let _ = SPENT.try_with(|spent| spent.set(spent.get().wrapping_add(1)));
                true
            }
            n => {
                self.0.set(n - 1);
                true
            }
        }
    }

    /// Gives back the unit [`try_charge`](Self::try_charge) took, for an
    /// operation that made no progress (its system call said `WouldBlock`).
    #[inline]
    pub(crate) fn refund(&self) {
        self.0.set(self.0.get().saturating_add(1).min(BUDGET));
    }
}
