//! The reactor: a slab of registered sources on top of a driver.
//!
//! Each registered fd owns a [`Slot`] in the slab; its [`Token`] (slab index
//! plus generation) is what the driver reports events under. `turn` waits on
//! the driver once, sets the readiness of every slot an event names, and
//! hands the wakers that readiness releases to the caller, which queues its
//! own tasks at once and wakes any other waker after the reactor's
//! `RefCell` borrow has ended: no foreign code runs while the reactor is
//! borrowed.
//!
//! Called by `io::AsyncFd` (register, poll_ready, clear_readiness,
//! deregister) and by the executor (turn).

#[cfg(all(target_os = "linux", feature = "io-uring"))]
mod completion;
#[cfg(all(target_os = "linux", feature = "io-uring"))]
mod completion_write;
#[cfg_attr(not(feature = "process"), allow(dead_code))]
mod process;
mod slot;
mod token;

use std::io;
use std::os::fd::RawFd;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use slab::Slab;

use crate::driver::{Driver, DriverCounters, Event, Poller, Readiness, RemoteWaker};
pub(crate) use slot::Direction;
pub(crate) use slot::Flags;
use slot::Slot;
pub(crate) use slot::WaitId;
pub(crate) use token::Token;

/// Registered sources and the driver that watches them.
#[derive(Debug)]
pub(crate) struct Reactor {
    poller: Poller,
    slots: Slab<Slot>,
    /// The kqueue driver's events of one wait (epoll's are read in place).
    events: Vec<Event>,
    capacity: usize,
    next_generation: u32,
    /// Turns of the reactor, blocking or not.
    pub(crate) ticks: u64,
    /// Events delivered to live sources.
    pub(crate) events_delivered: u64,
}

impl Reactor {
    /// A reactor on `driver` whose waits return at most `capacity` events,
    /// and the handle other threads use to end its waits.
    pub(crate) fn new(driver: Driver, capacity: usize) -> io::Result<(Reactor, RemoteWaker)> {
        let capacity = capacity.max(1);
        let mut poller = Poller::new(driver, capacity)?;
        let remote = poller.remote_waker()?;
        let scratch = if poller.driver() == Driver::Kqueue { capacity } else { 0 };
        let reactor = Reactor {
            poller,
            slots: Slab::new(),
            events: Vec::with_capacity(scratch),
            capacity,
            next_generation: 0,
            ticks: 0,
            events_delivered: 0,
        };
        Ok((reactor, remote))
    }

    pub(crate) fn driver(&self) -> Driver {
        self.poller.driver()
    }

    pub(crate) fn counters(&self) -> DriverCounters {
        self.poller.counters()
    }

    /// Registers `fd` for read and write readiness (a child's pidfd: an
    /// `AsyncFd` uses [`register_shared`](Self::register_shared)).
    #[cfg_attr(not(feature = "process"), allow(dead_code))]
    pub(crate) fn register(&mut self, fd: RawFd) -> io::Result<Token> {
        self.register_shared(fd).map(|(token, _)| token)
    }

    /// Registers `fd` like [`register`](Self::register), and hands out its
    /// flags, which its owner reads and clears without this reactor.
    pub(crate) fn register_shared(&mut self, fd: RawFd) -> io::Result<(Token, Rc<Flags>)> {
        self.insert(|poller, token| poller.register(fd, token))
    }

    /// Takes a slot for a source that `add` registers with the driver under
    /// the raw token it is given.
    fn insert(&mut self, add: impl FnOnce(&mut Poller, u64) -> io::Result<()>) -> io::Result<(Token, Rc<Flags>)> {
        let entry = self.slots.vacant_entry();
        if entry.key() > Token::MAX_INDEX {
            return Err(io::Error::other("too many sources registered with one reactor"));
        }
        self.next_generation = self.next_generation.wrapping_add(1);
        let token = Token::new(entry.key(), self.next_generation);
        add(&mut self.poller, token.raw())?;
        let slot = Slot::new(token.generation());
        let flags = Rc::clone(&slot.flags);
        entry.insert(slot);
        Ok((token, flags))
    }

