//! One registered source: its readiness and the wakers waiting on it.
//!
//! Pure data, no system calls. A slot holds two sets of flags, in a
//! [`Flags`] it shares (one `Rc`) with the `AsyncFd` that owns the
//! registration:
//! - `known`, what is *known*: reported by the driver, or marked by the
//!   code that made the source (an accepted socket, a fresh pair's write
//!   side). Readiness queries (`readable`, `ready(interest)`, the
//!   `AsyncFd` guards) see only these.
//! - `usable`, what an *operation* may act on: the known flags plus, on a
//!   fresh slot, a guess (readable and writable), so that the first
//!   operation in each direction goes straight to the system call instead
//!   of waiting for the driver's first event. (Kept as one field, always a
//!   superset of `known`, so an operation checks one byte.)
//!
//! An operation that returns `WouldBlock` clears both in its direction, and
//! only the driver's next edge sets them again. The guess is never shown to
//! a query.
//!
//! Sharing the flags lets an operation on a ready source check and clear
//! them with no borrow of the reactor and no slab lookup; only a wait (to
//! store its waker) or an error to hand on goes through the slot. That is
//! safe on one thread because the driver's events are applied between
//! polls, never between an operation's system call and its clear. A
//! readiness guard, which may be held across an `.await`, keeps the flags'
//! `tick` (bumped by every event) and clears nothing if it moved, as tokio's
//! `ScheduledIo` does. `ERROR` stays with the slot: while it is set, the
//! fast paths step aside (the slot may hold an error to hand on and keeps
//! `ERROR` set until it has).
//!
//! Any number of tasks may wait on one source in one direction (two `recv`s
//! on a shared `UdpSocket`, two `accept`s on one listener). The first waiter
//! of each direction has its own field, so the common case of one waiter
//! never allocates; further waiters go to `more` (`slot/more.rs`: a slab
//! whose keys the futures' identities carry, so each one that gives up
//! finds its entry at once), which an edge empties together with the first. An edge wakes every waiter of its direction:
//! those that lose the race for the data see `WouldBlock` and wait again.
//!
//! A waiter is one of two kinds:
//! - a *future's*, with an identity ([`WaitId`], from this slot's counter)
//!   that the future keeps: polled again, it updates its own entry; dropped
//!   before its wake (a timeout, a `select!`, an abort), it unlinks the entry
//!   (`unlink`), so a waiter that gives up keeps nothing alive;
//! - a `poll_*` caller's (`poll_read`, `poll_read_ready`, …: no future to
//!   drop), with id 0: one per direction, each such call replacing the one
//!   before, as in tokio. So at most two of these per source, and at most
//!   one entry per direction per live future.

use std::io;
use std::rc::Rc;
use std::task::Waker;

pub(crate) use self::flags::Flags;
use self::more::More;
use crate::driver::Readiness;

/// Which way an operation goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    /// The readiness flags that let an operation in this direction proceed.
    pub(crate) const fn mask(self) -> Readiness {
        match self {
            Direction::Read => Readiness::READ_ALL,
            Direction::Write => Readiness::WRITE_ALL,
        }
    }
}

/// The identity of a future's registration in a slot: 0 while it has none
/// (and for the `poll_*` callers, which have no future).
pub(crate) type WaitId = u64;

/// A registered source.
#[derive(Debug)]
pub(crate) struct Slot {
    /// Must match a token's generation for the token to reach this slot.
    pub(crate) generation: u32,
    /// Its readiness, shared with the `AsyncFd` that owns the registration.
    pub(crate) flags: Rc<Flags>,
    /// The first task waiting for read readiness, if any.
    pub(crate) reader: Option<Waker>,
    /// The first task waiting for write readiness, if any.
    pub(crate) writer: Option<Waker>,
    /// Whose `reader` is (meaningful while it is `Some`).
    reader_id: WaitId,
    /// Whose `writer` is (meaningful while it is `Some`).
    writer_id: WaitId,
    /// Further waiters, in either direction. Empty (and unallocated) while
    /// the source has at most one waiter per direction, so an edge looks at
    /// it only when it holds one.
    more: Option<Box<More>>,
    /// The last identity given to a future's registration.
    last_id: WaitId,
    /// An error the driver reported for this source's registration (the
    /// next operation or readiness query returns it) or, with
    /// `error_for_ops`, for its socket (only the next operation does).
    pub(crate) error: Option<io::Error>,
    pub(crate) error_for_ops: bool,
}

