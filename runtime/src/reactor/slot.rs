//! One registered source: its readiness and the wakers waiting on it.
//!
//! Pure data, no system calls. A slot holds two sets of flags:
//! - `readiness`, what is *known*: reported by the driver, or marked by the
//!   code that made the source (an accepted socket, a fresh pair's write
//!   side). Readiness queries (`readable`, `ready(interest)`, the
//!   `AsyncFd` guards) see only these.
//! - `usable`, what an *operation* may act on: the known flags plus, on a
//!   fresh slot, a guess (readable and writable), so that the first
//!   operation in each direction goes straight to the system call instead
//!   of waiting for the driver's first event. (Kept as one field, always a
//!   superset of `readiness`, so an operation checks one byte.)
//!
//! An operation that returns `WouldBlock` clears both in its direction, and
//! only the driver's next edge sets them again. The guess is never shown to
//! a query.
//!
//! Any number of tasks may wait on one source in one direction (two `recv`s
//! on a shared `UdpSocket`, two `accept`s on one listener). The first waiter
//! of each direction has its own field, so the common case of one waiter
//! never allocates; further waiters go to `more`, which an edge empties
//! together with the first. An edge wakes every waiter of its direction:
//! those that lose the race for the data see `WouldBlock` and wait again.
//! A waker that would wake a task already waiting is not stored twice.

use std::io;
use std::task::Waker;

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

/// A waiter beyond the first of its direction, or a `poll_*_ready` caller.
#[derive(Debug)]
struct Waiter {
    dir: Direction,
    /// Set by `poll_read_ready` / `poll_write_ready`: replaced by the next
    /// such call in `dir`.
    polled: bool,
    waker: Waker,
}

