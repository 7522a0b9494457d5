//! `Scope`: a runtime's state on its own thread, which every layer above
//! reaches through the thread-local (`context::with`): the run queue and the
//! owned list, the reactor, the timers and the clock, the budget, the
//! blocking pool, the deferred wakers and the counters `metrics()` reads.
//!
//! A `Scope` knows how to spawn, wake, fire timers and tear itself down; the
//! executor's loop (`executor/`) decides when.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

use slab::Slab;

use super::Budget;
use crate::blocking::pool::Pool;
use crate::config::Config;
use crate::reactor::Reactor;
use crate::shared::Shared;
use crate::task::join::JoinHandle;
use crate::task::raw::{self, TaskRef};
use crate::task::waker::wake_local;
use crate::task::waker::Schedule;
use crate::time::clock::Clock;
use crate::time::timers::Timers;

/// A runtime's state on its own thread.
#[derive(Debug)]
pub(crate) struct Scope {
    /// Unique per runtime in the process; timers use it to find their store.
    pub(crate) id: u64,
    pub(crate) shared: Arc<Shared>,
    pub(crate) run_queue: RefCell<VecDeque<TaskRef>>,
    /// Every task whose future is not gone yet, keyed by `Header::owned_key`.
    pub(crate) owned: RefCell<Slab<TaskRef>>,
    pub(crate) reactor: RefCell<Reactor>,
    pub(crate) timers: RefCell<Timers>,
    /// What `time::Instant::now()` reads in this runtime; pausable.
    pub(crate) clock: Clock,
    pub(crate) budget: Budget,
    pub(crate) blocking: Pool,
    /// Wakers collected during a turn, woken after it; kept to reuse the buffer.
    pub(crate) wake_buf: RefCell<Vec<Waker>>,
    /// Tasks that yielded (`yield_now`, a spent budget): woken after the
    /// next reactor turn, as tokio's `defer`.
    pub(crate) deferred: RefCell<VecDeque<Waker>>,
    pub(crate) tasks_spawned: Cell<u64>,
    pub(crate) polls: Cell<u64>,
    shut_down: Cell<bool>,
    /// This runtime is the thread's current one (`context::enter` sets it):
    /// inside its `block_on`, or its drop. An I/O source of a runtime that
    /// is not entered would wait for a reactor nobody turns.
    pub(crate) entered: Cell<bool>,
}

