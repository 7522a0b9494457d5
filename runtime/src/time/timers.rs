//! The deadline store: an indexed min-heap of deadlines over a slab of timers.
//!
//! A timer is a slab entry (`seq`, heap position, waker); the heap is a
//! `Vec` of `(deadline, seq, slab index)` nodes ordered by deadline, then
//! `seq` (so timers due at the same instant fire in the order they were
//! armed). Each entry records where its node sits, and every sift
//! step updates it; so reset and remove go straight to the node and sift it
//! in O(log n) of the timers that are live. The heap holds no stale node:
//! its top is the next deadline, and nothing is ever rebuilt. A timer that
//! fires leaves the store at once; its key then names nothing, which
//! [`Timers::poll`] reports as fired (`seq` is unique over the store's
//! life, so a key never names a later timer in the same slot).
//!
//! # Memory falls back after a burst
//!
//! When the live timers drop to a quarter of the slab's capacity (and it is
//! bigger than [`SHRINK_ABOVE`]), the slab is compacted: timers in high
//! slots move to free low ones and both `Vec`s shrink to fit. A `Sleep`
//! still holds its timer's old key, so each move is recorded in `moved`
//! (`seq` → new slot), which a lookup consults only when the slot the key
//! names holds another timer or none (a fired timer, or a moved one); the
//! record goes when its timer does. A compaction costs O(capacity), and
//! before the next one at least half as many timers must have come or gone:
//! O(1) per operation, amortised.
//!
//! No waker is cloned or dropped in here: the caller clones before it
//! borrows the store, and every waker that leaves (by `fire`, `remove`,
//! `set_waker` or `clear`) is handed back, to be woken or dropped after the
//! borrow ends. A waker's clone, wake and drop may run any code, even code
//! that uses this store again (a waker that owns another `Sleep`).
//!
//! Called by `Sleep` (insert, poll, set_waker, reset, remove) and by the
//! executor (`next_deadline` for the wait timeout, `fire` after each turn).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::task::Waker;

use slab::Slab;

use super::instant::Instant;
use super::orphans::Orphans;

/// The slab capacity below which the store never compacts: small stores
/// keep their memory, and no compaction runs on a store of a few timers.
const SHRINK_ABOVE: usize = 256;

/// `seq → slot` for timers that compaction moved. `seq`s are unique, so a
/// multiplicative hash is enough (SipHash would cost more than the move).
type Moved = HashMap<u64, usize, BuildHasherDefault<SeqHasher>>;

/// Fibonacci hashing of a `seq`: spreads consecutive numbers over the table.
#[derive(Debug, Default)]
struct SeqHasher(u64);

impl Hasher for SeqHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, seq: u64) {
        self.0 = seq.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

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
    /// Where this timer's node is in the heap.
    pos: usize,
    waker: Waker,
}

/// One heap node; ordered by `(deadline, seq)`.
#[derive(Debug, Clone, Copy)]
struct Node {
    deadline: Instant,
    seq: u64,
    /// The timer's slab slot.
    index: usize,
}

impl Node {
    #[inline]
    fn before(&self, other: &Node) -> bool {
        (self.deadline, self.seq) < (other.deadline, other.seq)
    }
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
/// - `heap.len() == entries.len()`; for every `p`,
///   `entries[heap[p].index].pos == p` and `heap[p].seq` is that entry's
///   `seq`; no node comes before its parent.
/// - `moved` holds `seq → slot` for live timers that compaction moved (and
///   for no timer that is gone).
#[derive(Debug)]
pub(crate) struct Timers {
    entries: Slab<Entry>,
    heap: Vec<Node>,
    moved: Moved,
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
            moved: Moved::default(),
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

    pub(crate) fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        self.next_seq += 1;
        let seq = self.next_seq;
        let pos = self.heap.len();
        let index = self.entries.insert(Entry { seq, pos, waker });
        let node = Node { deadline, seq, index };
        self.heap.push(node);
        if pos > 0 && node.before(&self.heap[(pos - 1) / 2]) {
            self.sift_up(pos);
        }
        TimerKey { index, seq }
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
    pub(crate) fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        let index = self.find(key)?;
        Some(self.remove_at(index))
    }

