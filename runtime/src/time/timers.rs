//! The deadline store: an indexed min-heap of deadlines over a slab of
//! timers, and beside it a lane for timers armed in deadline order (below).
//!
//! A timer is a slab entry (`seq`, deadline, heap position, waker); the heap is a
//! `Vec` of `(deadline, seq, slab index)` nodes ordered by deadline, then
//! `seq` (so timers due at the same instant fire in the order they were
//! armed). Each entry records where its node sits, and every sift
//! step updates it; so reset and remove go straight to the node and sift it
//! in O(log n) of the timers that are live (the sifts are in `heap.rs`).
//! The heap holds no stale node: its top (or the lane's front) is the next
//! deadline, and nothing is ever rebuilt. A timer that fires leaves the
//! store at once; its key then names nothing, which [`Timers::poll`]
//! reports as fired (`seq` is unique over the store's life, so a key never
//! names a later timer in the same slot).
//!
//! # Memory falls back after a burst
//!
//! When the live timers drop to a quarter of the slab's capacity (and it is
//! bigger than [`SHRINK_ABOVE`]), the slab is compacted: timers in high
//! slots move to free low ones and both `Vec`s shrink to fit. A `Sleep`
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
//! come or gone: O(log n) per operation, amortised, on this cold path only.
//!
//! No waker is cloned or dropped in here: the caller clones before it
//! borrows the store, and every waker that leaves (by `fire`, `remove`,
//! `set_waker` or `clear`) is handed back, to be woken or dropped after the
//! borrow ends. A waker's clone, wake and drop may run any code, even code
//! that uses this store again (a waker that owns another `Sleep`).
//!
//! # The lane: timers armed in deadline order skip the heap
//!
//! A server arms the same timeout again and again, so most deadlines come
//! in order: each at or after the one armed before. Such a timer goes to
//! the *lane*, a list linked through the slab (`prev`, `next`) and sorted
//! by `(deadline, seq)` because it is only ever appended to: arming,
//! cancelling (unlinking) and firing (from the front) are O(1), with no
//! sift. A timer whose deadline comes before the lane's last one goes to
//! the heap as before. `fire` and `next_deadline` take the earlier of the
//! heap's top and the lane's front.
//!
//! Called by `Sleep` (insert, poll, set_waker, reset, remove) and by the
//! executor (`next_deadline` for the wait timeout, `fire` after each turn).

use std::task::Waker;

use slab::Slab;

use super::instant::Instant;
mod compact;
mod heap;

use heap::Node;

use super::orphans::Orphans;

/// The slab capacity below which the store never compacts: small stores
/// keep their memory, and no compaction runs on a store of a few timers.
const SHRINK_ABOVE: usize = 256;

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
    /// Where this timer's node is in the heap, or [`IN_LANE`].
    pos: usize,
    deadline: Instant,
    /// The lane's neighbours (slab slots, or [`NIL`]); unused in the heap.
    prev: usize,
    next: usize,
    /// Compaction moved it: its key names another slot, and `moved` says
    /// where it is.
    moved: bool,
    waker: Waker,
}

/// `Entry::pos` of a timer in the lane.
const IN_LANE: usize = usize::MAX;
/// No lane neighbour.
const NIL: usize = usize::MAX;

