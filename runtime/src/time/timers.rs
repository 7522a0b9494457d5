//! The deadline store: a hierarchical timing wheel over a slab of timers.
//!
//! A timer is a slab entry (`seq`, deadline, waker, its wheel slot and its
//! neighbours there). Its deadline is kept to the nanosecond, counted from
//! the store's `origin`; the wheel (`wheel.rs`) sorts timers into ticks of
//! 65.536 µs, in 8 levels of 64 slots, each slot a list linked through the
//! slab. Arming, resetting and cancelling a timer are O(1): link or unlink
//! it. [`Timers::fire`] walks the slots that time has reached, in order:
//! a slot of a higher level is cascaded (its timers linked again, lower),
//! a level-0 slot whose tick has passed fires whole, and the slot of the
//! current tick fires the timers whose deadline is at or before `now`,
//! compared to the nanosecond (a timer never fires early, nor later than
//! the store is asked). A timer that fires leaves the store at once; its
//! key then names nothing, which [`Timers::poll`] reports as fired (`seq`
//! is unique over the store's life, so a key never names a later timer in
//! the same slot). Timers fire in tick order; within a tick, those of the
//! wheel in the order they were linked, then those of the lane (below) in
//! theirs (so timers due at the same instant and armed in one run of
//! deadline order fire in the order they were armed).
//!
//! # The lane: timers armed in deadline order skip the wheel
//!
//! A server arms the same timeout again and again, so most deadlines come
//! in order: each at or after the one armed before. Such a timer goes to
//! the *lane*, one more list, sorted by `(deadline, seq)` because it is
//! only ever appended to: arming it costs one comparison with the lane's
//! last and no conversion of its deadline to ticks; cancelling unlinks it,
//! and it fires from the front. A timer due before the lane's last goes to
//! the wheel. `fire` takes the lane's timers in with the wheel's, tick by
//! tick.
//!
//! A cached lower bound of the next time the wheel has work, `wheel_wake`,
//! lets a turn with nothing due return after one clock read and two
//! comparisons of instants (with it, and with the lane's first deadline).
//!
//! # Memory falls back after a burst
//!
//! When the live timers drop to a quarter of the slab's capacity (and it is
//! bigger than [`SHRINK_ABOVE`]), the slab is compacted: timers in high
//! slots move to free low ones and the slab shrinks to fit. A `Sleep`
//! still holds its timer's old key, so each moved timer is marked and
//! recorded in `moved`, a `Vec` of `(seq, slot)` sorted by `seq`, which a
//! lookup binary-searches only when the slot the key names holds another
//! timer or none (a fired timer, or a moved one). A record of a timer that
//! is gone is left in place (the lookup checks the slot's `seq`, which is
//! unique), and the whole record is dropped when the last marked timer
//! goes, or rebuilt at the next compaction; so the common operations never
//! search or shift it, and the store needs no hash map (whose code every
//! app would link). A compaction costs O(capacity) plus sorting the moved
//! timers, and before the next one at least half as many timers must have
//! come or gone: O(log n) per operation, amortised, on this cold path only
//! (`compact.rs`).
//!
//! No waker is cloned or dropped in here: the caller clones before it
//! borrows the store, and every waker that leaves (by `fire`, `remove`,
//! `set_waker` or `clear`) is handed back, to be woken or dropped after the
//! borrow ends. A waker's clone, wake and drop may run any code, even code
//! that uses this store again (a waker that owns another `Sleep`).
//!
//! Called by `Sleep` (insert, poll, set_waker, reset, remove) and by the
//! executor (`next_deadline` for the wait timeout, `fire` after each turn).

use std::task::Waker;
use std::time::Duration;

use slab::Slab;

use super::instant::Instant;
use super::orphans::Orphans;

mod compact;
mod fire;
mod wheel;

use wheel::{Wheel, LANE};

/// The slab capacity below which the store never compacts: small stores
/// keep their memory, and no compaction runs on a store of a few timers.
const SHRINK_ABOVE: usize = 256;

/// No list neighbour.
const NIL: usize = usize::MAX;

/// Identifies one timer in one runtime's store. `seq` is unique over the
/// store's life, so a key never names a later timer in the same slot; if
/// compaction moved the timer, `index` is where it was armed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimerKey {
    index: usize,
    seq: u64,
}

