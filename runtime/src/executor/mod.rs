//! The executor: one thread, one run queue, and the loop that polls tasks and
//! turns the reactor.
//!
//! `Core` is a runtime's state on its own thread. `block_on` loops:
//! 1. poll the `block_on` future if it was woken;
//! 2. poll queued tasks until the queue is empty, the future is woken, or
//!    [`EVENT_INTERVAL`] polls have passed since the reactor last turned;
//! 3. move tasks woken from other threads onto the local queue;
//! 4. turn the reactor: blocking until the next timer if nothing is runnable,
//!    without blocking if the interval ran out. So a full run queue never
//!    starves I/O or timers.

mod budget;
mod inject;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use slab::Slab;

use crate::blocking::Pool;
use crate::builder::Config;
use crate::context;
use crate::reactor::Reactor;
use crate::task::raw::{self, RunOutcome, TaskRef};
use crate::task::JoinHandle;
use crate::time::{Clock, Timers};
pub(crate) use budget::Budget;
pub(crate) use inject::Shared;

/// Polls between two turns of the reactor when tasks keep the queue full.
/// Prime, like tokio's, so it does not beat in step with task patterns.
pub(crate) const EVENT_INTERVAL: u32 = 61;

/// A runtime's state on its own thread.
#[derive(Debug)]
pub(crate) struct Core {
    /// Unique per runtime in the process; timers use it to find their store.
    pub(crate) id: u64,
    pub(crate) shared: Arc<Shared>,
    run_queue: RefCell<VecDeque<TaskRef>>,
    /// Every task whose future is not gone yet, keyed by `Header::owned_key`.
    owned: RefCell<Slab<TaskRef>>,
    pub(crate) reactor: RefCell<Reactor>,
    pub(crate) timers: RefCell<Timers>,
    /// What `time::Instant::now()` reads in this runtime; pausable.
    pub(crate) clock: Clock,
    pub(crate) budget: Budget,
    pub(crate) blocking: Pool,
    /// Wakers collected during a turn, woken after it; kept to reuse the buffer.
    wake_buf: RefCell<Vec<Waker>>,
    /// Tasks that yielded (`yield_now`, a spent budget): woken after the
    /// next reactor turn, as tokio's `defer`.
    deferred: RefCell<Vec<Waker>>,
    pub(crate) tasks_spawned: Cell<u64>,
    pub(crate) polls: Cell<u64>,
    shut_down: Cell<bool>,
    /// This runtime is the thread's current one (`context::enter` sets it):
    /// inside its `block_on`, or its drop. An I/O source of a runtime that
    /// is not entered would wait for a reactor nobody turns.
    pub(crate) entered: Cell<bool>,
}

