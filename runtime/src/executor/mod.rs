//! The executor: the loop that polls a runtime's tasks and turns its
//! reactor, on the runtime's own thread.
//!
//! [`block_on`] loops over a [`Scope`] (the runtime's state, `context/`):
//! 1. poll the `block_on` future if it was woken;
//! 2. poll queued tasks until the queue is empty, the future is woken, or
//!    [`EVENT_INTERVAL`] polls have passed since the reactor last turned;
//! 3. move tasks woken from other threads onto the local queue;
//! 4. turn the reactor: blocking until the next timer if nothing is runnable,
//!    without blocking if the interval ran out. So a full run queue never
//!    starves I/O or timers.
//!
//! It also implements the task core's [`Schedule`] for the runtime's shared
//! half: where a wake sends a task (`schedule.rs`).

mod schedule;

use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::context::{self, Scope};
use crate::task::raw::{RunOutcome, TaskRef};
use crate::task::waker::wake_local;

/// Polls between two turns of the reactor when tasks keep the queue full.
/// Prime, like tokio's, so it does not beat in step with task patterns.
pub(crate) const EVENT_INTERVAL: u32 = 61;

/// The loop over one runtime's [`Scope`].
#[derive(Clone, Copy)]
pub(crate) struct Executor<'a> {
    scope: &'a Scope,
}

impl Executor<'_> {
    /// Runs `future` to completion on this thread, polling spawned tasks
    /// and turning the reactor while it waits.
    ///
    /// # Panics
    /// Inside a runtime, at the caller's location (`Runtime::block_on`
    /// passes its own caller's on).
    #[track_caller]
    pub(crate) fn block_on<F: Future>(scope: &Rc<Scope>, future: F) -> F::Output {
        assert!(
            !context::is_entered(),
            "cannot start a runtime from within a runtime: `block_on` was called \
             while this thread is already running one; `.await` the future instead"
        );
        let _guard = context::enter(scope.clone());
        let this = Executor { scope };
        this.run_until(future)
    }

    /// The loop of [`block_on`](Self::block_on), inside the runtime.
    fn run_until<F: Future>(self, future: F) -> F::Output {
        let waker = Waker::from(self.scope.shared.clone());
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        self.scope.shared.set_main_woken();
        let mut since_turn = 0;
        loop {
            if self.scope.shared.take_main_woken() {
                since_turn += 1;
                self.scope.budget.reset();
                if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                    return out;
                }
            }
            since_turn = self.run_tasks(since_turn);
            self.check_unhandled_panic();
            self.drain_injected();
            if self.scope.run_queue.borrow().is_empty() && !self.scope.shared.is_main_woken() {
                if self.scope.deferred.borrow().is_empty() {
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
            let Some(task) = self.scope.run_queue.borrow_mut().pop_front() else {
                break;
            };
            since_turn += 1;
            self.run(task);
        }
        since_turn
    }

    fn run(&self, task: TaskRef) {
        self.scope.polls.set(self.scope.polls.get() + 1);
        self.scope.budget.reset();
        let outcome = task.run();
        self.on_outcome(&task, outcome);
    }

    fn on_outcome(&self, task: &TaskRef, outcome: RunOutcome) {
        if let RunOutcome::Complete { unhandled_panic } = outcome {
            let owned = self.scope.owned.borrow_mut().try_remove(task);
            drop(owned);
            if unhandled_panic {
                self.scope.shared.report_unhandled_panic();
            }
        }
    }

    /// Moves the tasks woken from other threads onto the run queue and
    /// runs the spawns requested from there (each spawns its task), after
    /// the queue's borrow has ended: a spawn's future is user code, and so
    /// is its destructor.
    #[inline]
    fn drain_injected(&self) {
        if self.scope.shared.is_notified() {
            self.drain_injected_now();
        }
    }

    #[inline(never)]
    fn drain_injected_now(&self) {
        let spawns = self.scope.shared.drain_into(&mut self.scope.run_queue.borrow_mut());
        for spawn in spawns {
            spawn();
        }
    }

    fn check_unhandled_panic(&self) {
        if self.scope.shared.has_unhandled_panic() {
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
        if !self.scope.clock.can_auto_advance() {
            self.turn(self.idle_timeout());
            return;
        }
        self.turn(Some(Duration::ZERO));
        // A spawn from another thread may have arrived since `block_on`
        // drained: it runs like any other, or the clock would jump past it.
        self.drain_injected();
        if !self.scope.run_queue.borrow().is_empty() || self.scope.shared.is_main_woken() {
            return;
        }
        match self.next_deadline() {
            Some(deadline) => {
                self.scope.clock.advance_to(deadline);
                self.scope.fire_timers();
            }
            None => self.turn(None),
        }
    }

    /// How long to wait when nothing is runnable: until the next timer.
    fn idle_timeout(&self) -> Option<Duration> {
        let deadline = self.next_deadline()?;
        Some(deadline.saturating_duration_since(self.scope.clock.now()))
    }

    /// The next timer's deadline. Without the `time` feature no timer can be
    /// made (only its futures insert into the store), so the store is not
    /// consulted at all.
    fn next_deadline(&self) -> Option<crate::time::Instant> {
        #[cfg(feature = "time")]
        return self.scope.timers.borrow_mut().next_deadline();
        #[cfg(not(feature = "time"))]
        None
    }

    /// One reactor turn plus expired timers; wakes what they release.
    ///
    /// The reactor hands over each waker its events release while it is
    /// borrowed: one of this runtime's tasks goes straight onto the run
    /// queue (borrowed once for the whole turn), any other waker is kept in
    /// `wake_buf` and woken after the borrows end (it may run foreign code).
    /// A wake of a task that is queued already or complete drops the
    /// waker's reference there; that runs no user code even if it is the
    /// last, since a task's future and output are dropped on this thread
    /// before its owned-list entry and its handle let go (`task/raw.rs`),
    /// so the last reference only gives memory back.
    ///
    /// # Panics
    /// If the driver's wait fails (only on a broken epoll or kqueue fd).
    fn turn(&self, timeout: Option<Duration>) {
        let scope = self.scope;
        let orphaned = {
            let me = Arc::as_ptr(&scope.shared).cast::<()>();
            let mut wakers = scope.wake_buf.borrow_mut();
            let mut queue = scope.run_queue.borrow_mut();
            let result = scope.reactor.borrow_mut().turn(timeout, &mut |waker| match wake_local(waker, me) {
                Ok(Some(task)) => queue.push_back(task),
                Ok(None) => {}
                Err(other) => wakers.push(other),
            });
            drop(queue);
            if let Err(e) = result {
                panic!("the runtime's driver failed to wait for events: {e}");
            }
            // The timers only collect wakers (no user code runs); there are
            // none without `time` (see `next_deadline`).
            #[cfg(feature = "time")]
            let orphaned = scope.timers.borrow_mut().fire(|| scope.clock.now(), &mut wakers);
            #[cfg(not(feature = "time"))]
            let orphaned: Vec<Waker> = Vec::new();
            orphaned
        };
        drop(orphaned);
        if !scope.wake_buf.borrow().is_empty() {
            let mut wakers = std::mem::take(&mut *scope.wake_buf.borrow_mut());
            scope.wake_all(&mut wakers);
            *scope.wake_buf.borrow_mut() = wakers;
        }
        // The tasks that yielded go after everything the turn released.
        scope.wake_deferred();
    }
}
