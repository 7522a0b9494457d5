//! The runtime's clock, which tests can pause. (What reads and moves the
//! *current* runtime's clock, `Instant::now`, `pause`, `resume` and
//! `advance`, is in `current.rs`, a floor above: it asks the context.)
//!
//! Each runtime has a [`Clock`]. Running, it reads the system's monotonic
//! clock. Paused ([`pause`], `Builder::start_paused`), it stands still:
//! only [`advance`] moves it, by exactly the duration given, and so does
//! the executor when it would otherwise sleep (auto-advance: with nothing
//! ready to run, no I/O ready either, and a timer pending, the clock jumps
//! to that timer's deadline). [`resume`] lets it run again from where it
//! stands, so it never goes backwards.
//!
//! The clock is `base + (system now - unfrozen)` while running and `base`
//! while paused, as in tokio. [`Instant::now`] reads the current runtime's
//! clock, but only once some clock in the process has been paused
//! (`ANY_PAUSED`); before that it is the system clock, with no thread-local
//! lookup.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::instant::Instant;

/// Set, for good, the first time any runtime's clock is paused.
pub(super) static ANY_PAUSED: AtomicBool = AtomicBool::new(false);

/// One runtime's clock. Lives in the runtime's `Scope`, on its thread.
#[derive(Debug)]
pub(crate) struct Clock {
    /// The clock's reading when it last stopped or was moved.
    base: Cell<std::time::Instant>,
    /// The system instant it started running again at; `None` while paused.
    unfrozen: Cell<Option<std::time::Instant>>,
    /// How many `spawn_blocking` jobs are outstanding: while any is, a
    /// paused clock does not auto-advance (its result may be what the
    /// waiting task needs), as in tokio.
    inhibitors: Rc<Cell<usize>>,
}

/// Holds auto-advance back while it lives (see [`Clock::inhibit_auto_advance`]).
#[derive(Debug)]
pub(crate) struct AutoAdvanceInhibit(Rc<Cell<usize>>);

impl Drop for AutoAdvanceInhibit {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

impl Clock {
    pub(crate) fn new(start_paused: bool) -> Clock {
        let now = std::time::Instant::now();
        let clock = Clock { base: Cell::new(now), unfrozen: Cell::new(Some(now)), inhibitors: Rc::default() };
        if start_paused {
            let _ = clock.pause();
        }
        clock
    }

    /// The clock's reading.
    pub(crate) fn now(&self) -> Instant {
        let base = self.base.get();
        Instant::from_std(match self.unfrozen.get() {
            Some(unfrozen) => base + unfrozen.elapsed(),
            None => base,
        })
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.unfrozen.get().is_none()
    }

    /// Whether the executor may jump the clock to the next timer when idle:
    /// it is paused and no `spawn_blocking` job is outstanding.
    pub(crate) fn can_auto_advance(&self) -> bool {
        self.is_paused() && self.inhibitors.get() == 0
    }

    /// Holds auto-advance back until the guard drops. `spawn_blocking`'s
    /// awaiting task holds one until it has the job's result.
    pub(crate) fn inhibit_auto_advance(&self) -> AutoAdvanceInhibit {
        self.inhibitors.set(self.inhibitors.get() + 1);
        AutoAdvanceInhibit(self.inhibitors.clone())
    }

    pub(super) fn pause(&self) -> Result<(), &'static str> {
        let Some(unfrozen) = self.unfrozen.get() else {
            return Err("time is already paused: `time::pause()` was called twice without `time::resume()`");
        };
        ANY_PAUSED.store(true, Ordering::Release);
        self.base.set(self.base.get() + unfrozen.elapsed());
        self.unfrozen.set(None);
        Ok(())
    }

    pub(super) fn resume(&self) -> Result<(), &'static str> {
        if !self.is_paused() {
            return Err("time is not paused: call `time::pause()` before `time::resume()`");
        }
        self.unfrozen.set(Some(std::time::Instant::now()));
        Ok(())
    }

    pub(super) fn advance(&self, duration: Duration) -> Result<(), &'static str> {
        if !self.is_paused() {
            return Err("time is not paused: call `time::pause()` (or build the runtime with \
                        `start_paused(true)`) before `time::advance`");
        }
        let base = self.base.get();
        self.base.set(base.checked_add(duration).unwrap_or_else(|| Instant::from_std(base).far_future().into_std()));
        Ok(())
    }

    /// Auto-advance: moves a paused clock forward to `deadline` (never back).
    pub(crate) fn advance_to(&self, deadline: Instant) {
        if self.is_paused() && deadline.into_std() > self.base.get() {
            self.base.set(deadline.into_std());
        }
    }
}