/// The lane's ends (slab slots, or [`NIL`] when it is empty).
#[derive(Debug, Clone, Copy)]
struct Lane {
    head: usize,
    tail: usize,
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
/// - every entry is in the heap or in the lane, once;
/// - for every `p`, `entries[heap[p].index].pos == p`, and `heap[p]`'s
///   `seq` and `deadline` are that entry's; no node comes before its parent;
/// - the lane, from `head` along `next` to `tail` (and back along `prev`),
///   holds the entries whose `pos` is `IN_LANE`, in `(deadline, seq)` order.
/// - `moved` is sorted by `seq` and holds `(seq, slot)` for every live
///   timer marked `moved` (and maybe for timers that are gone: their slot
///   holds another `seq`, or nothing); `marked` counts the marked timers,
///   and `moved` is empty when none is.
#[derive(Debug)]
pub(crate) struct Timers {
    entries: Slab<Entry>,
    heap: Vec<Node>,
    lane: Lane,
    /// `(seq, slot)` of timers compaction moved, sorted by `seq`.
    moved: Vec<(u64, usize)>,
    /// Live timers marked `moved`.
    marked: usize,
    next_seq: u64,
    /// Keys sent by sleeps that left this runtime (see `orphans.rs`).
    orphans: Orphans,
    /// Heap nodes moved by sifts, for tests that bound the work per operation.
    #[cfg(test)]
    sift_steps: u64,
}

impl Timers {
    /// The store of runtime `id`.
    pub(crate) fn new(id: u64) -> Timers {
        Timers {
            entries: Slab::new(),
            heap: Vec::new(),
            lane: Lane { head: NIL, tail: NIL },
            moved: Vec::new(),
            marked: 0,
            next_seq: 0,
            orphans: Orphans::register(id),
            #[cfg(test)]
            sift_steps: 0,
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

    #[inline]
    pub(crate) fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        self.next_seq += 1;
        let seq = self.next_seq;
        let index =
            self.entries.insert(Entry { seq, pos: IN_LANE, deadline, prev: NIL, next: NIL, moved: false, waker });
        self.attach(index, deadline, seq);
        TimerKey { index, seq }
    }

    /// Puts the entry in slot `index` (in neither structure) in the lane if
    /// it comes after the lane's last by `(deadline, seq)` (always, for a
    /// new timer due no earlier), else in the heap.
    #[inline(always)]
    fn attach(&mut self, index: usize, deadline: Instant, seq: u64) {
        let tail = self.lane.tail;
        if tail == NIL || (deadline, seq) > (self.entries[tail].deadline, self.entries[tail].seq) {
            let entry = &mut self.entries[index];
            (entry.pos, entry.deadline, entry.prev, entry.next) = (IN_LANE, deadline, tail, NIL);
            match tail {
                NIL => self.lane.head = index,
                _ => self.entries[tail].next = index,
            }
            self.lane.tail = index;
            return;
        }
        let pos = self.heap.len();
        let entry = &mut self.entries[index];
        (entry.pos, entry.deadline) = (pos, deadline);
        let node = Node { deadline, seq, index };
        self.heap.push(node);
        if pos > 0 && node.before(&self.heap[(pos - 1) / 2]) {
            self.sift_up(pos);
        }
    }

    /// Takes the lane entry in slot `index` out of the lane.
    #[inline]
    fn unlink(&mut self, index: usize) {
        let (prev, next) = (self.entries[index].prev, self.entries[index].next);
        match prev {
            NIL => self.lane.head = next,
            _ => self.entries[prev].next = next,
        }
        match next {
            NIL => self.lane.tail = prev,
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
        let pos = self.entries[index].pos;
        if pos == IN_LANE {
            self.unlink(index);
            self.attach(index, deadline, key.seq);
            return true;
        }
        self.entries[index].deadline = deadline;
        let old = std::mem::replace(&mut self.heap[pos].deadline, deadline);
        if deadline < old {
            self.sift_up(pos);
        } else {
            self.sift_down(pos);
        }
        true
    }

    /// Removes a timer; returns its waker, for the caller to drop after the
    /// borrow ends.
    #[inline]
    pub(crate) fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        let index = self.find(key)?;
        Some(self.remove_at(index))
    }

    /// The earliest deadline of a timer in the store.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.first().map(|(deadline, _)| deadline)
    }

    /// The deadline and slot of the timer due first: the earlier by
    /// `(deadline, seq)` of the heap's top and the lane's front.
    #[inline]
    fn first(&self) -> Option<(Instant, usize)> {
        let lane = self.entries.get(self.lane.head).map(|e| (e.deadline, e.seq, self.lane.head));
        let heap = self.heap.first().map(|n| (n.deadline, n.seq, n.index));
        let (deadline, _, index) = match (lane, heap) {
            (Some(l), Some(h)) => l.min(h),
            (l, h) => l.or(h)?,
        };
        Some((deadline, index))
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
        if self.entries.is_empty() {
            return orphaned;
        }
        let now = now();
        while let Some((deadline, index)) = self.first() {
            if deadline > now {
                break;
            }
            wakers.push(self.remove_at(index));
        }
        orphaned
    }

    /// Takes every timer out (the runtime is shutting down); the caller
    /// drops them, and so their wakers, after the borrow ends.
    pub(crate) fn clear(&mut self) -> Slab<Entry> {
        self.heap = Vec::new();
        self.lane = Lane { head: NIL, tail: NIL };
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

    /// Removes the timer in slot `index` from the slab and the heap.
    #[inline]
    fn remove_at(&mut self, index: usize) -> Waker {
        if self.entries[index].pos == IN_LANE {
            self.unlink(index);
        } else {
            self.heap_remove(self.entries[index].pos);
        }
        let entry = self.entries.remove(index);
        if entry.moved {
            self.marked -= 1;
            if self.marked == 0 {
                self.moved = Vec::new();
            }
        }
        if self.entries.capacity() > SHRINK_ABOVE && self.entries.len() * 4 <= self.entries.capacity() {
            self.shrink();
        }
        entry.waker
    }
}

#[cfg(test)]
mod compaction_tests;
#[cfg(test)]
mod tests;
