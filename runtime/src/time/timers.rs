//! The deadline store: a min-heap of deadlines over a slab of timers.
//!
//! A timer is a slab entry (deadline, waker); the heap holds
//! `(deadline, index, seq)` triples. Removing or resetting a timer does not
//! touch the heap: its old triple goes stale (the entry's `seq` no longer
//! matches, or the entry is gone) and is skipped when it reaches the top. So
//! that timeout-heavy loops do not grow memory, the heap is rebuilt from the
//! live entries whenever stale triples outnumber live ones. A timer that
//! fires leaves the store at once; its key then names nothing, which
//! [`Timers::poll`] reports as fired.
//!
//! No waker is cloned or dropped in here: the caller clones before it
//! borrows the store, and every waker that leaves (by `fire`, `remove`,
//! `set_waker` or `clear`) is handed back, to be woken or dropped after the
//! borrow ends. A waker's clone, wake and drop may run any code, even code
//! that uses this store again (a waker that owns another `Sleep`).
//!
//! Called by `Sleep` (insert, poll, set_waker, reset, remove) and by the
//! executor (`next_deadline` for the wait timeout, `fire` after each turn).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::task::Waker;

use slab::Slab;

use super::orphans::Orphans;
use super::Instant;

/// Identifies one timer in one runtime's store. `seq` is unique over the
/// store's life, so a key never names a later timer in the same slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimerKey {
    index: usize,
    seq: u64,
}

#[derive(Debug)]
pub(crate) struct Entry {
    deadline: Instant,
    /// Matches the heap triple that currently stands for this entry.
    seq: u64,
    waker: Option<Waker>,
}

/// What [`Timers::poll`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub(crate) enum TimerPoll {
    /// The timer fired (or was removed): the sleep is over.
    Fired,
    /// Still armed, and its waker wakes the polling task.
    Pending,
    /// Still armed, but its waker is another task's (or none): call
    /// [`Timers::set_waker`] with a clone of the polling task's.
    NeedsWaker,
}

/// All timers of a runtime.
#[derive(Debug)]
pub(crate) struct Timers {
    entries: Slab<Entry>,
    heap: BinaryHeap<Reverse<(Instant, usize, u64)>>,
    next_seq: u64,
    /// Keys sent by sleeps that left this runtime (see `orphans.rs`).
    orphans: Orphans,
}

impl Timers {
    /// The store of runtime `id`.
    pub(crate) fn new(id: u64) -> Timers {
        Timers { entries: Slab::new(), heap: BinaryHeap::new(), next_seq: 0, orphans: Orphans::register(id) }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    #[cfg(test)]
    pub(crate) fn orphans_id(&self) -> u64 {
        self.orphans.id()
    }

    pub(crate) fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        let seq = self.bump_seq();
        let index = self.entries.insert(Entry { deadline, seq, waker: Some(waker) });
        self.heap.push(Reverse((deadline, index, seq)));
        TimerKey { index, seq }
    }

    /// Whether the timer has fired, and whether it holds `waker`.
    pub(crate) fn poll(&self, key: TimerKey, waker: &Waker) -> TimerPoll {
        match self.entry(key) {
            None => TimerPoll::Fired,
            Some(entry) if entry.waker.as_ref().is_some_and(|w| w.will_wake(waker)) => TimerPoll::Pending,
            Some(_) => TimerPoll::NeedsWaker,
        }
    }

    /// Stores `waker` in the timer; returns the one it replaces (or `waker`
    /// itself if the timer is gone), for the caller to drop after the borrow.
    pub(crate) fn set_waker(&mut self, key: TimerKey, waker: Waker) -> Option<Waker> {
        match self.entry_mut(key) {
            Some(entry) => entry.waker.replace(waker),
            None => Some(waker),
        }
    }

    /// Moves a timer to a new deadline, keeping its waker. Returns the key
    /// it now has (the old one no longer names it), or `None` if the timer
    /// is gone (it fired).
    pub(crate) fn reset(&mut self, key: TimerKey, deadline: Instant) -> Option<TimerKey> {
        let seq = self.bump_seq();
        let entry = self.entry_mut(key)?;
        entry.deadline = deadline;
        entry.seq = seq;
        self.heap.push(Reverse((deadline, key.index, seq)));
        self.compact_if_stale();
        Some(TimerKey { index: key.index, seq })
    }

    /// Removes a timer; returns its waker, for the caller to drop after the
    /// borrow ends.
    pub(crate) fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        self.entry(key)?;
        let entry = self.entries.remove(key.index);
        self.compact_if_stale();
        entry.waker
    }

    /// The earliest deadline of a timer in the store.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(&Reverse((deadline, index, seq))) = self.heap.peek() {
            if self.is_live(index, seq) {
                return Some(deadline);
            }
            self.heap.pop();
        }
        None
    }

    /// Fires every timer whose deadline is at or before `now()` (read only
    /// if some timer is armed, so an idle store costs no clock read): it leaves
    /// the store, and its waker goes to `wakers`. First removes the timers
    /// of sleeps that left this runtime; their wakers are returned, for the
    /// caller to drop (not wake) after the borrow ends.
    #[must_use = "the returned wakers must be dropped after the store's borrow ends"]
    pub(crate) fn fire(&mut self, now: impl FnOnce() -> Instant, wakers: &mut Vec<Waker>) -> Vec<Waker> {
        let orphaned = match self.orphans.take() {
            Some(keys) => keys.into_iter().filter_map(|key| self.remove(key)).collect(),
            None => Vec::new(),
        };
        if self.heap.is_empty() {
            return orphaned;
        }
        let now = now();
        while let Some(&Reverse((deadline, index, seq))) = self.heap.peek() {
            if deadline > now {
                break;
            }
            self.heap.pop();
            if self.is_live(index, seq) {
                wakers.extend(self.entries.remove(index).waker);
            }
        }
        orphaned
    }

    /// Takes every timer out (the runtime is shutting down); the caller
    /// drops them, and so their wakers, after the borrow ends.
    pub(crate) fn clear(&mut self) -> Slab<Entry> {
        self.heap.clear();
        std::mem::take(&mut self.entries)
    }

    fn bump_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    fn is_live(&self, index: usize, seq: u64) -> bool {
        self.entries.get(index).is_some_and(|e| e.seq == seq)
    }

    fn entry(&self, key: TimerKey) -> Option<&Entry> {
        self.entries.get(key.index).filter(|e| e.seq == key.seq)
    }

    fn entry_mut(&mut self, key: TimerKey) -> Option<&mut Entry> {
        self.entries.get_mut(key.index).filter(|e| e.seq == key.seq)
    }

    /// Rebuilds the heap when stale triples outnumber live timers.
    fn compact_if_stale(&mut self) {
        if self.heap.len() > 64 && self.heap.len() > 2 * self.entries.len() {
            let live = self.entries.iter();
            self.heap = live.map(|(i, e)| Reverse((e.deadline, i, e.seq))).collect();
        }
    }
}

#[cfg(test)]
mod tests;