    /// The earliest deadline of a timer in the store.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.heap.first().map(|node| node.deadline)
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
        while let Some(&Node { deadline, index, .. }) = self.heap.first() {
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
        self.moved = Moved::default();
        std::mem::take(&mut self.entries)
    }

    /// The slot of the live timer `key` names.
    #[inline]
    fn find(&self, key: TimerKey) -> Option<usize> {
        match self.entries.get(key.index) {
            Some(entry) if entry.seq == key.seq => Some(key.index),
            _ if self.moved.is_empty() => None,
            _ => self.moved.get(&key.seq).copied(),
        }
    }

    /// Removes the timer in slot `index` from the slab and the heap.
    fn remove_at(&mut self, index: usize) -> Waker {
        let entry = self.entries.remove(index);
        let pos = entry.pos;
        self.heap.swap_remove(pos);
        if let Some(&last) = self.heap.get(pos) {
            // The last node filled the hole: put it in its place.
            if pos == 0 {
                self.sift_down_from_root(last);
            } else if last.before(&self.heap[(pos - 1) / 2]) {
                self.sift_up(pos);
            } else {
                self.sift_down(pos);
            }
        }
        if !self.moved.is_empty() {
            self.moved.remove(&entry.seq);
        }
        if self.entries.capacity() > SHRINK_ABOVE && self.entries.len() * 4 <= self.entries.capacity() {
            self.shrink();
        }
        entry.waker
    }

    /// Moves the timers in high slots to free low ones (recording each move
    /// in `moved`) and gives the unused capacity back.
    #[cold]
    fn shrink(&mut self) {
        let Timers { entries, heap, moved, .. } = self;
        entries.compact(|entry, _from, to| {
            heap[entry.pos].index = to;
            moved.insert(entry.seq, to);
            true
        });
        heap.shrink_to_fit();
        moved.shrink_to_fit();
    }

    fn sift_up(&mut self, mut pos: usize) {
        let node = self.heap[pos];
        while pos > 0 {
            let parent = (pos - 1) / 2;
            if !node.before(&self.heap[parent]) {
                break;
            }
            self.place(pos, self.heap[parent]);
            pos = parent;
        }
        self.place(pos, node);
    }

    fn sift_down(&mut self, mut pos: usize) {
        let node = self.heap[pos];
        let len = self.heap.len();
        loop {
            let mut child = 2 * pos + 1;
            if child >= len {
                break;
            }
            if child + 1 < len && self.heap[child + 1].before(&self.heap[child]) {
                child += 1;
            }
            if !self.heap[child].before(&node) {
                break;
            }
            self.place(pos, self.heap[child]);
            pos = child;
        }
        self.place(pos, node);
    }

    /// Fills the hole at the root with `node` (the heap's last, so most
    /// likely one that belongs near the bottom): as std's `BinaryHeap::pop`,
    /// moves the hole down to a leaf along the earlier children, one
    /// comparison a level, then sifts `node` up from there.
    fn sift_down_from_root(&mut self, node: Node) {
        let len = self.heap.len();
        let mut pos = 0;
        loop {
            let mut child = 2 * pos + 1;
            if child >= len {
                break;
            }
            if child + 1 < len && self.heap[child + 1].before(&self.heap[child]) {
                child += 1;
            }
            self.place(pos, self.heap[child]);
            pos = child;
        }
        self.place(pos, node);
        self.sift_up(pos);
    }

    /// Puts `node` at heap position `pos` and tells its entry.
    #[inline]
    fn place(&mut self, pos: usize, node: Node) {
        #[cfg(test)]
        {
            self.sift_steps += 1;
        }
        self.heap[pos] = node;
        self.entries[node.index].pos = pos;
    }
}

#[cfg(test)]
mod tests;
