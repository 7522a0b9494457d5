//! The part of a runtime other threads can reach: the injection queue, the
//! block_on future's wake flag and the driver's remote waker.
//!
//! A wake from another thread pushes the task here and then calls `notify`,
//! which writes to the driver's eventfd unless a write is already
//! outstanding. The executor clears `notified` *before* it drains the queue,
//! so a push it misses always comes with a fresh write that ends its next
//! wait: no wake is lost, and a burst of remote wakes costs one write.
//!
//! `runtime::Handle::spawn` from another thread queues a [`Spawn`] job the
//! same way: the executor runs it on its own thread, where it spawns the task.

use std::collections::VecDeque;
use std::sync::PoisonError;

use crate::config::UnhandledPanic;
use crate::driver::RemoteWaker;
use crate::loom::sync::atomic::{AtomicBool, AtomicU64, Ordering::*};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::task::raw::TaskRef;

/// The thread-safe half of a runtime.
#[derive(Debug)]
pub(crate) struct Shared {
    inject: Mutex<Inject>,
    /// A remote wake is outstanding: the eventfd was written and the
    /// executor has not drained the queue since.
    notified: AtomicBool,
    /// The future passed to `block_on` was woken.
    main_woken: AtomicBool,
    remote: RemoteWaker,
    /// Wakes that arrived from another thread (or from outside the runtime).
    pub(crate) remote_wakes: AtomicU64,
    unhandled_panic: UnhandledPanic,
    /// A task's panic went unhandled under `UnhandledPanic::ShutdownRuntime`.
    panicked: AtomicBool,
}

/// A spawn requested from another thread: run by the executor on its own
/// thread, inside the runtime, where it spawns the task. Dropped unrun if
/// the runtime is gone (its destructor then reports the task as cancelled).
pub(crate) type Spawn = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Inject {
    tasks: VecDeque<Injected>,
    spawns: Vec<Spawn>,
    /// The runtime is gone; tasks woken now are dropped, not queued.
    closed: bool,
}

impl std::fmt::Debug for Inject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (tasks, spawns) = (self.tasks.len(), self.spawns.len());
        f.debug_struct("Inject").field("tasks", &tasks).field("spawns", &spawns).field("closed", &self.closed).finish()
    }
}

/// A task reference on its way to its runtime's thread.
#[derive(Debug)]
struct Injected(TaskRef);

// SAFETY: a TaskRef only moves a reference count (atomic) across threads;
// the task it names is polled, and its non-atomic fields touched, only by
// the executor that drains this queue on the runtime's own thread.
#[allow(unsafe_code)]
unsafe impl Send for Injected {}

impl Shared {
    pub(crate) fn new(remote: RemoteWaker, unhandled_panic: UnhandledPanic) -> Shared {
        Shared {
            inject: Mutex::new(Inject::default()),
            notified: AtomicBool::new(false),
            main_woken: AtomicBool::new(false),
            remote,
            remote_wakes: AtomicU64::new(0),
            unhandled_panic,
            panicked: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inject> {
        // Nothing panics while holding the lock; a poisoned queue is intact.
        self.inject.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a task woken away from its runtime's thread; hands it back if
    /// the runtime is gone, for the caller to drop once it no longer
    /// borrows `self` (the task may hold the last reference to it).
    pub(crate) fn push_remote(&self, task: TaskRef) -> Result<(), TaskRef> {
        let rejected = {
            let mut inject = self.lock();
            if inject.closed {
                Some(task)
            } else {
                // Counted under the lock the runtime drains the queue with,
                // so its metrics see the wake once it runs the task.
                self.remote_wakes.fetch_add(1, Relaxed);
                inject.tasks.push_back(Injected(task));
                None
            }
        };
        match rejected {
            None => {
                self.notify();
                Ok(())
            }
            Some(task) => Err(task),
        }
    }

    /// Queues a spawn requested from another thread; hands it back if the
    /// runtime is gone, for the caller to drop outside the lock.
    pub(crate) fn push_spawn(&self, spawn: Spawn) -> Result<(), Spawn> {
        {
            let mut inject = self.lock();
            if inject.closed {
                return Err(spawn);
            }
            inject.spawns.push(spawn);
        }
        self.notify();
        Ok(())
    }

    /// Whether the runtime is gone (its queue closed).
    // `inline`: compiled in the crates that use it, not in every build of `runtime`.
    #[inline]
    pub(crate) fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Ends the driver's wait, unless an earlier wake already will.
    pub(crate) fn notify(&self) {
        if !self.notified.swap(true, AcqRel) {
            // A write to our own eventfd fails only on counter overflow,
            // which `wake` handles; there is no one to report anything to.
            let _ = self.remote.wake();
        }
    }

    /// Whether a remote wake or spawn may be waiting in the queue (the
    /// executor's cheap look before [`drain_into`](Self::drain_into)).
    #[inline]
    pub(crate) fn is_notified(&self) -> bool {
        self.notified.load(Relaxed)
    }

    /// Moves injected tasks onto `queue`, if any arrived, and returns the
    /// spawns requested from other threads, for the caller to run once the
    /// queue's borrow has ended. Dropping one unrun would cancel its task.
    #[must_use = "each spawn must run (after the queue's borrow ends), or its task is lost"]
    pub(crate) fn drain_into(&self, queue: &mut VecDeque<TaskRef>) -> Vec<Spawn> {
        if self.notified.load(Relaxed) && self.notified.swap(false, AcqRel) {
            let mut inject = self.lock();
            queue.extend(inject.tasks.drain(..).map(|Injected(t)| t));
            return std::mem::take(&mut inject.spawns);
        }
        Vec::new()
    }

    /// Closes the queue and returns what was in it, to drop outside the lock.
    pub(crate) fn close(&self) -> (Vec<TaskRef>, Vec<Spawn>) {
        let mut inject = self.lock();
        inject.closed = true;
        (inject.tasks.drain(..).map(|Injected(t)| t).collect(), std::mem::take(&mut inject.spawns))
    }

    pub(crate) fn set_main_woken(&self) {
        self.main_woken.store(true, Release);
    }

    pub(crate) fn is_main_woken(&self) -> bool {
        self.main_woken.load(Relaxed)
    }

    pub(crate) fn take_main_woken(&self) -> bool {
        self.main_woken.load(Relaxed) && self.main_woken.swap(false, AcqRel)
    }

    /// A panic nobody will look at: shut down if the runtime was built so.
    pub(crate) fn report_unhandled_panic(&self) {
        if self.unhandled_panic == UnhandledPanic::ShutdownRuntime {
            self.panicked.store(true, Release);
        }
    }

    pub(crate) fn has_unhandled_panic(&self) -> bool {
        self.panicked.load(Acquire)
    }
}

#[cfg(all(test, loom))]
mod loom_tests;
