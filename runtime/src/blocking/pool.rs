//! The helper threads of one runtime, and the queue of jobs they take.
//!
//! # Who counts what
//!
//! All counters live in [`State`], under one mutex:
//! - `threads`: helper threads started and not yet exited;
//! - `idle`: threads waiting on the condvar that no `submit` has claimed;
//! - `notified`: wake-ups a `submit` sent to a claimed idle thread, not yet
//!   taken by a waking thread.
//!
//! `submit` claims an idle thread by moving one count from `idle` to
//! `notified` *before* that thread has woken, so the next `submit` never
//! counts the same thread twice: it claims another idle thread or starts a
//! new one. So every queued job has a thread of its own on the way to it,
//! and a job never waits behind a running one while the pool is below its
//! bound. (A waking thread takes a count from `notified` if there is one,
//! whichever thread the condvar picked; otherwise its wake was spurious or
//! timed out, and it gives back its own `idle` count.)
//!
//! No job, and no job's destructor, runs with the mutex held: jobs that are
//! dropped unrun (after shutdown, or when the OS refuses the only thread)
//! are moved out of the queue first and dropped after the lock is released.
//! At shutdown the runtime closes the pool first (queued jobs dropped), and
//! after dropping its tasks waits for the helper threads to exit, as tokio's
//! runtime drop does, so nothing of the runtime outlives it.
//!
//! # Paid for on first use
//!
//! Every runtime has a pool, but most programs never submit a job. So
//! `new` names no thread code: the OS's thread spawner is looked up by
//! `submit`, and the code that drains and joins threads (`close` and
//! `shutdown` past the flag) is reached through [`Started`], which only
//! `submit` stores. A program that never submits a job links neither std's
//! thread spawning nor the joins.

use std::collections::VecDeque;
use std::io;
use std::mem;
use std::time::{Duration, Instant};

use crate::loom::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use crate::loom::thread::{self, JoinHandle};

/// A unit of work: the user's closure wrapped with its result hand-off.
pub(crate) type Job = Box<dyn FnOnce() + Send>;

/// Starts a helper thread running `body` (the OS may refuse).
type SpawnThread = fn(Box<dyn FnOnce() + Send>) -> io::Result<JoinHandle<()>>;

/// The helper threads of one runtime.
#[derive(Debug, Clone)]
pub(crate) struct Pool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    state: Mutex<State>,
    work: Condvar,
    /// Signalled when a thread leaves its loop, for `shutdown`.
    exited: Condvar,
    max_threads: usize,
    keep_alive: Duration,
    /// `None`: the OS's (`spawn_os_thread`, named only in `submit`).
    spawn_thread: Option<SpawnThread>,
}

/// The pool's teardown once a job was submitted; see the module docs.
struct Started {
    close: fn(&Pool),
    shutdown: fn(&Pool, Option<Duration>),
}

static STARTED: Started = Started { close: Pool::close_started, shutdown: Pool::shutdown_started };

/// A queued job; a mandatory one (a file write) still runs after `close`.
struct Queued {
    job: Job,
    mandatory: bool,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Queued>,
    threads: usize,
    idle: usize,
    notified: usize,
    shutdown: bool,
    /// Set by the first submit: how to drain and join.
    started: Option<&'static Started>,
    /// Handles of started threads; finished ones are pruned at each start.
    handles: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("jobs", &self.jobs.len())
            .field("threads", &self.threads)
            .field("idle", &self.idle)
            .field("notified", &self.notified)
            .field("shutdown", &self.shutdown)
            .finish()
    }
}

fn spawn_os_thread(body: Box<dyn FnOnce() + Send>) -> io::Result<JoinHandle<()>> {
    thread::Builder::new().name("runtime-blocking".into()).spawn(body)
}

impl Pool {
    pub(crate) fn new(max_threads: usize, keep_alive: Duration) -> Pool {
        Pool::with(max_threads, keep_alive, None)
    }

    /// A pool that starts its threads through `spawn_thread` (tests use one that fails).
    #[cfg(test)]
    pub(crate) fn with_spawner(max_threads: usize, keep_alive: Duration, spawn_thread: SpawnThread) -> Pool {
        Pool::with(max_threads, keep_alive, Some(spawn_thread))
    }

    fn with(max_threads: usize, keep_alive: Duration, spawn_thread: Option<SpawnThread>) -> Pool {
        let inner = Inner {
            state: Mutex::new(State::default()),
            work: Condvar::new(),
            exited: Condvar::new(),
            max_threads: max_threads.max(1),
            keep_alive,
            spawn_thread,
        };
        Pool { inner: Arc::new(inner) }
    }

    /// Queues `job` with a thread to run it: a claimed idle thread, or a new
    /// one if the bound allows. If the pool is shut down, or the OS refuses
    /// a thread while none runs, the job is dropped unrun (outside the lock),
    /// which its hand-off reports.
    pub(crate) fn submit(&self, job: Job) {
        let rejected = self.try_submit(Queued { job, mandatory: false });
        drop(rejected);
    }

    /// [`submit`](Self::submit) for a job that [`close`](Self::close) keeps:
    /// once queued, it runs even if the runtime shuts down first (tokio's
    /// `spawn_mandatory_blocking`, used for file and stdio writes).
    #[cfg_attr(not(any(feature = "fs", feature = "io-std")), allow(dead_code))]
    pub(crate) fn submit_mandatory(&self, job: Job) {
        let rejected = self.try_submit(Queued { job, mandatory: true });
        drop(rejected);
    }