    /// Stops watching `fd` (whether or not the caller closes it next) and
    /// frees its slot. The slot is returned so that
    /// its wakers are dropped after the caller's borrow of the reactor ends.
    pub(crate) fn deregister(&mut self, token: Token, fd: RawFd) -> (io::Result<()>, Option<Slot>) {
        let slot = self.slot_mut(token).is_some().then(|| self.slots.remove(token.index()));
        (self.poller.deregister(fd), slot)
    }

    /// `Ready` if `token`'s source may make progress in `dir`; otherwise the
    /// waker joins the source's waiters in `dir` and `Pending` is returned.
    /// `Ready(Err)` hands on an error the driver reported for the
    /// registration.
    ///
    /// `op`: an operation asks (it may act on a fresh slot's guess); a
    /// query (`op == false`) is answered only by known readiness.
    ///
    /// `wait`: the identity of the waiting future (see `slot.rs`), which
    /// unlinks its entry with [`unlink`](Self::unlink) if it is dropped
    /// while it waits; `None` for a `poll_*` caller, whose waker replaces
    /// the last such caller's in `dir`. When an operation is answered
    /// `Ready`, the future has no entry left in `dir` (the edge that made
    /// the source ready released them all), so its identity is reset to 0,
    /// and dropping it then costs nothing.
    #[inline(always)]
    pub(crate) fn poll_ready(
        &mut self,
        token: Token,
        dir: Direction,
        op: bool,
        cx: &mut Context<'_>,
        wait: Option<&mut WaitId>,
    ) -> Poll<io::Result<()>> {
        let Some(slot) = self.slot_mut(token) else {
            return Poll::Ready(Err(io::Error::other("the source is no longer registered")));
        };
        if slot.readiness().intersects(Readiness::ERROR) && (op || !slot.error_for_ops) {
            if let Some(e) = slot.error.take() {
                return Poll::Ready(Err(e));
            }
        }
        let ready = if op { slot.is_ready(dir) } else { slot.is_known_ready(dir) };
        if ready {
            if let Some(id) = wait {
                *id = 0;
            }
            return Poll::Ready(Ok(()));
        }
        slot.set_waker(dir, cx.waker(), wait);
        Poll::Pending
    }

    /// A readiness query: `Ready(Ok(flags))` with the source's flags once any
    /// of `mask` is set; otherwise the waker is stored for every direction
    /// `mask` touches (under the future's identity `wait`, as in
    /// `poll_ready`) and `Pending` returned. `Ready(Err)` as in `poll_ready`.
    pub(crate) fn poll_readiness(
        &mut self,
        token: Token,
        mask: Readiness,
        cx: &mut Context<'_>,
        mut wait: Option<&mut WaitId>,
    ) -> Poll<io::Result<Readiness>> {
        let Some(slot) = self.slot_mut(token) else {
            return Poll::Ready(Err(io::Error::other("the source is no longer registered")));
        };
        if !slot.error_for_ops {
            if let Some(e) = slot.error.take() {
                return Poll::Ready(Err(e));
            }
        }
        if slot.readiness().intersects(mask) {
            return Poll::Ready(Ok(slot.readiness()));
        }
        for dir in [Direction::Read, Direction::Write] {
            if mask.intersects(dir.mask()) {
                slot.set_waker(dir, cx.waker(), wait.as_deref_mut());
            }
        }
        Poll::Pending
    }

    /// Removes the entries of the future whose identity is `id` from
    /// `token`'s source: the future is dropped before its wake. The wakers
    /// are returned, for the caller to drop after its borrow ends.
    pub(crate) fn unlink(&mut self, token: Token, id: WaitId) -> [Option<Waker>; 2] {
        match self.slot_mut(token) {
            Some(slot) => slot.unlink(id),
            None => [None, None],
        }
    }

    /// How many waiters `token`'s source holds, in both directions.
    pub(crate) fn waiter_count(&self, token: Token) -> usize {
        let slot = self.slots.get(token.index()).filter(|s| s.generation == token.generation());
        slot.map_or(0, Slot::waiter_count)
    }

    /// Takes the error stored for the source, if any (for a `try_io`).
    pub(crate) fn take_error(&mut self, token: Token) -> Option<io::Error> {
        self.slot_mut(token).and_then(|slot| slot.error.take())
    }

