//! A slot's waiters beyond the first of each direction, found in constant
//! time: many tasks may wait on one source (20,000 `recv`s on a shared
//! socket), and each one that gives up must find its own entry without a
//! walk over the others.
//!
//! A future's entry lives in a slab; the future's [`WaitId`] carries the
//! entry's key in its low [`KEY_BITS`] bits and the slot's sequence number
//! above them, so a lookup is one index and one comparison, and an id whose
//! entry an edge released (its key since reused) matches nothing. One entry
//! holds a future's wakers in both directions. The `poll_*` callers (id 0:
//! no future, one per direction, each replacing the one before) have a
//! field per direction.

use std::task::Waker;

use slab::Slab;

use super::{Direction, WaitId};
use crate::driver::Readiness;

/// Bits of a [`WaitId`] that hold its entry's key (plus one; 0: no entry).
/// The rest count the slot's registrations: 2^40 of them before an id
/// repeats.
pub(super) const KEY_BITS: u32 = 24;
const KEY_MASK: WaitId = (1 << KEY_BITS) - 1;

/// A future's wakers beyond the first of each direction.
#[derive(Debug)]
struct Entry {
    id: WaitId,
    read: Option<Waker>,
    write: Option<Waker>,
}

impl Entry {
    fn waker(&mut self, dir: Direction) -> &mut Option<Waker> {
        match dir {
            Direction::Read => &mut self.read,
            Direction::Write => &mut self.write,
        }
    }
}

/// Boxed in its slot, and only made for a second waiter, so a slot with
/// one waiter per direction pays a pointer for it, and its hot paths one
/// test of that pointer.
#[derive(Debug, Default)]
pub(super) struct More {
    entries: Slab<Entry>,
    /// Wakers held, in `entries` (an entry may hold two) and `poll`.
    wakers: usize,
    /// The `poll_*` callers' wakers, when the first field was taken.
    poll: [Option<Waker>; 2],
    /// Some entry's key did not fit its id: ids without a key may name an
    /// entry, found by a walk.
    overflowed: bool,
}

impl More {
    /// Whether the future whose identity is `id` has an entry here.
    pub(super) fn holds(&self, id: WaitId) -> bool {
        self.key_of(id).is_some()
    }

    /// Whether the `poll_*` caller of `dir` has its waker here.
    pub(super) fn holds_poll(&self, dir: Direction) -> bool {
        self.poll[dir as usize].is_some()
    }

    pub(super) fn len(&self) -> usize {
        self.wakers
    }

    /// Sets the waker of the `poll_*` caller in `dir`.
    pub(super) fn set_poll(&mut self, dir: Direction, waker: &Waker) {
        let slot = &mut self.poll[dir as usize];
        if slot.is_none() {
            self.wakers += 1;
        }
        set(slot, waker);
    }

    /// Sets the waker of the future whose identity is `*id` in `dir`. A
    /// future without an entry here gets one, and a new identity naming it
    /// (returned, so the caller can follow it in the first fields).
    pub(super) fn set(&mut self, dir: Direction, id: &mut WaitId, waker: &Waker) -> Option<WaitId> {
        if let Some(key) = self.key_of(*id) {
            let slot = self.entries[key].waker(dir);
            if slot.is_none() {
                self.wakers += 1;
            }
            set(slot, waker);
            return None;
        }
        let entry = self.entries.vacant_entry();
        // A key past the id's bits (16 million entries) is stored as 0 and
        // found by a walk: slower, never wrong.
        let key = entry.key() as WaitId + 1;
        let key = if key > KEY_MASK {
            self.overflowed = true;
            0
        } else {
            key
        };
        let old = *id;
        *id = (old & !KEY_MASK) | key;
        let mut new = Entry { id: *id, read: None, write: None };
        *new.waker(dir) = Some(waker.clone());
        entry.insert(new);
        self.wakers += 1;
        Some(old)
    }

    /// Removes the entry of the future whose identity is `id` and returns
    /// its wakers.
    pub(super) fn unlink(&mut self, id: WaitId) -> [Option<Waker>; 2] {
        if self.entries.is_empty() {
            return [None, None];
        }
        let Some(key) = self.key_of(id) else { return [None, None] };
        let entry = self.entries.remove(key);
        let out = [entry.read, entry.write];
        self.wakers -= out.iter().flatten().count();
        out
    }

    /// Hands every waker that `readiness` releases to `release` (through
    /// `dyn`: one copy of this cold path for every caller).
    pub(super) fn release(&mut self, readiness: Readiness, release: &mut dyn FnMut(Waker)) {
        if self.wakers == 0 {
            return;
        }
        for dir in [Direction::Read, Direction::Write] {
            if !readiness.intersects(dir.mask()) {
                continue;
            }
            let mut released = 0;
            if let Some(waker) = self.poll[dir as usize].take() {
                released += 1;
                release(waker);
            }
            self.entries.retain(|_, entry| {
                if let Some(waker) = entry.waker(dir).take() {
                    released += 1;
                    release(waker);
                }
                entry.read.is_some() || entry.write.is_some()
            });
            self.wakers -= released;
        }
    }

    /// Moves every waker into `wakers`.
    pub(super) fn drain_into(&mut self, wakers: &mut Vec<Waker>) {
        self.release(Direction::Read.mask().union(Direction::Write.mask()), &mut |waker| wakers.push(waker));
    }

    /// How many wakers wait in `dir` (for tests).
    #[cfg(test)]
    pub(super) fn count(&self, dir: Direction) -> usize {
        let entries = self.entries.iter().filter(|(_, e)| match dir {
            Direction::Read => e.read.is_some(),
            Direction::Write => e.write.is_some(),
        });
        usize::from(self.poll[dir as usize].is_some()) + entries.count()
    }

    fn key_of(&self, id: WaitId) -> Option<usize> {
        if id == 0 {
            return None;
        }
        match (id & KEY_MASK) as usize {
            0 if !self.overflowed => None,
            0 => self.entries.iter().find(|(_, e)| e.id == id).map(|(key, _)| key),
            key => self.entries.get(key - 1).filter(|e| e.id == id).map(|_| key - 1),
        }
    }
}

/// Stores `waker` in `slot`, cloning only when it would wake another task.
fn set(slot: &mut Option<Waker>, waker: &Waker) {
    match slot {
        Some(w) if w.will_wake(waker) => {}
        Some(w) => w.clone_from(waker),
        None => *slot = Some(waker.clone()),
    }
}