#[derive(Debug)]
pub(crate) struct Entry {
    seq: u64,
    deadline: Instant,
    /// In the wheel: the deadline in nanoseconds from the store's `origin`
    /// (0 before it, `u64::MAX` 584 years or more after it).
    ns: u64,
    /// The list neighbours (slab slots, or [`NIL`]).
    prev: usize,
    next: usize,
    /// Its list: `level * 64 + slot` in the wheel, or [`LANE`].
    slot: u16,
    /// Compaction moved it: its key names another slot, and `moved` says
    /// where it is.
    moved: bool,
    waker: Waker,
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
///
/// # Invariants
/// - every entry is in one list (a wheel slot, or the lane), once (see
///   `Wheel`); the lane is in `(deadline, seq)` order;
/// - `wheel_wake` is at most the instant of `wheel.next_wake()`;
/// - `moved` is sorted by `seq` and holds `(seq, slot)` for every live
///   timer marked `moved` (and maybe for timers that are gone: their slot
///   holds another `seq`, or nothing); `marked` counts the marked timers,
///   and `moved` is empty when none is.
#[derive(Debug)]
pub(crate) struct Timers {
    entries: Slab<Entry>,
    wheel: Wheel,
    /// The instant deadlines are counted from.
    origin: Instant,
    /// No timer of the wheel is due, and no slot needs a cascade, before this.
    wheel_wake: Instant,
    /// `(seq, slot)` of timers compaction moved, sorted by `seq`.
    moved: Vec<(u64, usize)>,
    /// Live timers marked `moved`.
    marked: usize,
    next_seq: u64,
    /// Keys sent by sleeps that left this runtime (see `orphans.rs`).
    orphans: Orphans,
}

impl Timers {
    /// The store of runtime `id`.
    pub(crate) fn new(id: u64) -> Timers {
        let origin = Instant::from_std(std::time::Instant::now());
        Timers {
            entries: Slab::new(),
            wheel: Wheel::new(),
            origin,
            wheel_wake: origin.far_future(),
            moved: Vec::new(),
            marked: 0,
            next_seq: 0,
            orphans: Orphans::register(id),
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    #[cfg(test)]
    pub(crate) fn orphans_id(&self) -> u64 {
        self.orphans.id()
    }

    /// `at` in nanoseconds from `origin`: 0 before it, saturating after.
    #[inline]
    fn nanos(&self, at: Instant) -> u64 {
        match at.checked_duration_since(self.origin) {
            Some(d) => d.as_secs().saturating_mul(1_000_000_000).saturating_add(u64::from(d.subsec_nanos())),
            None => 0,
        }
    }

    /// The instant `ns` nanoseconds after `origin`.
    #[inline]
    fn instant(&self, ns: u64) -> Instant {
        self.origin.saturating_add(Duration::from_nanos(ns))
    }

    #[inline]
    pub(crate) fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        self.next_seq += 1;
        let seq = self.next_seq;
        let entry = Entry { seq, deadline, ns: 0, prev: NIL, next: NIL, slot: LANE, moved: false, waker };
        let index = self.entries.insert(entry);
        self.attach(index, deadline, seq);
        TimerKey { index, seq }
    }

    /// Links the timer in slot `index` (whose deadline is set, in no list):
    /// to the lane if it comes after the lane's last by `(deadline, seq)`
    /// (always, for a new timer due no earlier), else to the wheel.
    #[inline(always)]
    fn attach(&mut self, index: usize, deadline: Instant, seq: u64) {
        let tail = self.wheel.lane.tail;
        if tail == NIL || (deadline, seq) > (self.entries[tail].deadline, self.entries[tail].seq) {
            let entry = &mut self.entries[index];
            (entry.slot, entry.prev, entry.next) = (LANE, tail, NIL);
            match tail {
                NIL => self.wheel.lane.head = index,
                _ => self.entries[tail].next = index,
            }
            self.wheel.lane.tail = index;
        } else {
            self.attach_to_wheel(index, deadline);
        }
    }

    #[inline(never)]
    fn attach_to_wheel(&mut self, index: usize, deadline: Instant) {
        let ns = self.nanos(deadline);
        self.entries[index].ns = ns;
        self.wheel.link(&mut self.entries, index, ns);
        if deadline < self.wheel_wake {
            self.wheel_wake = deadline;
        }
    }

    /// Takes the timer in slot `index` out of its list.
    #[inline(always)]
    fn unlink(&mut self, index: usize) {
        let entry = &self.entries[index];
        if entry.slot != LANE {
            return self.wheel.unlink(&mut self.entries, index);
        }
        let (prev, next) = (entry.prev, entry.next);
        match prev {
            NIL => self.wheel.lane.head = next,
            _ => self.entries[prev].next = next,
        }
        match next {
            NIL => self.wheel.lane.tail = prev,
            _ => self.entries[next].prev = prev,
        }
    }

    /// Whether the timer has fired, and whether it holds `waker`.
    pub(crate) fn poll(&self, key: TimerKey, waker: &Waker) -> TimerPoll {
        match self.find(key) {
            None => TimerPoll::Fired,
            Some(i) if self.entries[i].waker.will_wake(waker) => TimerPoll::Pending,
            Some(_) => TimerPoll::NeedsWaker,
        }
    }

    /// Stores `waker` in the timer; returns the one it replaces (or `waker`
    /// itself if the timer is gone), for the caller to drop after the borrow.
    pub(crate) fn set_waker(&mut self, key: TimerKey, waker: Waker) -> Option<Waker> {
        match self.find(key) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].waker, waker)),
            None => Some(waker),
        }
    }

    /// Moves a timer to a new deadline, keeping its key and its waker.
    /// `false` if the timer is gone (it fired, or was removed).
    pub(crate) fn reset(&mut self, key: TimerKey, deadline: Instant) -> bool {
        let Some(index) = self.find(key) else {
            return false;
        };
        self.unlink(index);
        self.entries[index].deadline = deadline;
        self.attach(index, deadline, key.seq);
        true
    }

    /// Removes a timer; returns its waker, for the caller to drop after the
    /// borrow ends.
    #[inline]
    pub(crate) fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        let index = self.find(key)?;
        self.unlink(index);
        let waker = self.release(index);
        self.maybe_shrink();
        Some(waker)
    }

    /// No later than the earliest deadline of a timer in the store: when
    /// the executor should next call [`Timers::fire`]. It is the earliest
    /// deadline unless that timer was cancelled (then it may be earlier:
    /// firing then does what is due and finds the next one), or the
    /// earliest timer is in a slot that needs a cascade first.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        if self.entries.is_empty() {
            return None;
        }
        self.wheel_wake = self.instant(self.wheel.next_wake());
        Some(match self.entries.get(self.wheel.lane.head) {
            Some(first) => first.deadline.min(self.wheel_wake),
            None => self.wheel_wake,
        })
    }

    /// Fires every timer whose deadline is at or before `now()` (read only
    /// if some timer is armed, so an idle store costs no clock read): it leaves
    /// the store, and its waker goes to `wakers`. First removes the timers
    /// of sleeps that left this runtime; their wakers are returned, for the
    /// caller to drop (not wake) after the borrow ends.
    #[must_use = "the returned wakers must be dropped after the store's borrow ends"]
    #[inline]
    pub(crate) fn fire(&mut self, now: impl FnOnce() -> Instant, wakers: &mut Vec<Waker>) -> Vec<Waker> {
        let orphaned = match self.orphans.take() {
            Some(keys) => self.remove_orphans(keys),
            None => Vec::new(),
        };
        if !self.entries.is_empty() {
            self.fire_at(now(), wakers);
        }
        orphaned
    }

    /// `fire` with the clock read (one copy, whatever closure reads it).
    #[inline(never)]
    fn fire_at(&mut self, now: Instant, wakers: &mut Vec<Waker>) {
        let lane_due = self.entries.get(self.wheel.lane.head).is_some_and(|first| first.deadline <= now);
        if lane_due || now >= self.wheel_wake {
            self.fire_due(now, wakers);
        }
    }

    #[cold]
    fn remove_orphans(&mut self, keys: Vec<TimerKey>) -> Vec<Waker> {
        keys.into_iter().filter_map(|key| self.remove(key)).collect()
    }

    /// Takes every timer out (the runtime is shutting down); the caller
    /// drops them, and so their wakers, after the borrow ends.
    pub(crate) fn clear(&mut self) -> Slab<Entry> {
        self.wheel.reset();
        self.wheel_wake = self.origin.far_future();
        (self.moved, self.marked) = (Vec::new(), 0);
        std::mem::take(&mut self.entries)
    }

    /// The slot of the live timer `key` names.
    #[inline]
    fn find(&self, key: TimerKey) -> Option<usize> {
        match self.entries.get(key.index) {
            Some(entry) if entry.seq == key.seq => Some(key.index),
            _ if self.moved.is_empty() => None,
            _ => self.find_moved(key.seq),
        }
    }

    /// The slot of live timer `seq`, which compaction moved (or which is
    /// gone, or never moved: then `None`).
    #[cold]
    fn find_moved(&self, seq: u64) -> Option<usize> {
        let at = self.moved.binary_search_by_key(&seq, |&(s, _)| s).ok()?;
        let slot = self.moved[at].1;
        // A record outlives its timer: the slot may hold another one.
        self.entries.get(slot).is_some_and(|e| e.seq == seq).then_some(slot)
    }

    /// Takes the timer in slot `index` (in no list) out of the slab.
    #[inline]
    fn release(&mut self, index: usize) -> Waker {
        let entry = self.entries.remove(index);
        if entry.moved {
            self.marked -= 1;
            if self.marked == 0 {
                self.moved = Vec::new();
            }
        }
        entry.waker
    }

    /// Compacts the slab if it holds a quarter of its capacity or less.
    #[inline]
    fn maybe_shrink(&mut self) {
        if self.entries.capacity() > SHRINK_ABOVE && self.entries.len() * 4 <= self.entries.capacity() {
            self.shrink();
        }
    }
}

#[cfg(test)]
mod compaction_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod wheel_tests;
