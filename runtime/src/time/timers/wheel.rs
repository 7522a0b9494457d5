//! The wheel half of the deadline store: levels of slots, each a list of
//! timers linked through the slab (see `timers.rs`).
//!
//! A deadline is kept to the nanosecond; the wheel only sorts timers into
//! ticks of [`TICK_NS`]. Level `l` has 64 slots of `64^l` ticks each. A
//! timer goes to the level of the highest 6-bit group in which its tick
//! differs from `elapsed` (the tick the wheel has been processed to), and
//! to the slot that group names: so every slot of a level lies after
//! `elapsed` and inside its block of the level above, slots never wrap,
//! and the first occupied slot is the lowest set bit of the lowest level
//! with one. When `elapsed` reaches a slot of level > 0, its timers are
//! *cascaded*: linked again, each to a lower level. 8 levels of 6 bits
//! above 16 bits of tick cover every `u64` nanosecond: no deadline is
//! beyond the top level.
//!
//! Each slot also keeps `bound`, the earliest deadline linked to it since
//! it was last empty: no timer in it is due before. A cancelled timer
//! leaves its bound behind (recomputing it would cost a walk of the slot),
//! which only makes the executor wake once early.
//!
//! Beside the slots, one more list: the *lane* (`timers.rs`), code
//! [`LANE`], for timers armed in deadline order.

use slab::Slab;

use super::{Entry, NIL};

/// log2 of a tick in nanoseconds: a tick is 65.536 µs.
pub(super) const TICK_SHIFT: u32 = 16;
#[cfg(test)]
pub(super) const TICK_NS: u64 = 1 << TICK_SHIFT;
pub(super) const LEVELS: usize = 8;
const SLOT_BITS: u32 = 6;
const SLOTS: usize = 1 << SLOT_BITS;

#[derive(Debug, Clone, Copy)]
pub(super) struct List {
    pub(super) head: usize,
    pub(super) tail: usize,
}

const EMPTY: List = List { head: NIL, tail: NIL };

/// The `slot` code of a timer in the lane.
pub(super) const LANE: u16 = u16::MAX;

/// Wheel slot `code` is `level * 64 + slot`.
const CODES: usize = LEVELS * SLOTS;

/// # Invariants
/// - `occupied[l]` has bit `s` set iff list `l * 64 + s` is non-empty;
/// - every timer in list `c` has its `slot` set to `c`, which is
///   `max(its tick, elapsed)`'s level and slot for `elapsed`; every timer
///   in `lane` has `slot` [`LANE`];
/// - `bounds[c]` is at most every deadline (`ns`) in list `c`, and
///   `u64::MAX` when it is empty.
#[derive(Debug)]
pub(super) struct Wheel {
    /// The tick the wheel has been processed to.
    pub(super) elapsed: u64,
    occupied: [u64; LEVELS],
    pub(super) lists: [List; CODES],
    pub(super) bounds: [u64; CODES],
    /// Timers armed in deadline order (kept by `timers.rs`).
    pub(super) lane: List,
}

/// The level a timer due at `tick` goes to, seen from `elapsed`
/// (`tick >= elapsed`).
#[inline]
fn level_for(elapsed: u64, tick: u64) -> usize {
    let masked = (elapsed ^ tick) | (SLOTS as u64 - 1);
    let significant = 63 - masked.leading_zeros();
    (significant / SLOT_BITS) as usize
}

impl Wheel {
    #[inline(never)]
    pub(super) fn new() -> Wheel {
        Wheel { elapsed: 0, occupied: [0; LEVELS], lists: [EMPTY; CODES], bounds: [u64::MAX; CODES], lane: EMPTY }
    }

    /// Empties the wheel, as new.
    #[inline(never)]
    pub(super) fn reset(&mut self) {
        self.elapsed = 0;
        self.occupied = [0; LEVELS];
        self.lists.fill(EMPTY);
        self.bounds.fill(u64::MAX);
        self.lane = EMPTY;
    }

    /// The wheel slot (code) of a deadline (`ns`), seen from `elapsed`; a
    /// deadline before `elapsed` goes to the slot of `elapsed`, which the
    /// next `fire` looks at.
    #[inline]
    pub(super) fn code_for(&self, ns: u64) -> usize {
        let tick = (ns >> TICK_SHIFT).max(self.elapsed);
        let level = level_for(self.elapsed, tick);
        level * SLOTS + ((tick >> (level as u32 * SLOT_BITS)) as usize & (SLOTS - 1))
    }

    /// Links the timer in slot `index` (in no list, due at `ns`, its
    /// `ns` field) at the tail of the wheel slot its deadline names.
    #[inline(never)]
    pub(super) fn link(&mut self, entries: &mut Slab<Entry>, index: usize, ns: u64) {
        let code = self.code_for(ns);
        self.link_to(entries, index, code, ns);
    }

    /// Links the timer in slot `index` (in no list, due at `ns`) at the
    /// tail of wheel slot `code`, and marks the slot occupied.
    #[inline(always)]
    fn link_to(&mut self, entries: &mut Slab<Entry>, index: usize, code: usize, ns: u64) {
        let code = code % CODES;
        self.mark(code, ns);
        push_tail(&mut self.lists[code], entries, index, code as u16);
    }