    /// [`submit`](Self::submit), returning the jobs to drop once unlocked
    /// (a queue, as the pool's own is: one queue type's code, not two).
    fn try_submit(&self, queued: Queued) -> VecDeque<Queued> {
        let mut state = self.inner.lock();
        if state.shutdown {
            let mut rejected = VecDeque::new();
            rejected.push_back(queued);
            return rejected;
        }
        state.jobs.push_back(queued);
        if state.idle > 0 {
            state.idle -= 1;
            state.notified += 1;
            self.inner.work.notify_one();
            return VecDeque::new();
        }
        if state.threads >= self.inner.max_threads {
            return VecDeque::new();
        }
        state.started = Some(&STARTED);
        let inner = self.inner.clone();
        let spawn_thread = self.inner.spawn_thread.unwrap_or(spawn_os_thread);
        match spawn_thread(Box::new(move || inner.worker())) {
            Ok(handle) => {
                state.threads += 1;
                state.handles.retain(|h| !h.is_finished());
                state.handles.push(handle);
                VecDeque::new()
            }
            // Some thread runs and will come back for the queue.
            Err(_) if state.threads > 0 => VecDeque::new(),
            Err(_) => mem::take(&mut state.jobs),
        }
    }

    /// Stops taking jobs and drops the queued ones but the mandatory (after
    /// releasing the lock). Running jobs, and the mandatory ones, go on;
    /// [`shutdown`](Self::shutdown) waits for them.
    pub(crate) fn close(&self) {
        let started = {
            let mut state = self.inner.lock();
            state.shutdown = true;
            state.started
        };
        if let Some(started) = started {
            (started.close)(self);
        }
    }

    /// Closes the pool (if not yet) and waits for every helper thread to
    /// finish its running job and exit: without limit, or for at most
    /// `limit`, after which the threads still running are left to finish on
    /// their own (they hold nothing of the runtime but this pool's state).
    pub(crate) fn shutdown(&self, limit: Option<Duration>) {
        let started = {
            let mut state = self.inner.lock();
            state.shutdown = true;
            state.started
        };
        if let Some(started) = started {
            (started.shutdown)(self, limit);
        }
    }

    /// [`close`](Self::close) once a job was submitted: drops the queued
    /// jobs but the mandatory, outside the lock, and wakes the idle threads.
    fn close_started(&self) {
        let dropped = {
            let mut state = self.inner.lock();
            let mut dropped = mem::take(&mut state.jobs);
            // Only `fs` and `io-std` (and the tests) submit mandatory jobs;
            // without them every queued job is dropped.
            if cfg!(any(test, feature = "fs", feature = "io-std")) {
                let mut i = 0;
                while i < dropped.len() {
                    match dropped[i].mandatory {
                        true => state.jobs.extend(dropped.remove(i)),
                        false => i += 1,
                    }
                }
            }
            dropped
        };
        self.inner.work.notify_all();
        drop(dropped);
    }

    /// [`shutdown`](Self::shutdown) once a job was submitted.
    fn shutdown_started(&self, limit: Option<Duration>) {
        self.close_started();
        // A limit too far away to represent is no limit.
        let deadline = limit.and_then(|l| Instant::now().checked_add(l));
        let mut state = self.inner.lock();
        while state.threads > 0 {
            state = match deadline {
                None => self.inner.exited.wait(state).unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let Some(left) = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) else {
                        break;
                    };
                    self.inner.exited.wait_timeout(state, left).unwrap_or_else(PoisonError::into_inner).0
                }
            };
        }
        let all_exited = state.threads == 0;
        let handles = mem::take(&mut state.handles);
        drop(state);
        if all_exited {
            for handle in handles {
                // A helper never unwinds (jobs run under catch_unwind), and
                // each has left its loop: this join is short.
                let _ = handle.join();
            }
        }
    }

    /// A job was submitted: teardown goes through [`Started`].
    #[cfg(test)]
    pub(crate) fn started(&self) -> bool {
        self.inner.lock().started.is_some()
    }

    #[cfg(test)]
    pub(crate) fn threads(&self) -> usize {
        self.inner.lock().threads
    }

    #[cfg(test)]
    pub(crate) fn idle(&self) -> usize {
        self.inner.lock().idle
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Jobs run outside the lock, so a poisoned state is still consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A helper thread: runs queued jobs, waits while there are none, and
    /// exits at shutdown or after `keep_alive` without a claim.
    fn worker(&self) {
        let mut state = self.lock();
        loop {
            if let Some(Queued { job, .. }) = state.jobs.pop_front() {
                drop(state);
                job();
                state = self.lock();
                continue;
            }
            if state.shutdown {
                break;
            }
            state.idle += 1;
            let (guard, wait) = self.work.wait_timeout(state, self.keep_alive).unwrap_or_else(PoisonError::into_inner);
            state = guard;
            if state.notified > 0 {
                // Claimed by a submit (idle already given up there).
                state.notified -= 1;
                continue;
            }
            state.idle -= 1;
            if wait.timed_out() && state.jobs.is_empty() && !state.shutdown {
                break;
            }
        }
        state.threads -= 1;
        drop(state);
        self.exited.notify_all();
    }
}
