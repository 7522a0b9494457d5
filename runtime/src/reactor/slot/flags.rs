//! [`Flags`]: a source's readiness, shared by its slot and its `AsyncFd`.

use std::cell::Cell;

use super::Direction;
use crate::driver::Readiness;

/// A source's two sets of flags, shared by its slot and its `AsyncFd`, so
/// that an operation on a ready source reads and clears them without
/// borrowing the reactor or looking up the slot. Only this thread touches
/// them, and the driver's events are applied between polls, never inside an
/// operation; `tick` counts those events, so a readiness guard held across
/// an `.await` can tell that an edge came after the one it saw.
#[derive(Debug)]
pub(crate) struct Flags {
    /// What the driver reported (or the source's maker marked): queries
    /// see only this.
    pub(super) known: Cell<Readiness>,
    /// `known` plus the fresh slot's guess: what operations act on (see
    /// the module docs).
    pub(super) usable: Cell<Readiness>,
    /// Bumped by every event the driver delivers to the source.
    pub(super) tick: Cell<u32>,
}

impl Flags {
    pub(super) fn new() -> Flags {
        Flags {
            known: Cell::new(Readiness::default()),
            usable: Cell::new(Readiness::READABLE.union(Readiness::WRITABLE)),
            tick: Cell::new(0),
        }
    }

    /// The known flags.
    #[inline]
    pub(crate) fn known(&self) -> Readiness {
        self.known.get()
    }

    /// The events delivered so far (wrapping).
    #[inline]
    pub(crate) fn tick(&self) -> u32 {
        self.tick.get()
    }

    /// Whether an operation (`op`) or a query in `dir` may proceed on these
    /// flags alone: `false` also when `ERROR` is set, where the slot may
    /// hold an error to hand on (only the slot knows).
    #[inline(always)]
    pub(crate) fn ready_without_error(&self, dir: Direction, op: bool) -> bool {
        let flags = if op { self.usable.get() } else { self.known.get() };
        flags.ready_without_error(dir.mask())
    }

    /// Forgets `bits`, known or assumed, unless `ERROR` is set (then the
    /// slot must decide, since it keeps `ERROR` while it holds an error):
    /// `false` then, and nothing changed.
    #[inline(always)]
    pub(crate) fn remove_without_error(&self, bits: Readiness) -> bool {
        if self.usable.get().intersects(Readiness::ERROR) {
            return false;
        }
        self.known.set(self.known.get().remove(bits));
        self.usable.set(self.usable.get().remove(bits));
        true
    }

    #[inline]
    pub(super) fn remove(&self, bits: Readiness) {
        self.known.set(self.known.get().remove(bits));
        self.usable.set(self.usable.get().remove(bits));
    }

    #[inline]
    pub(super) fn mark(&self, bits: Readiness) {
        self.known.set(self.known.get().union(bits));
        self.usable.set(self.usable.get().union(bits));
    }
}