impl Slot {
    pub(crate) fn new(generation: u32) -> Slot {
        Slot {
            generation,
            flags: Rc::new(Flags::new()),
            reader: None,
            writer: None,
            reader_id: 0,
            writer_id: 0,
            more: None,
            last_id: 0,
            error: None,
            error_for_ops: false,
        }
    }

    /// Whether an *operation* in `dir` may try its system call: known or
    /// assumed ready.
    #[inline]
    pub(crate) fn is_ready(&self, dir: Direction) -> bool {
        self.flags.usable.get().intersects(dir.mask())
    }

    /// Whether a *query* in `dir` is answered: known ready only.
    #[inline]
    pub(crate) fn is_known_ready(&self, dir: Direction) -> bool {
        self.flags.known.get().intersects(dir.mask())
    }

    /// The known flags.
    #[inline]
    pub(crate) fn readiness(&self) -> Readiness {
        self.flags.known.get()
    }

    /// Forgets the flags `bits`, known or assumed; a stored error stays
    /// visible.
    #[inline]
    pub(crate) fn remove(&mut self, bits: Readiness) {
        self.flags.remove(bits);
        self.keep_error_visible();
    }

    /// Adds `waker` to the waiters of `dir`.
    ///
    /// `wait`: the registering future's identity. At 0 it gets a new one
    /// (the slot's next); a future already registered in `dir` updates its
    /// entry (the waker, if it changed) instead of adding one. `None`: a
    /// `poll_*` caller, which replaces the one before it in `dir`.
    #[inline(always)]
    pub(crate) fn set_waker(&mut self, dir: Direction, waker: &Waker, mut wait: Option<&mut WaitId>) {
        // A fresh identity has no entry yet: nothing to look for.
        let (id, fresh) = match wait.as_deref_mut() {
            Some(id) if *id == 0 => {
                // The sequence number lives above the key bits (`more`);
                // after 2^40 registrations it wraps through 0, which a
                // future takes for "no identity yet" (a fresh one next time).
                self.last_id = self.last_id.wrapping_add(1 << more::KEY_BITS);
                *id = self.last_id;
                (self.last_id, true)
            }
            Some(id) => (*id, false),
            None => (0, false),
        };
        let (first, first_id) = match dir {
            Direction::Read => (&mut self.reader, &mut self.reader_id),
            Direction::Write => (&mut self.writer, &mut self.writer_id),
        };
        match first {
            Some(w) if *first_id == id => {
                if !w.will_wake(waker) {
                    w.clone_from(waker);
                }
            }
            // (Once `more` exists, the caller may have an entry there.)
            None if fresh || self.more.is_none() => {
                *first = Some(waker.clone());
                *first_id = id;
            }
            _ => self.set_more(dir, wait, waker),
        }
    }

    /// The slow path of `set_waker`: a second (or later) waiter in `dir`,
    /// or the caller may have its entry in `more`. A future that gets an
    /// entry there gets a new identity naming it, which its first-field
    /// entry (in the other direction) follows.
    #[cold]
    fn set_more(&mut self, dir: Direction, wait: Option<&mut WaitId>, waker: &Waker) {
        let more = self.more.get_or_insert_with(Box::default);
        let held = match &wait {
            Some(id) => more.holds(**id),
            None => more.holds_poll(dir),
        };
        let (first, first_id) = match dir {
            Direction::Read => (&mut self.reader, &mut self.reader_id),
            Direction::Write => (&mut self.writer, &mut self.writer_id),
        };
        if first.is_none() && !held {
            *first = Some(waker.clone());
            *first_id = wait.map_or(0, |id| *id);
            return;
        }
        let Some(wait) = wait else { return more.set_poll(dir, waker) };
        if let Some(old) = more.set(dir, wait, waker) {
            if self.reader.is_some() && self.reader_id == old {
                self.reader_id = *wait;
            }
            if self.writer.is_some() && self.writer_id == old {
                self.writer_id = *wait;
            }
        }
    }