    /// Links again, each to a lower level, the timers of the list at `at`,
    /// taken from a slot of `level` (> 0) that `elapsed` has just reached
    /// (so each timer's tick is in that slot's range, at or after
    /// `elapsed`). From level 1, every timer goes to the level-0 slot of
    /// its tick: no level to work out.
    #[inline(never)]
    pub(super) fn cascade(&mut self, entries: &mut Slab<Entry>, mut at: usize, level: usize) {
        while at != NIL {
            let entry = &entries[at];
            let (next, ns) = (entry.next, entry.ns);
            let code = match level {
                1 => {
                    debug_assert_eq!((ns >> TICK_SHIFT) >> SLOT_BITS, self.elapsed >> SLOT_BITS);
                    (ns >> TICK_SHIFT) as usize % SLOTS
                }
                _ => self.code_for(ns),
            };
            self.link_to(entries, at, code, ns);
            at = next;
        }
    }

    /// Appends the timer in slot `index` to list `code` (a wheel slot the
    /// caller marks occupied, or [`LANE`]).
    #[inline]
    pub(super) fn append(&mut self, entries: &mut Slab<Entry>, index: usize, code: u16) {
        let list = match code {
            LANE => &mut self.lane,
            _ => &mut self.lists[usize::from(code) % CODES],
        };
        push_tail(list, entries, index, code);
    }

    /// Marks wheel slot `code` occupied, with a bound at most `ns`.
    #[inline]
    pub(super) fn occupy(&mut self, code: u16, ns: u64) {
        if code != LANE {
            self.mark(usize::from(code) % CODES, ns);
        }
    }

    /// Marks wheel slot `code` (< `CODES`) occupied, with a bound at most `ns`.
    #[inline(always)]
    fn mark(&mut self, code: usize, ns: u64) {
        self.occupied[code / SLOTS] |= 1 << (code % SLOTS);
        let bound = &mut self.bounds[code];
        if ns < *bound {
            *bound = ns;
        }
    }

    /// Takes the timer in slot `index` out of its wheel slot's list.
    #[inline(never)]
    pub(super) fn unlink(&mut self, entries: &mut Slab<Entry>, index: usize) {
        let entry = &entries[index];
        let (prev, next, code) = (entry.prev, entry.next, usize::from(entry.slot) % CODES);
        let list = &mut self.lists[code];
        match next {
            NIL => list.tail = prev,
            _ => entries[next].prev = prev,
        }
        match prev {
            NIL => list.head = next,
            _ => entries[prev].next = next,
        }
        if list.head == NIL {
            self.occupied[code / SLOTS] &= !(1 << (code % SLOTS));
            self.bounds[code] = u64::MAX;
        }
    }

    /// Empties wheel slot `(level, slot)`; returns its list's head (the
    /// rest follows along `next`).
    #[inline]
    pub(super) fn take(&mut self, level: usize, slot: usize) -> usize {
        let code = (level * SLOTS + slot) % CODES;
        self.occupied[level % LEVELS] &= !(1 << slot);
        self.bounds[code] = u64::MAX;
        std::mem::replace(&mut self.lists[code], EMPTY).head
    }

    /// The first occupied slot, as `(level, slot)`.
    #[inline]
    pub(super) fn first(&self) -> Option<(usize, usize)> {
        let level = self.occupied.iter().position(|&bits| bits != 0)?;
        Some((level, self.occupied[level].trailing_zeros() as usize))
    }

    /// The first tick of wheel slot `(level, slot)`.
    #[inline]
    pub(super) fn start(&self, level: usize, slot: usize) -> u64 {
        // At most 48: ticks have 48 bits.
        let above = (level as u32 + 1) * SLOT_BITS;
        self.elapsed >> above << above | (slot as u64) << (level as u32 * SLOT_BITS)
    }

    /// The earliest time (ns) at which `fire` has work: the first slot's
    /// start, or its bound if later; `u64::MAX` if the wheel is empty.
    #[inline]
    pub(super) fn next_wake(&self) -> u64 {
        match self.first() {
            Some((level, slot)) => (self.start(level, slot) << TICK_SHIFT).max(self.bounds[level * SLOTS + slot]),
            None => u64::MAX,
        }
    }

    #[cfg(test)]
    pub(super) fn occupied(&self, level: usize) -> u64 {
        self.occupied[level]
    }

    #[cfg(test)]
    pub(super) fn expected_slot(&self, ns: u64) -> (usize, usize) {
        let code = self.code_for(ns);
        (code / SLOTS, code % SLOTS)
    }
}

/// Appends the timer in slot `index` to `list`, as a member of list `code`.
#[inline(always)]
fn push_tail(list: &mut List, entries: &mut Slab<Entry>, index: usize, code: u16) {
    let tail = std::mem::replace(&mut list.tail, index);
    if tail == NIL {
        list.head = index;
    } else {
        entries[tail].next = index;
    }
    let entry = &mut entries[index];
    (entry.slot, entry.prev, entry.next) = (code, tail, NIL);
}
