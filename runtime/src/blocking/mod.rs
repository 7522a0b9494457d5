//! `spawn_blocking`: a small pool of helper threads for blocking work.
//!
//! The pool (`pool.rs`) starts empty, adds a thread when a job arrives and
//! none is idle (up to `max_threads`), and lets a thread exit after
//! `keep_alive` without work. A job's result travels back through a
//! [`Handoff`]: the helper stores it and wakes the awaiting task, which is a
//! cross-thread wake (injection queue plus a driver wake-up). The awaiting
//! side is an ordinary spawned task, so `spawn_blocking` returns an ordinary
//! `JoinHandle`, and a panic in the job reaches it as a `JoinError`.
//!
//! Neither lock here (the pool's, a hand-off's) is ever held while user
//! code runs or a waker is woken or dropped: values are moved out first.

#[cfg(all(test, loom))]
mod loom_tests;
pub(crate) mod pool;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use self::pool::Pool;
use crate::context::{self, Scope};
use crate::loom::sync::{Arc, Mutex, MutexGuard, PoisonError};
use crate::loom::thread;
use crate::task::join::JoinHandle;
use crate::task::JoinError;
use crate::time::AutoAdvanceInhibit;

/// Where a helper thread leaves a job's result for the awaiting task.
struct Handoff<T> {
    result: Option<thread::Result<T>>,
    waker: Option<Waker>,
    /// The job was dropped without running (the pool shut down or could not start a thread).
    abandoned: bool,
}

type SharedHandoff<T> = Arc<Mutex<Handoff<T>>>;

fn lock<T>(handoff: &SharedHandoff<T>) -> MutexGuard<'_, Handoff<T>> {
    // Only plain stores happen under this lock; a poisoned one is intact.
    handoff.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Completes when the job has run; resumes its panic if it panicked.
struct BlockingTask<T> {
    handoff: SharedHandoff<T>,
    /// A paused clock does not auto-advance while the job is outstanding.
    _inhibit: AutoAdvanceInhibit,
}

impl<T> BlockingTask<T> {
    /// The job's result once it has run; `Err` if it panicked, or was
    /// dropped unrun (cancelled).
    fn poll_result(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        let mut handoff = lock(&self.handoff);
        let result = handoff.result.take();
        let abandoned = handoff.abandoned;
        let old = match &result {
            None if !abandoned => handoff.waker.replace(cx.waker().clone()),
            _ => None,
        };
        drop(handoff);
        drop(old);
        match result {
            Some(Ok(value)) => Poll::Ready(Ok(value)),
            Some(Err(panic)) => Poll::Ready(Err(JoinError::panic(panic))),
            None if abandoned => Poll::Ready(Err(JoinError::cancelled())),
            None => Poll::Pending,
        }
    }
}

impl<T> Future for BlockingTask<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        match self.poll_result(cx) {
            Poll::Ready(Ok(value)) => Poll::Ready(value),
            Poll::Ready(Err(e)) => {
                match e.try_into_panic() {
                    Ok(panic) => resume_unwind(panic),
                    Err(_) => {
                        panic!("spawn_blocking: the runtime could not run the job (shut down, or no thread could be started)")
                    }
                }
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Drop for BlockingTask<T> {
    /// Takes back the waker (so a job still running holds nothing of the
    /// runtime) and any result, and drops them outside the lock.
    fn drop(&mut self) {
        let mut handoff = lock(&self.handoff);
        let taken = (handoff.waker.take(), handoff.result.take());
        drop(handoff);
        drop(taken);
    }
}

/// Marks the handoff abandoned if the job is dropped without running, and
/// wakes the awaiting task either way.
struct RunGuard<T> {
    handoff: SharedHandoff<T>,
}

impl<T> Drop for RunGuard<T> {
    fn drop(&mut self) {
        let waker = {
            let mut handoff = lock(&self.handoff);
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
/// While the pool is below its bound (`Builder::max_blocking_threads`,
/// 64 by default), every job gets a thread at once, so jobs may wait for
/// each other. Dropping the runtime drops the jobs that have not started and
/// waits for the running ones to return, as tokio does.
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
#[track_caller]
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    spawn_on_pool(f, Pool::submit)
}

/// [`spawn_blocking`] for a job that must run once submitted, even if the
/// runtime is dropped before a thread takes it (tokio's
/// `spawn_mandatory_blocking`): file and standard-stream writes, whose
/// bytes the caller was told were taken.
#[cfg_attr(not(any(feature = "fs", feature = "io-std")), allow(dead_code))]
#[track_caller]
pub(crate) fn spawn_mandatory_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    spawn_on_pool(f, Pool::submit_mandatory)
}

/// Runs `f` on the current runtime's blocking pool and awaits its result in
/// place, with no task of its own: `net`'s name lookups use it, so a program
/// that resolves names compiles no task for the job (not a public API).
///
/// Unlike a [`spawn_blocking`] job, `f` runs without the runtime as its
/// context (`Handle::current()` there panics): a name lookup is std's and
/// the C library's code only, and so the echo links no context hand-over.
///
/// As a [`spawn_blocking`] job it counts in `metrics().tasks_spawned`, and
/// a paused clock does not auto-advance while it is outstanding. Its
/// result is `Err` if `f` panicked, or if the job was dropped unrun (the
/// runtime shut down, or no thread could start): a cancelled [`JoinError`].
/// Dropping the future leaves a running job to finish, as dropping a
/// `JoinHandle` does.
///
/// # Panics
/// Outside a runtime.
#[track_caller]
pub fn run_blocking<F, T>(f: F) -> Blocking<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (scope, task) = submit_to_pool(f, Pool::submit);
    scope.tasks_spawned.set(scope.tasks_spawned.get() + 1);
    Blocking { task }
}

/// The result of a [`run_blocking`] job (not a public API).
#[must_use = "futures do nothing unless polled"]
pub struct Blocking<T> {
    task: BlockingTask<T>,
}

impl<T> Future for Blocking<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        self.task.poll_result(cx)
    }
}

impl<T> std::fmt::Debug for Blocking<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blocking").finish_non_exhaustive()
    }
}

/// Hands `f` to the current runtime's pool with `submit`, and spawns the
/// task that awaits its result.
#[track_caller]
fn spawn_on_pool<F, T>(f: F, submit: fn(&Pool, pool::Job)) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (scope, task) = submit_to_pool(context::carry_into_blocking(f), submit);
    scope.spawn(task)
}

/// Hands `f` to the current runtime's pool with `submit`; returns the
/// runtime and the half that awaits the result.
#[track_caller]
fn submit_to_pool<F, T>(f: F, submit: fn(&Pool, pool::Job)) -> (Rc<Scope>, BlockingTask<T>)
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // A clone, so no borrow of the thread-local is held while a rejected
    // job's destructor runs.
    let scope = context::with(Rc::clone);
    let (job, task) = blocking_job(f, scope.clock.inhibit_auto_advance());
    submit(&scope.blocking, job);
    (scope, task)
}

/// The pool's half (the job) and the awaiting task's half of `f`.
fn blocking_job<F, T>(f: F, inhibit: AutoAdvanceInhibit) -> (pool::Job, BlockingTask<T>)
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let handoff = Arc::new(Mutex::new(Handoff { result: None, waker: None, abandoned: false }));
    let guard = RunGuard { handoff: handoff.clone() };
    let job = Box::new(move || {
        let result = catch_unwind(AssertUnwindSafe(f));
        lock(&guard.handoff).result = Some(result);
        drop(guard);
    });
    (job, BlockingTask { handoff, _inhibit: inhibit })
}