    /// Forgets the flags `bits`, known or assumed (a readiness guard's
    /// `clear_ready`); a stored error stays visible.
    pub(crate) fn clear_bits(&mut self, token: Token, bits: Readiness) {
        if let Some(slot) = self.slot_mut(token) {
            slot.remove(bits);
        }
    }

    /// Marks `bits` as known without an event from the driver, for the
    /// code that made the source and knows its state (an accepted socket, a
    /// fresh pair's write side). Waiters are not woken: this runs before any
    /// task could wait on the source.
    pub(crate) fn mark_ready(&mut self, token: Token, bits: Readiness) {
        if let Some(slot) = self.slot_mut(token) {
            slot.mark(bits);
        }
    }

    /// Whether an operation on `token`'s source may make progress in `dir`
    /// (known or assumed ready); `Err` hands on a stored error first, as
    /// `poll_ready` does for an operation, so that a `try_*` form returns
    /// what the driver took for the socket (kqueue's `SO_ERROR`).
    #[inline]
    pub(crate) fn try_ready(&mut self, token: Token, dir: Direction) -> io::Result<bool> {
        let Some(slot) = self.slot_mut(token) else { return Ok(false) };
        if let Some(e) = slot.error.take() {
            return Err(e);
        }
        Ok(slot.is_ready(dir))
    }

    /// Forgets readiness in `dir` after an operation returned `WouldBlock`.
    #[inline]
    pub(crate) fn clear_readiness(&mut self, token: Token, dir: Direction) {
        if let Some(slot) = self.slot_mut(token) {
            slot.clear(dir);
        }
    }

    /// Forgets readiness in `dir` but not an end of stream (after a short read).
    #[inline]
    pub(crate) fn clear_ready_keeping_closed(&mut self, token: Token, dir: Direction) {
        if let Some(slot) = self.slot_mut(token) {
            slot.clear_keeping_closed(dir);
        }
    }

    /// Takes every waker of every source, for the runtime's shutdown: the
    /// caller wakes them (their tasks then see that the runtime is gone)
    /// after its borrow of the reactor ends, which also drops them, and with
    /// them any source a waker owns (tokio issue 3481).
    pub(crate) fn release_all(&mut self) -> Vec<Waker> {
        let mut wakers = Vec::new();
        for (_, slot) in &mut self.slots {
            slot.release_all(&mut wakers);
        }
        wakers
    }

    /// Takes the wakers of `token`'s source (see `release_all`).
    pub(crate) fn release(&mut self, token: Token) -> Vec<Waker> {
        let mut wakers = Vec::new();
        if let Some(slot) = self.slot_mut(token) {
            slot.release_all(&mut wakers);
        }
        wakers
    }

    /// Waits once for events (at most `timeout`), applies them and hands
    /// each waker they release to `release`, while this reactor is borrowed:
    /// `release` must run no foreign code (the executor queues its own
    /// tasks there and keeps every other waker for after the turn).
    pub(crate) fn turn(&mut self, timeout: Option<Duration>, release: &mut impl FnMut(Waker)) -> io::Result<()> {
        self.ticks += 1;
        let Reactor { poller, slots, events, events_delivered, .. } = self;
        let result = poller.wait(timeout, events, |event| {
            let token = Token::from_raw(event.token);
            if let Some(slot) = slots.get_mut(token.index()).filter(|s| s.generation == token.generation()) {
                if event.error != 0 {
                    slot.on_error(io::Error::from_raw_os_error(event.error), false, release);
                }
                if event.socket_error != 0 {
                    slot.on_error(io::Error::from_raw_os_error(event.socket_error), true, release);
                }
                slot.on_event(event.readiness, release);
                *events_delivered += 1;
            }
        });
        debug_assert!(self.events.capacity() >= self.capacity || self.poller.driver() != Driver::Kqueue);
        result
    }

    #[inline]
    fn slot_mut(&mut self, token: Token) -> Option<&mut Slot> {
        self.slots.get_mut(token.index()).filter(|s| s.generation == token.generation())
    }
}
