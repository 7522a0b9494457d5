//! One registered source: its readiness and the wakers waiting on it.
//!
//! Pure data, no system calls. A new slot starts "assumed ready" in both
//! directions, so the first read or write goes straight to the system call;
//! readiness is cleared only when an operation returns `WouldBlock`, and set
//! again by the driver's next edge.

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
    /// The task waiting for read readiness, if any.
    pub(crate) reader: Option<Waker>,
    /// The task waiting for write readiness, if any.
    pub(crate) writer: Option<Waker>,
    /// An error the driver reported for this source's registration; the next
    /// operation in either direction returns it.
    pub(crate) error: Option<io::Error>,
}

impl Slot {
    pub(crate) fn new(generation: u32) -> Slot {
        let readiness = Readiness::READABLE.union(Readiness::WRITABLE);
        Slot { generation, readiness, reader: None, writer: None, error: None }
    }

    #[inline]
    pub(crate) fn is_ready(&self, dir: Direction) -> bool {
        self.readiness.intersects(dir.mask())
    }

    /// Stores `waker` for `dir`, unless it would wake the same task already.
    #[inline]
    pub(crate) fn set_waker(&mut self, dir: Direction, waker: &Waker) {
        let slot = self.waiter(dir);
        match slot {
            Some(w) if w.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
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
        for dir in [Direction::Read, Direction::Write] {
            if readiness.intersects(dir.mask()) {
                wakers.extend(self.waiter(dir).take());
            }
        }
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