/// A registered source.
#[derive(Debug)]
pub(crate) struct Slot {
    /// Must match a token's generation for the token to reach this slot.
    pub(crate) generation: u32,
    /// What the driver reported (or the source's maker marked): queries
    /// see only this.
    pub(crate) readiness: Readiness,
    /// `readiness` plus the fresh slot's guess: what operations act on
    /// (see the module docs).
    usable: Readiness,
    /// The first task waiting for read readiness, if any.
    pub(crate) reader: Option<Waker>,
    /// The first task waiting for write readiness, if any.
    pub(crate) writer: Option<Waker>,
    /// Further waiters, in either direction, and the task of the last
    /// `poll_read_ready` / `poll_write_ready` per direction (`polled`): as in
    /// tokio, each such call replaces the one before, unlike the waiters of
    /// operations and `readable`, which all wake. Empty (and unallocated)
    /// while every source has at most one waiter per direction and no
    /// `poll_*_ready` caller, so an edge looks at it only when it holds one.
    more: Vec<Waiter>,
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
            readiness: Readiness::default(),
            usable: Readiness::READABLE.union(Readiness::WRITABLE),
            reader: None,
            writer: None,
            more: Vec::new(),
            error: None,
            error_for_ops: false,
        }
    }

    /// Whether an *operation* in `dir` may try its system call: known or
    /// assumed ready.
    #[inline]
    pub(crate) fn is_ready(&self, dir: Direction) -> bool {
        self.usable.intersects(dir.mask())
    }

    /// Whether a *query* in `dir` is answered: known ready only.
    #[inline]
    pub(crate) fn is_known_ready(&self, dir: Direction) -> bool {
        self.readiness.intersects(dir.mask())
    }

    /// Forgets the flags `bits`, known or assumed; a stored error stays
    /// visible.
    #[inline]
    pub(crate) fn remove(&mut self, bits: Readiness) {
        self.readiness = self.readiness.remove(bits);
        self.usable = self.usable.remove(bits);
        self.keep_error_visible();
    }

    /// Adds `waker` to the waiters of `dir`, unless it would wake a task
    /// that is waiting already.
    #[inline]
    pub(crate) fn set_waker(&mut self, dir: Direction, waker: &Waker) {
        match self.waiter(dir) {
            Some(w) if w.will_wake(waker) => {}
            Some(_) => self.add_more(dir, waker),
            first @ None => *first = Some(waker.clone()),
        }
    }

    /// Makes `waker` the one task a `poll_*_ready` in `dir` wakes,
    /// replacing the one before.
    #[cold]
    pub(crate) fn set_polled(&mut self, dir: Direction, waker: &Waker) {
        match self.more.iter_mut().find(|w| w.polled && w.dir == dir) {
            Some(w) if w.waker.will_wake(waker) => {}
            Some(w) => w.waker = waker.clone(),
            None => self.more.push(Waiter { dir, polled: true, waker: waker.clone() }),
        }
    }

    /// The slow path of `set_waker`: a second (or later) waiter.
    #[cold]
    fn add_more(&mut self, dir: Direction, waker: &Waker) {
        if !self.more.iter().any(|w| !w.polled && w.dir == dir && w.waker.will_wake(waker)) {
            self.more.push(Waiter { dir, polled: false, waker: waker.clone() });
        }
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
        self.readiness = self.readiness.union(bits);
        self.usable = self.usable.union(bits);
    }

    /// Adds the readiness of an event and collects the wakers it releases.
    #[inline]
    pub(crate) fn on_event(&mut self, readiness: Readiness, wakers: &mut Vec<Waker>) {
        self.mark(readiness);
        if readiness.intersects(Direction::Read.mask()) {
            if let Some(waker) = self.reader.take() {
                wakers.push(waker);
            }
        }
        if readiness.intersects(Direction::Write.mask()) {
            if let Some(waker) = self.writer.take() {
                wakers.push(waker);
            }
        }
        if !self.more.is_empty() {
            self.release_more(readiness, wakers);
        }
    }

    /// The slow path of `on_event`: moves the further waiters that
    /// `readiness` releases into `wakers`.
    #[cold]
    fn release_more(&mut self, readiness: Readiness, wakers: &mut Vec<Waker>) {
        let mut i = 0;
        while i < self.more.len() {
            if readiness.intersects(self.more[i].dir.mask()) {
                wakers.push(self.more.swap_remove(i).waker);
            } else {
                i += 1;
            }
        }
    }

    /// Moves every waiter, in both directions, into `wakers` (the runtime
    /// is shutting down, or nobody will turn this reactor again).
    pub(crate) fn release_all(&mut self, wakers: &mut Vec<Waker>) {
        wakers.extend(self.reader.take());
        wakers.extend(self.writer.take());
        wakers.extend(self.more.drain(..).map(|w| w.waker));
    }

    /// How many tasks wait in `dir` (for tests).
    #[cfg(test)]
    pub(crate) fn waiters(&self, dir: Direction) -> usize {
        let first = match dir {
            Direction::Read => self.reader.is_some(),
            Direction::Write => self.writer.is_some(),
        };
        usize::from(first) + self.more.iter().filter(|w| w.dir == dir).count()
    }

    /// Records an error for the source and releases both waiters. (The
    /// kqueue driver reports per-change errors, and with `for_ops` the
    /// errors of sockets, this way.)
    pub(crate) fn on_error(&mut self, error: io::Error, for_ops: bool, wakers: &mut Vec<Waker>) {
        self.error = Some(error);
        self.error_for_ops = for_ops;
        self.on_event(Readiness::ERROR, wakers);
    }

    #[inline]
    fn waiter(&mut self, dir: Direction) -> &mut Option<Waker> {
        match dir {
            Direction::Read => &mut self.reader,
            Direction::Write => &mut self.writer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::task::Wake;

    struct Flag(std::sync::atomic::AtomicUsize);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    #[test]
    fn slot_starts_assumed_ready_for_operations_but_not_for_queries() {
        let slot = Slot::new(1);
        assert!(slot.is_ready(Direction::Read));
        assert!(slot.is_ready(Direction::Write));
        assert!(!slot.is_known_ready(Direction::Read), "a guess is never shown to a query");
        assert!(!slot.is_known_ready(Direction::Write));
    }

    #[test]
    fn slot_would_block_clears_the_guess_and_an_edge_makes_it_known() {
        let mut slot = Slot::new(1);
        slot.clear(Direction::Read);
        assert!(!slot.is_ready(Direction::Read));
        assert!(slot.is_ready(Direction::Write), "the other direction keeps its guess");
        let mut woken = Vec::new();
        slot.on_event(Readiness::READABLE, &mut woken);
        assert!(slot.is_ready(Direction::Read) && slot.is_known_ready(Direction::Read));
        assert!(!slot.is_known_ready(Direction::Write));
    }

    #[test]
    fn slot_clear_then_event_releases_only_that_direction() {
        let mut slot = Slot::new(1);
        slot.clear(Direction::Read);
        slot.clear(Direction::Write);
        assert!(!slot.is_ready(Direction::Read));
        let flag = Arc::new(Flag(0.into()));
        let waker = Waker::from(flag.clone());
        slot.set_waker(Direction::Read, &waker);
        slot.set_waker(Direction::Write, &waker);
        let mut woken = Vec::new();
        slot.on_event(Readiness::READABLE, &mut woken);
        assert_eq!(woken.len(), 1);
        assert!(slot.is_ready(Direction::Read));
        assert!(!slot.is_ready(Direction::Write));
        assert!(slot.writer.is_some());
    }

    #[test]
    fn slot_clear_keeping_closed_keeps_the_end_of_stream() {
        let mut slot = Slot::new(1);
        let mut woken = Vec::new();
        slot.on_event(Readiness::READ_CLOSED, &mut woken);
        slot.clear_keeping_closed(Direction::Read);
        assert!(slot.is_ready(Direction::Read), "the end of stream must stay visible");
        slot.clear(Direction::Read);
        assert!(!slot.is_ready(Direction::Read));
    }

    #[test]
    fn slot_every_waiter_of_a_direction_is_woken_once() {
        let mut slot = Slot::new(1);
        slot.clear(Direction::Read);
        slot.clear(Direction::Write);
        let flags: Vec<_> = (0..3).map(|_| Arc::new(Flag(0.into()))).collect();
        let writer_flag = Arc::new(Flag(0.into()));
        for flag in &flags {
            let waker = Waker::from(flag.clone());
            slot.set_waker(Direction::Read, &waker);
            slot.set_waker(Direction::Read, &waker.clone());
        }
        slot.set_waker(Direction::Write, &Waker::from(writer_flag.clone()));
        assert_eq!(slot.waiters(Direction::Read), 3, "one entry per task, however often it polls");
        assert_eq!(slot.waiters(Direction::Write), 1);
        let mut woken = Vec::new();
        slot.on_event(Readiness::READABLE, &mut woken);
        woken.into_iter().for_each(Waker::wake);
        for flag in &flags {
            assert_eq!(flag.0.load(std::sync::atomic::Ordering::SeqCst), 1);
        }
        assert_eq!(slot.waiters(Direction::Read), 0);
        assert_eq!(slot.waiters(Direction::Write), 1, "the writer still waits");
        assert_eq!(writer_flag.0.load(std::sync::atomic::Ordering::SeqCst), 0);
    }

    #[test]
    fn slot_one_waiter_per_direction_never_allocates() {
        let mut slot = Slot::new(1);
        let (a, b) = (Waker::from(Arc::new(Flag(0.into()))), Waker::from(Arc::new(Flag(0.into()))));
        let mut woken = Vec::new();
        for round in 0..100 {
            slot.clear(Direction::Read);
            slot.clear(Direction::Write);
            // A different task each round, one per direction.
            let waker = if round % 2 == 0 { &a } else { &b };
            slot.set_waker(Direction::Read, waker);
            slot.set_waker(Direction::Read, waker);
            slot.set_waker(Direction::Write, waker);
            slot.on_event(Readiness::READABLE.union(Readiness::WRITABLE), &mut woken);
        }
        assert_eq!(woken.len(), 200);
        assert_eq!(slot.more.capacity(), 0, "the first waiter's field is enough");
    }

    #[test]
    fn slot_poll_ready_keeps_only_the_last_caller_per_direction() {
        let mut slot = Slot::new(1);
        slot.clear(Direction::Read);
        let (first, last, waiter) = (Arc::new(Flag(0.into())), Arc::new(Flag(0.into())), Arc::new(Flag(0.into())));
        slot.set_waker(Direction::Read, &Waker::from(waiter.clone()));
        slot.set_polled(Direction::Read, &Waker::from(first.clone()));
        slot.set_polled(Direction::Read, &Waker::from(last.clone()));
        slot.set_polled(Direction::Write, &Waker::from(first.clone()));
        let mut woken = Vec::new();
        slot.on_event(Readiness::READABLE, &mut woken);
        woken.into_iter().for_each(Waker::wake);
        let count = |f: &Arc<Flag>| f.0.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!((count(&first), count(&last), count(&waiter)), (0, 1, 1));
        assert_eq!(slot.waiters(Direction::Write), 1, "the write caller still waits");
    }

    #[test]
    fn slot_error_releases_both_waiters() {
        let mut slot = Slot::new(1);
        let waker = Waker::from(Arc::new(Flag(0.into())));
        slot.set_waker(Direction::Read, &waker);
        slot.set_waker(Direction::Write, &waker);
        let mut woken = Vec::new();
        slot.on_error(io::Error::from_raw_os_error(libc::EBADF), false, &mut woken);
        assert_eq!(woken.len(), 2);
        assert!(slot.error.is_some());
    }
}
