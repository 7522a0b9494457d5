//! The atomic word every task header starts with: a reference count and two
//! flags that other threads may read.
//!
//! Layout: `refcount << 2 | COMPLETE | SCHEDULED`. Only the fields that a
//! remote waker needs live here; everything else in the header is touched by
//! the runtime's own thread alone and sits in plain `Cell`s.
//!
//! Each transition is named after its edge and returns a `#[must_use]` value
//! the caller has to act on.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};

/// The task has a run-queue entry (local or injected) that holds a reference.
/// Set by a wake, cleared by the executor just before it polls the task.
const SCHEDULED: usize = 1;
/// The future is gone (finished, panicked or cancelled); it will never be
/// polled again, so wakes do nothing. Set once, never cleared.
const COMPLETE: usize = 2;
/// One reference in the count above the flags.
const REF_ONE: usize = 4;
/// A count this high means a reference leak: abort rather than wrap.
const REF_MAX: usize = isize::MAX as usize;

/// The reference count and the flags other threads read.
#[derive(Debug)]
pub(crate) struct State(AtomicUsize);

/// What a wake that keeps its reference must do.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ByRef {
    /// A new reference was taken for a run-queue entry: submit it.
    Submit,
    /// The task is already queued, or complete: nothing to do.
    Nothing,
}

/// What a wake that consumes its reference must do.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ByVal {
    /// The waker's reference now belongs to a run-queue entry: submit it.
    Submit,
    /// The task is already queued, or complete: drop the waker's reference.
    DropRef,
}

impl State {
    /// A new task: referenced by the owned list, its run-queue entry and its
    /// `JoinHandle`, and scheduled.
    pub(crate) fn new() -> State {
        State(AtomicUsize::new((3 * REF_ONE) | SCHEDULED))
    }

    pub(crate) fn transition_to_scheduled_by_ref(&self) -> ByRef {
        if self.schedule(REF_ONE) {
            ByRef::Submit
        } else {
            ByRef::Nothing
        }
    }

    /// One `fetch_or`: a wake that brings no reference of its own adds
    /// none, so it need not look before it writes. On a complete task it
    /// sets `SCHEDULED` too, which nothing reads there (every transition
    /// checks `COMPLETE` first, and a complete task is never polled).
    /// Being a read-modify-write, it is ordered against
    /// `transition_to_running` as `schedule`'s exchange is.
    ///
    /// Only `SCHEDULED`'s old value is taken from the read-modify-write, so
    /// it is one `lock bts` on x86 rather than a compare-and-swap loop;
    /// `COMPLETE` is read after it. A task that completes in between is
    /// not submitted: it would only be popped and found complete.
    #[inline]
    pub(crate) fn transition_to_scheduled_by_val(&self) -> ByVal {
        if self.0.fetch_or(SCHEDULED, AcqRel) & SCHEDULED == 0 && self.0.load(Acquire) & COMPLETE == 0 {
            ByVal::Submit
        } else {
            ByVal::DropRef
        }
    }

    /// Sets `SCHEDULED` and adds `refs`, unless the task is queued or
    /// complete; whether it did.
    ///
    /// A wake that finds the task queued still writes the word back
    /// unchanged: as a read-modify-write it is ordered against the
    /// executor's `transition_to_running`, so either the executor's acquire
    /// sees it (and the poll sees what the waker wrote before waking) or
    /// this wake sees `SCHEDULED` cleared and queues the task again. A
    /// plain load here would let both sides read the old values (store
    /// buffering), and the wake would be lost. The loom model
    /// `loom_task_state_wake_vs_complete_vs_last_drop` finds that.
    fn schedule(&self, refs: usize) -> bool {
        let mut cur = self.0.load(Acquire);
        loop {
            if cur & COMPLETE != 0 {
                return false;
            }
            let queued = cur & SCHEDULED != 0;
            let next = if queued { cur } else { (cur | SCHEDULED) + refs };
            if !queued {
                check_overflow(cur);
            }
            match self.0.compare_exchange_weak(cur, next, AcqRel, Acquire) {
                Ok(_) => return !queued,
                Err(actual) => cur = actual,
            }
        }
    }

    /// The executor took the task's queue entry and is about to poll it;
    /// a wake from now on queues it again. Returns whether it is complete.
    ///
    /// A queue entry exists only while `SCHEDULED` is set (a wake sets it
    /// and submits; nothing else clears it), so subtracting the bit clears
    /// it: one `lock xadd`, where a `fetch_and` whose old value is tested
    /// for another bit is a compare-and-swap loop.
    pub(crate) fn transition_to_running(&self) -> bool {
        let prev = self.0.fetch_sub(SCHEDULED, AcqRel);
        debug_assert!(prev & SCHEDULED != 0, "a task was run without a queue entry");
        prev & COMPLETE != 0
    }

    /// The future is gone for good.
    pub(crate) fn transition_to_complete(&self) {
        self.0.fetch_or(COMPLETE, AcqRel);
    }

    pub(crate) fn is_complete(&self) -> bool {
        self.0.load(Acquire) & COMPLETE != 0
    }

    pub(crate) fn ref_inc(&self) {
        let prev = self.0.fetch_add(REF_ONE, Relaxed);
        check_overflow(prev);
    }

    /// Drops one reference; `true` if it was the last, and the caller must
    /// free the task.
    #[must_use]
    pub(crate) fn ref_dec(&self) -> bool {
        let prev = self.0.fetch_sub(REF_ONE, AcqRel);
        debug_assert!(prev >= REF_ONE, "task reference count underflow");
        prev & !(REF_ONE - 1) == REF_ONE
    }

    #[cfg(test)]
    fn refs(&self) -> usize {
        self.0.load(Acquire) / REF_ONE
    }
}

fn check_overflow(cur: usize) {
    if cur > REF_MAX {
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_new_task_is_scheduled_with_three_refs() {
        let s = State::new();
        assert_eq!(s.refs(), 3);
        assert_eq!(s.transition_to_scheduled_by_ref(), ByRef::Nothing);
        assert!(!s.transition_to_running());
        assert_eq!(s.transition_to_scheduled_by_ref(), ByRef::Submit);
        assert_eq!(s.refs(), 4);
    }

    #[test]
    fn state_wake_by_val_transfers_or_drops() {
        let s = State::new();
        assert!(!s.transition_to_running());
        assert_eq!(s.transition_to_scheduled_by_val(), ByVal::Submit);
        assert_eq!(s.transition_to_scheduled_by_val(), ByVal::DropRef);
        assert_eq!(s.refs(), 3);
    }

    #[test]
    fn state_complete_task_ignores_wakes() {
        let s = State::new();
        let _ = s.transition_to_running();
        s.transition_to_complete();
        assert!(s.is_complete());
        assert_eq!(s.transition_to_scheduled_by_ref(), ByRef::Nothing);
        assert_eq!(s.transition_to_scheduled_by_val(), ByVal::DropRef);
    }

    #[test]
    fn state_last_ref_dec_reports_last() {
        let s = State::new();
        assert!(!s.ref_dec());
        assert!(!s.ref_dec());
        assert!(s.ref_dec());
    }
}