impl Scope {
    pub(crate) fn new(config: &Config) -> std::io::Result<Scope> {
        config.check()?;
        let (reactor, remote) = Reactor::new(config.driver, config.event_capacity)?;
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, Relaxed);
        Ok(Scope {
            id,
            shared: Arc::new(Shared::new(remote, config.unhandled_panic)),
            run_queue: RefCell::new(VecDeque::with_capacity(256)),
            owned: RefCell::new(Slab::new()),
            reactor: RefCell::new(reactor),
            timers: RefCell::new(Timers::new(id)),
            clock: Clock::new(config.start_paused),
            budget: Budget::new(),
            blocking: Pool::new(config.max_blocking_threads, config.thread_keep_alive),
            wake_buf: RefCell::new(Vec::new()),
            deferred: RefCell::new(VecDeque::new()),
            tasks_spawned: Cell::new(0),
            polls: Cell::new(0),
            shut_down: Cell::new(false),
            entered: Cell::new(false),
        })
    }

    pub(crate) fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
    {
        let scheduler: Arc<dyn Schedule> = self.shared.clone();
        let (owned, queued, join) = raw::allocate(future, scheduler);
        self.tasks_spawned.set(self.tasks_spawned.get() + 1);
        if self.shut_down.get() {
            // Spawned while (or after) the runtime shut down, for example
            // from a destructor it ran: dropped at once, as tokio does, and
            // the handle reports it cancelled. (No borrow is held here.)
            drop(queued);
            let _ = owned.cancel();
            return JoinHandle::new(join);
        }
        let key = self.owned.borrow_mut().insert(owned);
        queued.set_owned_key(key);
        self.run_queue.borrow_mut().push_back(queued);
        JoinHandle::new(join)
    }

    /// The runtime has shut down (or is shutting down): its tasks are gone.
    pub(crate) fn is_shut_down(&self) -> bool {
        self.shut_down.get()
    }

    pub(crate) fn tasks_alive(&self) -> usize {
        self.owned.borrow().len()
    }

    /// Fires the timers due on this runtime's clock and queues their tasks
    /// (`time::advance` and auto-advance; a turn does it too).
    pub(crate) fn fire_timers(&self) {
        let mut wakers = std::mem::take(&mut *self.wake_buf.borrow_mut());
        let orphaned = self.timers.borrow_mut().fire(|| self.clock.now(), &mut wakers);
        drop(orphaned);
        self.wake_all(&mut wakers);
        *self.wake_buf.borrow_mut() = wakers;
    }

    /// Defers the task of `waker` until after the next reactor turn.
    pub(crate) fn defer(&self, waker: &Waker) {
        let queued = self.deferred.borrow().back().is_some_and(|w| w.will_wake(waker));
        if !queued {
            let waker = waker.clone();
            self.deferred.borrow_mut().push_back(waker);
        }
    }

    /// Wakes the tasks deferred before this call (after a reactor turn), in
    /// the order they yielded; one that defers again while they are woken
    /// waits for the next turn.
    pub(crate) fn wake_deferred(&self) {
        let n = self.deferred.borrow().len();
        for _ in 0..n {
            let Some(waker) = self.deferred.borrow_mut().pop_front() else {
                break;
            };
            self.wake(waker);
        }
    }

    /// Wakes (and so drops) `wakers`, with no borrow held: this runtime's
    /// own tasks go straight onto the run queue.
    pub(crate) fn wake_all(&self, wakers: &mut Vec<Waker>) {
        let me = Arc::as_ptr(&self.shared).cast::<()>();
        for waker in wakers.drain(..) {
            self.wake_as(waker, me);
        }
    }

    /// Wakes `waker`, with no borrow held: one of this runtime's own tasks
    /// goes straight onto the run queue.
    #[inline]
    fn wake(&self, waker: Waker) {
        self.wake_as(waker, Arc::as_ptr(&self.shared).cast::<()>());
    }

    /// [`wake`](Self::wake), given `me`, the address of this runtime's shared half.
    #[inline]
    fn wake_as(&self, waker: Waker, me: *const ()) {
        match wake_local(waker, me) {
            Ok(Some(task)) => self.run_queue.borrow_mut().push_back(task),
            Ok(None) => {}
            Err(other) => other.wake(),
        }
    }

    /// Shuts the runtime down, inside its context (the caller enters it).
    /// Idempotent. In order:
    /// 1. from now on a newly spawned task is dropped at once (see `spawn`);
    /// 2. the blocking pool takes no more jobs and drops its queued ones;
    /// 3. every task's future is dropped, until none is left (a destructor
    ///    may spawn: step 1 covers that);
    /// 4. every task still waiting on one of the reactor's sources (another
    ///    executor's) is woken, and so sees the runtime gone, and the
    ///    reactor's wakers are dropped (one might own its source: tokio
    ///    issue 3481); the run and injection queues and the timers are emptied;
    /// 5. the blocking pool's threads finish their running jobs and exit;
    ///    the runtime waits for them.
    ///
    /// No `RefCell` of the scope is borrowed while user code (a destructor)
    /// runs, so destructors may use the runtime.
    pub(crate) fn shutdown(&self) {
        self.shutdown_within(None);
    }

    /// [`shutdown`](Self::shutdown), waiting at most `limit` (if given) for
    /// running blocking jobs in step 5.
    pub(crate) fn shutdown_within(&self, limit: Option<Duration>) {
        if self.shut_down.replace(true) {
            return;
        }
        self.blocking.close();
        loop {
            let tasks: Vec<TaskRef> = self.owned.borrow_mut().drain().collect();
            if tasks.is_empty() {
                break;
            }
            for task in &tasks {
                let _ = task.cancel();
            }
        }
        // Every task still waiting on one of our sources (another
        // executor's) learns that the runtime is gone; its waker is dropped.
        let io_waiters = self.reactor.borrow_mut().release_all();
        io_waiters.into_iter().for_each(Waker::wake);
        // Each is taken out of its cell first and dropped after the borrow
        // ends: a queued task's or a timer's waker may own a `Sleep`.
        let queued = std::mem::take(&mut *self.run_queue.borrow_mut());
        drop(queued);
        drop(self.shared.close());
        let deferred = std::mem::take(&mut *self.deferred.borrow_mut());
        drop(deferred);
        let timers = self.timers.borrow_mut().clear();
        drop(timers);
        self.blocking.shutdown(limit);
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        // Normally done by `Runtime::drop`; this keeps the invariant that no
        // future outlives its runtime's thread even if a Scope escapes it.
        self.shutdown();
    }
}
