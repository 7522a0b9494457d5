//! Deadlines for many connections at the cost of a counter per request:
//! one sweeper task instead of a timer per connection. Used by `http_hello`.
//!
//! Each connection holds a [`Slot`]. It calls [`Slot::step`] whenever it
//! makes progress (a request arrived, an answer went out), saying how long
//! the next step may take, and runs its I/O through [`Slot::guard`]. The
//! sweeper wakes every `tick`; a slot whose progress count has not moved
//! for its limit is marked expired and its task woken, and its guarded I/O
//! then fails with `TimedOut`. A connection is so closed between its limit
//! and its limit plus two ticks after its last progress.
//!
//! Shutdown: [`Watchdog::close_all`] marks every slot closing; a connection
//! waiting for a new request ([`Slot::step_idle`]) then stops at once, a
//! busy one when it next goes idle. [`Watchdog::run`] returns once closing
//! and no connection is left.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use runtime::time::{sleep, Instant};

/// How often the sweeper looks while the server shuts down.
const CLOSING_TICK: Duration = Duration::from_millis(20);

/// The sweeper's view of every open connection.
#[derive(Debug)]
pub struct Watchdog {
    slots: RefCell<Vec<Weak<Slot>>>,
    tick: Duration,
    closing: Cell<bool>,
}

/// One connection's progress and deadline state.
#[derive(Debug)]
pub struct Slot {
    /// Bumped by the connection at each step.
    progress: Cell<u64>,
    /// How long the current step may take.
    limit: Cell<Duration>,
    /// Whether the connection waits for a new request (may close at shutdown).
    idle: Cell<bool>,
    /// Set by the sweeper: the limit passed without progress.
    expired: Cell<bool>,
    /// Set at shutdown.
    closing: Cell<bool>,
    /// The progress count the sweeper last saw, and when it first saw it.
    seen: Cell<(u64, Instant)>,
    /// The connection's task, to wake when it expires or must close.
    waker: RefCell<Option<Waker>>,
}

impl Watchdog {
    /// A watchdog that sweeps every `tick`; spawn [`Watchdog::run`].
    pub fn new(tick: Duration) -> Rc<Watchdog> {
        let tick = tick.max(Duration::from_millis(1));
        Rc::new(Watchdog { slots: RefCell::default(), tick, closing: Cell::new(false) })
    }

    /// A slot for a new connection whose first step may take `limit`.
    pub fn watch(&self, limit: Duration) -> Rc<Slot> {
        let slot = Rc::new(Slot {
            progress: Cell::new(0),
            limit: Cell::new(limit),
            idle: Cell::new(true),
            expired: Cell::new(false),
            closing: Cell::new(self.closing.get()),
            seen: Cell::new((0, Instant::now())),
            waker: RefCell::new(None),
        });
        self.slots.borrow_mut().push(Rc::downgrade(&slot));
        slot
    }

    /// Marks every connection closing (see the module docs).
    pub fn close_all(&self) {
        self.closing.set(true);
        self.sweep(|slot| {
            slot.closing.set(true);
            slot.idle.get()
        });
    }

    /// The sweeper: expires slots until closing and none is left.
    pub async fn run(self: Rc<Self>) {
        while !(self.closing.get() && self.slots.borrow().is_empty()) {
            sleep(if self.closing.get() { CLOSING_TICK.min(self.tick) } else { self.tick }).await;
            let now = Instant::now();
            self.sweep(|slot| {
                let (seen, since) = slot.seen.get();
                if slot.progress.get() != seen {
                    slot.seen.set((slot.progress.get(), now));
                    return false;
                }
                let expired = now.duration_since(since) >= slot.limit.get();
                slot.expired.set(expired);
                expired
            });
        }
    }

    /// Drops the slots of closed connections, and wakes those for which
    /// `wake` says so (after the borrow ends: a wake may run code).
    fn sweep(&self, mut wake: impl FnMut(&Slot) -> bool) {
        let mut wakers = Vec::new();
        self.slots.borrow_mut().retain(|slot| {
            let Some(slot) = slot.upgrade() else { return false };
            if wake(&slot) {
                wakers.extend(slot.waker.borrow_mut().take());
            }
            true
        });
        wakers.into_iter().for_each(Waker::wake);
    }
}

impl Slot {
    /// Progress: the next step may take `limit`.
    #[inline]
    pub fn step(&self, limit: Duration) {
        self.progress.set(self.progress.get().wrapping_add(1));
        self.limit.set(limit);
        self.idle.set(false);
    }

    /// Progress, and now waiting for a new request for at most `limit`.
    #[inline]
    pub fn step_idle(&self, limit: Duration) {
        self.step(limit);
        self.idle.set(true);
    }

    /// Whether the server is shutting down.
    pub fn closing(&self) -> bool {
        self.closing.get()
    }

    /// Runs `io` until it completes, or fails with `TimedOut` once the slot
    /// has expired, or with `ConnectionAborted` at shutdown while idle.
    pub fn guard<F: Future + Unpin>(&self, io: F) -> Guarded<'_, F> {
        Guarded { slot: self, io }
    }
}

/// The future of [`Slot::guard`]: a plain struct around the I/O future, so
/// the guard adds no state machine of its own.
#[derive(Debug)]
pub struct Guarded<'a, F> {
    slot: &'a Slot,
    io: F,
}

impl<T, F: Future<Output = io::Result<T>> + Unpin> Future for Guarded<'_, F> {
    type Output = io::Result<T>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(result) = Pin::new(&mut self.io).poll(cx) {
            return Poll::Ready(result);
        }
        let slot = self.slot;
        if slot.expired.get() {
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "client too slow")));
        }
        if slot.closing.get() && slot.idle.get() {
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::ConnectionAborted, "shutting down")));
        }
        let mut waker = slot.waker.borrow_mut();
        if !waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            *waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}
