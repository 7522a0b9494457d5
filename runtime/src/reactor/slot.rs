//! One registered source: its readiness and the wakers waiting on it.
//!
//! Pure data, no system calls. A new slot starts "assumed ready" in both
//! directions, so the first read or write goes straight to the system call;
//! readiness is cleared only when an operation returns `WouldBlock`, and set
//! again by the driver's next edge.
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

/// A registered source.
#[derive(Debug)]
pub(crate) struct Slot {
    /// Must match a token's generation for the token to reach this slot.
    pub(crate) generation: u32,
    pub(crate) readiness: Readiness,
    /// The first task waiting for read readiness, if any.
    pub(crate) reader: Option<Waker>,
    /// The first task waiting for write readiness, if any.
    pub(crate) writer: Option<Waker>,
    /// Further waiters, in either direction.
    /// # Invariant
    /// Holds waiters of a direction only while that direction's first field
    /// is `Some`; empty (and unallocated) while every source has at most one
    /// waiter per direction.
    more: Vec<(Direction, Waker)>,
    /// An error the driver reported for this source's registration; the next
    /// operation in either direction returns it.
    pub(crate) error: Option<io::Error>,
}

impl Slot {
    pub(crate) fn new(generation: u32) -> Slot {
        let readiness = Readiness::READABLE.union(Readiness::WRITABLE);
        Slot { generation, readiness, reader: None, writer: None, more: Vec::new(), error: None }
    }

    #[inline]
    pub(crate) fn is_ready(&self, dir: Direction) -> bool {
        self.readiness.intersects(dir.mask())
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

    /// The slow path of `set_waker`: a second (or later) waiter.
    #[cold]
    fn add_more(&mut self, dir: Direction, waker: &Waker) {
        if !self.more.iter().any(|(d, w)| *d == dir && w.will_wake(waker)) {
            self.more.push((dir, waker.clone()));
        }
    }

    /// Forgets the readiness that let an operation in `dir` proceed: the
    /// kernel said `WouldBlock`, so none of it holds any more.
    #[inline]
    pub(crate) fn clear(&mut self, dir: Direction) {
        self.readiness = self.readiness.remove(dir.mask());
        self.keep_error_visible();
    }

    /// Forgets that `dir` is ready but remembers that the peer closed: for a
    /// caller that drained a stream without seeing `WouldBlock` (a short
    /// read), where the end of stream may have come in the same edge.
    #[inline]
    pub(crate) fn clear_keeping_closed(&mut self, dir: Direction) {
        self.readiness = self.readiness.remove(dir.mask().remove(Readiness::READ_CLOSED));
        self.keep_error_visible();
    }

    /// A stored error keeps `ERROR` set until an operation has returned it:
    /// `poll_ready` looks for the error only when that bit is set.
    #[inline]
    fn keep_error_visible(&mut self) {
        if self.error.is_some() {
            self.readiness = self.readiness.union(Readiness::ERROR);
        }
    }

    /// Adds the readiness of an event and collects the wakers it releases.
    #[inline]
    pub(crate) fn on_event(&mut self, readiness: Readiness, wakers: &mut Vec<Waker>) {
        self.readiness = self.readiness.union(readiness);
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
            if readiness.intersects(self.more[i].0.mask()) {
                wakers.push(self.more.swap_remove(i).1);
            } else {
                i += 1;
            }
        }
    }

    /// How many tasks wait in `dir` (for tests).
    #[cfg(test)]
    pub(crate) fn waiters(&self, dir: Direction) -> usize {
        let first = match dir {
            Direction::Read => self.reader.is_some(),
            Direction::Write => self.writer.is_some(),
        };
        usize::from(first) + self.more.iter().filter(|(d, _)| *d == dir).count()
    }

    /// Records an error for the source and releases both waiters. (The
    /// kqueue driver reports per-change errors this way.)
    pub(crate) fn on_error(&mut self, error: io::Error, wakers: &mut Vec<Waker>) {
        self.error = Some(error);
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
    fn slot_starts_ready_both_ways() {
        let slot = Slot::new(1);
        assert!(slot.is_ready(Direction::Read));
        assert!(slot.is_ready(Direction::Write));
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
    fn slot_error_releases_both_waiters() {
        let mut slot = Slot::new(1);
        let waker = Waker::from(Arc::new(Flag(0.into())));
        slot.set_waker(Direction::Read, &waker);
        slot.set_waker(Direction::Write, &waker);
        let mut woken = Vec::new();
        slot.on_error(io::Error::from_raw_os_error(libc::EBADF), &mut woken);
        assert_eq!(woken.len(), 2);
        assert!(slot.error.is_some());
    }
}