impl Core {
    pub(crate) fn new(config: &Config) -> std::io::Result<Core> {
        let (reactor, remote) = Reactor::new(config.driver, config.event_capacity)?;
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, Relaxed);
        Ok(Core {
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
            deferred: RefCell::new(Vec::new()),
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
        let (owned, queued, join) = raw::allocate(future, self.shared.clone());
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

    /// Runs `future` to completion on this thread, polling spawned tasks
    /// and turning the reactor while it waits.
    ///
    /// # Panics
    /// Inside a runtime, at the caller's location (`Runtime::block_on`
    /// passes its own caller's on).
    #[track_caller]
    pub(crate) fn block_on<F: Future>(self: &Rc<Self>, future: F) -> F::Output {
        assert!(
            !context::is_entered(),
            "cannot start a runtime from within a runtime: `block_on` was called \
             while this thread is already running one; `.await` the future instead"
        );
        let _guard = context::enter(self.clone());
        let waker = Waker::from(self.shared.clone());
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        self.shared.set_main_woken();
        let mut since_turn = 0;
        loop {
            if self.shared.take_main_woken() {
                since_turn += 1;
                self.budget.reset();
                if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                    return out;
                }
            }
            since_turn = self.run_tasks(since_turn);
            self.check_unhandled_panic();
            self.drain_injected();
            if self.run_queue.borrow().is_empty() && !self.shared.is_main_woken() {
                if self.deferred.borrow().is_empty() {
                    self.park();
                } else {
                    // Only yielded tasks are left: look at I/O, then run them.
                    self.turn(Some(Duration::ZERO));
                }
                since_turn = 0;
            } else if since_turn >= EVENT_INTERVAL {
                self.turn(Some(Duration::ZERO));
                since_turn = 0;
            }
        }
    }

    /// Polls queued tasks until the queue is empty or the interval runs out.
    /// Returns the updated poll count. (The `block_on` future, if woken,
    /// waits for the batch: so its own yields let queued tasks run.)
    fn run_tasks(&self, mut since_turn: u32) -> u32 {
        while since_turn < EVENT_INTERVAL {
            let Some(task) = self.run_queue.borrow_mut().pop_front() else {
                break;
            };
            since_turn += 1;
            self.run(task);
        }
        since_turn
    }

    fn run(&self, task: TaskRef) {
        self.polls.set(self.polls.get() + 1);
        self.budget.reset();
        let outcome = task.run();
        self.on_outcome(&task, outcome);
    }

    fn on_outcome(&self, task: &TaskRef, outcome: RunOutcome) {
        if let RunOutcome::Complete { unhandled_panic } = outcome {
            let owned = self.owned.borrow_mut().try_remove(task.owned_key());
            drop(owned);
            if unhandled_panic {
                self.shared.report_unhandled_panic();
            }
        }
    }

    /// Moves the tasks woken from other threads onto the run queue and
    /// runs the spawns requested from there (each spawns its task), after
    /// the queue's borrow has ended: a spawn's future is user code, and so
    /// is its destructor.
    fn drain_injected(&self) {
        let spawns = self.shared.drain_into(&mut self.run_queue.borrow_mut());
        for spawn in spawns {
            spawn(self);
        }
    }

    fn check_unhandled_panic(&self) {
        if self.shared.has_unhandled_panic() {
            panic!(
                "a spawned task panicked and the runtime is configured to shut down \
                 on unhandled panics (`UnhandledPanic::ShutdownRuntime`)"
            );
        }
    }

    /// Waits for work when nothing is runnable: until I/O, a wake from
    /// another thread, or the next timer.
    ///
    /// With the clock paused, time moves only here, and only when nothing
    /// at all is ready: the reactor is first turned without waiting, and if
    /// that made any task (or the `block_on` future) runnable they run
    /// first. Otherwise the clock jumps to the next deadline and the timers
    /// due fire (auto-advance); with no timer, the wait is for I/O alone.
    /// While a `spawn_blocking` job is outstanding the clock stays put and
    /// the executor waits as if it ran (for the job's wake, or I/O).
    fn park(&self) {
        if !self.clock.can_auto_advance() {
            self.turn(self.idle_timeout());
            return;
        }
        self.turn(Some(Duration::ZERO));
        // A spawn from another thread may have arrived since `block_on`
        // drained: it runs like any other, or the clock would jump past it.
        self.drain_injected();
        if !self.run_queue.borrow().is_empty() || self.shared.is_main_woken() {
            return;
        }
        let next = self.timers.borrow_mut().next_deadline();
        match next {
            Some(deadline) => {
                self.clock.advance_to(deadline);
                self.fire_timers();
            }
            None => self.turn(None),
        }
    }

    /// How long to wait when nothing is runnable: until the next timer.
    fn idle_timeout(&self) -> Option<Duration> {
        let deadline = self.timers.borrow_mut().next_deadline()?;
        Some(deadline.saturating_duration_since(self.clock.now()))
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

    /// One reactor turn plus expired timers; wakes what they release.
    ///
    /// # Panics
    /// If the driver's wait fails (only on a broken epoll or kqueue fd).
    fn turn(&self, timeout: Option<Duration>) {
        let mut wakers = std::mem::take(&mut *self.wake_buf.borrow_mut());
        let result = self.reactor.borrow_mut().turn(timeout, &mut wakers);
        if let Err(e) = result {
            panic!("the runtime's driver failed to wait for events: {e}");
        }
        let orphaned = self.timers.borrow_mut().fire(|| self.clock.now(), &mut wakers);
        drop(orphaned);
        // The tasks that yielded go after everything the turn released.
        wakers.append(&mut self.deferred.borrow_mut());
        self.wake_all(&mut wakers);
        *self.wake_buf.borrow_mut() = wakers;
    }

    /// Defers the task of `waker` until after the next reactor turn.
    pub(crate) fn defer(&self, waker: &Waker) {
        let queued = self.deferred.borrow().last().is_some_and(|w| w.will_wake(waker));
        if !queued {
            let waker = waker.clone();
            self.deferred.borrow_mut().push(waker);
        }
    }

    /// Wakes (and so drops) `wakers`, with no borrow held.
    fn wake_all(&self, wakers: &mut Vec<Waker>) {
        for waker in wakers.drain(..) {
            match crate::task::wake_local(waker, &self.shared) {
                Ok(Some(task)) => self.run_queue.borrow_mut().push_back(task),
                Ok(None) => {}
                Err(other) => other.wake(),
            }
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
    /// No `RefCell` of the core is borrowed while user code (a destructor)
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

impl Drop for Core {
    fn drop(&mut self) {
        // Normally done by `Runtime::drop`; this keeps the invariant that no
        // future outlives its runtime's thread even if a Core escapes it.
        self.shutdown();
    }
}

/// Queues a woken task: on this thread's runtime if it is the task's own,
/// otherwise through the task's injection queue.
pub(crate) fn schedule(task: TaskRef) {
    let mut task = Some(task);
    context::try_with(|core| {
        if let Some(t) = task.take_if(|t| Arc::ptr_eq(&t.header().shared, &core.shared)) {
            core.run_queue.borrow_mut().push_back(t);
        }
    });
    if let Some(task) = task {
        let shared = task.header().shared.clone();
        shared.push_remote(task);
    }
}
