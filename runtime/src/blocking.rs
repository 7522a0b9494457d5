//! `spawn_blocking`: a small pool of helper threads for blocking work.
//!
//! The pool starts empty, adds a thread when a job arrives and none is idle
//! (up to `max_threads`), and lets a thread exit after `keep_alive` without
//! work. A job's result travels back through a [`Handoff`]: the helper
//! stores it and wakes the awaiting task, which is a cross-thread wake
//! (injection queue plus a driver wake-up). The awaiting side is an ordinary
//! spawned task, so `spawn_blocking` returns an ordinary `JoinHandle`, and a
//! panic in the job reaches it as a `JoinError`.

use std::collections::VecDeque;
use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::PoisonError;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::context;
use crate::loom::sync::{Arc, Condvar, Mutex, MutexGuard};
use crate::loom::thread;
use crate::task::JoinHandle;

type Job = Box<dyn FnOnce() + Send>;

/// The helper threads of one runtime.
#[derive(Debug, Clone)]
pub(crate) struct Pool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    state: Mutex<State>,
    work: Condvar,
    max_threads: usize,
    keep_alive: Duration,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    threads: usize,
    idle: usize,
    shutdown: bool,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State").field("jobs", &self.jobs.len()).field("threads", &self.threads).finish()
    }
}

impl Pool {
    pub(crate) fn new(max_threads: usize, keep_alive: Duration) -> Pool {
        let state = Mutex::new(State::default());
        Pool { inner: Arc::new(Inner { state, work: Condvar::new(), max_threads: max_threads.max(1), keep_alive }) }
    }

    /// Queues `job`, starting a thread if none is idle and the bound allows.
    /// On failure (shutting down, or the OS refused a thread while none
    /// runs) the job is dropped unrun, which its `Handoff` reports.
    fn submit(&self, job: Job) {
        let mut state = self.inner.lock();
        if state.shutdown {
            return;
        }
        state.jobs.push_back(job);
        if state.idle > 0 {
            self.inner.work.notify_one();
            return;
        }
        if state.threads < self.inner.max_threads {
            let inner = self.inner.clone();
            let spawned = thread::Builder::new().name("runtime-blocking".into()).spawn(move || inner.worker());
            match spawned {
                Ok(_) => state.threads += 1,
                Err(_) if state.threads == 0 => drop(state.jobs.drain(..).collect::<Vec<_>>()),
                Err(_) => {}
            }
        }
    }

    /// Stops taking jobs and drops the queued ones; running jobs finish.
    pub(crate) fn shutdown(&self) {
        let jobs: Vec<Job> = {
            let mut state = self.inner.lock();
            state.shutdown = true;
            state.jobs.drain(..).collect()
        };
        self.inner.work.notify_all();
        drop(jobs);
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Jobs run outside the lock, so a poisoned state is still consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn worker(&self) {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.jobs.pop_front() {
                drop(state);
                job();
                state = self.lock();
                continue;
            }
            if state.shutdown {
                break;
            }
            state.idle += 1;
            let (guard, timeout) =
                self.work.wait_timeout(state, self.keep_alive).unwrap_or_else(PoisonError::into_inner);
            state = guard;
            state.idle -= 1;
            if timeout.timed_out() && state.jobs.is_empty() {
                break;
            }
        }
        state.threads -= 1;
    }
}

/// Where a helper thread leaves a job's result for the awaiting task.
struct Handoff<T> {
    result: Option<thread::Result<T>>,
    waker: Option<Waker>,
    /// The job was dropped without running (the pool shut down or could not start a thread).
    abandoned: bool,
}

/// Completes when the job has run; resumes its panic if it panicked.
struct BlockingTask<T> {
    handoff: Arc<Mutex<Handoff<T>>>,
}

impl<T> Future for BlockingTask<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut handoff = self.handoff.lock().unwrap_or_else(PoisonError::into_inner);
        match handoff.result.take() {
            Some(Ok(value)) => Poll::Ready(value),
            Some(Err(panic)) => resume_unwind(panic),
            None if handoff.abandoned => {
                panic!("spawn_blocking: the runtime could not run the job (shut down, or no thread could be started)")
            }
            None => {
                handoff.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Marks the handoff abandoned if the job is dropped without running.
struct RunGuard<T> {
    handoff: Arc<Mutex<Handoff<T>>>,
}

impl<T> Drop for RunGuard<T> {
    fn drop(&mut self) {
        let waker = {
            let mut handoff = self.handoff.lock().unwrap_or_else(PoisonError::into_inner);
            handoff.abandoned = handoff.result.is_none();
            handoff.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Runs `f` on a helper thread and returns a handle to await its result.
///
/// The closure may block; the runtime's thread goes on serving other tasks.
/// A panic in `f` is caught and reaches the handle as a [`JoinError`].
///
/// ```
/// runtime::block_on(async {
///     let n = runtime::spawn_blocking(|| (1..=10u64).product::<u64>()).await.unwrap();
///     assert_eq!(n, 3_628_800);
/// });
/// ```
///
/// # Panics
/// Outside a runtime.
///
/// [`JoinError`]: crate::task::JoinError
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    context::with(|core| {
        let handoff = Arc::new(Mutex::new(Handoff { result: None, waker: None, abandoned: false }));
        let guard = RunGuard { handoff: handoff.clone() };
        core.blocking.submit(Box::new(move || {
            let result = catch_unwind(AssertUnwindSafe(f));
            guard.handoff.lock().unwrap_or_else(PoisonError::into_inner).result = Some(result);
            drop(guard);
        }));
        core.spawn(BlockingTask { handoff })
    })
}

#[cfg(all(test, loom))]
mod loom_tests;