    /// Removes the entries of the future whose identity is `id` (at most
    /// one per direction) and returns their wakers, for the caller to drop
    /// after its borrow of the reactor ends. Nothing if an edge released
    /// them already.
    pub(crate) fn unlink(&mut self, id: WaitId) -> [Option<Waker>; 2] {
        let mut out = match &mut self.more {
            Some(more) => more.unlink(id),
            None => [None, None],
        };
        if self.reader.is_some() && self.reader_id == id {
            out[0] = self.reader.take();
        }
        if self.writer.is_some() && self.writer_id == id {
            out[1] = self.writer.take();
        }
        out
    }

    /// Forgets the readiness that let an operation in `dir` proceed: the
    /// kernel said `WouldBlock`, so none of it holds any more.
    #[inline]
    pub(crate) fn clear(&mut self, dir: Direction) {
        self.remove(dir.mask());
    }

    /// Forgets that `dir` is ready but remembers that the peer closed: for a
    /// caller that drained a stream without seeing `WouldBlock` (a short
    /// read), where the end of stream may have come in the same edge.
    #[inline]
    pub(crate) fn clear_keeping_closed(&mut self, dir: Direction) {
        self.remove(dir.mask().remove(Readiness::READ_CLOSED));
    }

    /// A stored error keeps `ERROR` set until an operation has returned it:
    /// `poll_ready` looks for the error only when that bit is set.
    #[inline]
    fn keep_error_visible(&mut self) {
        if self.error.is_some() {
            self.mark(Readiness::ERROR);
        }
    }

    /// Sets `bits` as known (and so usable).
    #[inline]
    pub(crate) fn mark(&mut self, bits: Readiness) {
        self.flags.mark(bits);
    }

    /// Adds the readiness of an event and hands each waker it releases to
    /// `release` (which must not run foreign code: the reactor is borrowed).
    #[inline(always)]
    pub(crate) fn on_event(&mut self, readiness: Readiness, release: &mut impl FnMut(Waker)) {
        self.mark(readiness);
        self.flags.tick.set(self.flags.tick.get().wrapping_add(1));
        if readiness.intersects(Direction::Read.mask()) {
            if let Some(waker) = self.reader.take() {
                release(waker);
            }
        }
        // Most edges carry `WRITABLE` while nobody waits to write: look
        // before taking, so that costs no store.
        if readiness.intersects(Direction::Write.mask()) && self.writer.is_some() {
            if let Some(waker) = self.writer.take() {
                release(waker);
            }
        }
        if self.more.is_some() {
            self.release_more(readiness, release);
        }
    }

    /// The slow path of `on_event`: hands the further waiters that
    /// `readiness` releases to `release`.
    #[cold]
    fn release_more(&mut self, readiness: Readiness, release: &mut impl FnMut(Waker)) {
        if let Some(more) = &mut self.more {
            more.release(readiness, release);
        }
    }

    /// How many entries the slot holds, in both directions (for tests).
    pub(crate) fn waiter_count(&self) -> usize {
        usize::from(self.reader.is_some())
            + usize::from(self.writer.is_some())
            + self.more.as_ref().map_or(0, |m| m.len())
    }

    /// Moves every waiter, in both directions, into `wakers` (the runtime
    /// is shutting down, or nobody will turn this reactor again).
    pub(crate) fn release_all(&mut self, wakers: &mut Vec<Waker>) {
        wakers.extend(self.reader.take());
        wakers.extend(self.writer.take());
        if let Some(more) = &mut self.more {
            more.drain_into(wakers);
        }
    }

    /// Records an error for the source and releases both waiters. (The
    /// kqueue driver reports per-change errors, and with `for_ops` the
    /// errors of sockets, this way.)
    pub(crate) fn on_error(&mut self, error: io::Error, for_ops: bool, release: &mut impl FnMut(Waker)) {
        self.error = Some(error);
        self.error_for_ops = for_ops;
        self.on_event(Readiness::ERROR, release);
    }
}

mod flags;
mod more;
#[cfg(test)]
mod tests;
