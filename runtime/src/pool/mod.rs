//! `Pool`: one runtime per thread (per core, when pinned), started with the
//! same async main, reachable from each other through their [`Handle`]s,
//! and stopped together.
//!
//! Nothing is shared on the hot path: each runtime keeps its own driver,
//! run queue and timers, and its main usually binds its own listener with
//! `net::TcpListener::bind_reuseport` so the kernel spreads connections.
//! The only cross-thread traffic is what the user sends through a
//! [`Handle`], and one job per runtime when the pool stops.
//!
//! How a main learns it should stop: [`stopping`] is a future that
//! completes when the pool is told to stop ([`Pool::shutdown`] from any
//! thread, SIGINT or SIGTERM, a panic on one of its threads, or under
//! [`Pool::try_run`] a main's `Err`), and [`is_stopping`] asks the same
//! without waiting. A main then stops accepting, finishes what it holds,
//! and returns; one that has not returned within
//! [`PoolBuilder::shutdown_timeout`] is dropped.
//!
//! `sched_getaffinity`/`sched_setaffinity` live in `affinity.rs` (Linux), the
//! pool's only `unsafe`; `affinity_other.rs` stands in elsewhere.

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
mod affinity;
#[cfg(not(target_os = "linux"))]
#[path = "affinity_other.rs"]
mod affinity;
mod builder;
mod error;
mod mailbox;
mod stop;
#[cfg(test)]
mod tests;
mod worker;

pub use builder::PoolBuilder;
pub use error::PoolError;
pub use stop::{is_stopping, stopping, Stopping};

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::Handle;

/// Runtimes, one per thread, that run the same async main and stop together.
///
/// Build one with [`Pool::builder`], then [`run`](Pool::run) a main on every
/// runtime: the closure gets the thread's index and returns the future that
/// thread runs (it need not be `Send`: it is made on its thread). `run`
/// returns each main's result in index order once all have returned. A pool
/// runs once; its threads end, with their runtimes, when `run` returns (or
/// when it is dropped unrun).
///
/// Two runtimes; the main of runtime 0 sends work to runtime 1 through its
/// handle. Runtime 1's main returns at once, but its runtime keeps serving
/// such work until every main has returned:
///
/// ```
/// use runtime::Pool;
///
/// let pool = Pool::builder().threads(2).build()?;
/// let handles = pool.handles();
/// let names = pool.run(move |index| {
///     let handles = handles.clone();
///     async move {
///         if index == 1 {
///             return String::new();
///         }
///         let on_one = handles[1].spawn(async { std::thread::current().name().map(str::to_owned) });
///         on_one.await.unwrap().unwrap()
///     }
/// })?;
/// assert_eq!(names, ["runtime-pool-1", ""]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A per-core server binds one listener per runtime on a shared port
/// (`net::TcpListener::bind_reuseport`) and races `accept` against
/// [`stopping`]; see `docs/POOL.md`.
pub struct Pool {
    shared: Arc<Shared>,
    threads: Mutex<Vec<worker::Thread>>,
}

/// What the pool's threads and the `Pool` share.
pub(crate) struct Shared {
    stopping: AtomicBool,
    /// The runtimes' handles, to reach them when the pool stops; emptied
    /// when `run` returns, so the runtimes' fds go with their threads.
    handles: Mutex<Vec<Handle>>,
    timeout: Duration,
    stop_on_signals: bool,
    /// SIGINT's and SIGTERM's listeners, made by `run` before any main
    /// starts and taken by thread 0, which stops the pool when one arrives.
    signals: Mutex<Option<worker::Signals>>,
}

impl Shared {
    fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    fn handles(&self) -> Vec<Handle> {
        self.handles.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Tells every runtime to stop (once): each wakes its [`Stopping`]s.
    fn shutdown(&self) {
        if !self.stopping.swap(true, Ordering::AcqRel) {
            self.wake_all(false);
        }
    }

    fn wake_all(&self, finish: bool) {
        for handle in self.handles() {
            // A runtime already gone rejects the job: nothing left to wake.
            drop(handle.spawn(async move { stop::wake_all(finish) }));
        }
    }
}

impl Pool {
    /// A [`PoolBuilder`] with the defaults: one thread per CPU this process
    /// may run on, not pinned, stopping on SIGINT/SIGTERM.
    pub fn builder() -> PoolBuilder {
        PoolBuilder::new()
    }

    fn new(threads: Vec<worker::Thread>, timeout: Duration, stop_on_signals: bool) -> Pool {
        let handles = threads.iter().map(|t| t.handle.clone()).collect();
        let shared = Shared {
            stopping: AtomicBool::new(false),
            handles: Mutex::new(handles),
            timeout,
            stop_on_signals,
            signals: Mutex::new(None),
        };
        Pool { shared: Arc::new(shared), threads: Mutex::new(threads) }
    }

    /// One [`Handle`] per runtime, in index order: a main may spawn on
    /// another runtime through it (and await the result where it is). Empty
    /// once `run` has returned.
    pub fn handles(&self) -> Vec<Handle> {
        self.shared.handles()
    }

    /// Tells every runtime to stop, from any thread: their [`stopping`]
    /// futures complete, and a main that has not returned
    /// [`shutdown_timeout`](PoolBuilder::shutdown_timeout) later is dropped.
    /// Final: a pool told to stop before `run` starts its mains already
    /// stopping.
    pub fn shutdown(&self) {
        self.shared.shutdown();
    }

    /// Runs `main(index)` on every runtime and waits for all of them,
    /// blocking the calling thread. Returns the results in index order.
    ///
    /// `run` does not look into what a main returns: a main that can fail
    /// and should stop the pool when it does (a server that cannot bind its
    /// listener) is run with [`try_run`](Pool::try_run).
    ///
    /// # Errors
    /// [`PoolError::Panicked`] if a main panicked (the others were told to
    /// stop), [`PoolError::TimedOut`] if one did not return in time after
    /// the stop, [`PoolError::Io`] if the signal handlers could not be set
    /// up, [`PoolError::AlreadyRun`] on a second call. With several failures,
    /// the first to happen.
    ///
    /// # Panics
    /// If called inside a runtime: `run` blocks its thread until every main
    /// returns, and so would stall the runtime running there. Call it from a
    /// plain `fn main` (not `#[runtime::main]`), a thread of your own, or a
    /// [`spawn_blocking`](crate::spawn_blocking) job.
    #[track_caller]
    pub fn run<F, Fut, T>(&self, main: F) -> Result<Vec<T>, PoolError>
    where
        F: Fn(usize) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = T> + 'static,
        T: Send + 'static,
    {
        self.start(move |index| {
            let main = main(index);
            async move { Ok(main.await) }
        })
    }

    /// [`run`](Pool::run) for mains that can fail: a main that returns
    /// `Err` stops the pool as a panic does (the other mains' [`stopping`]
    /// futures complete), and `try_run` returns [`PoolError::Failed`] naming
    /// its thread, with the error as its `source`. Otherwise the `Ok` values,
    /// in index order.
    ///
    /// ```
    /// use runtime::pool::{self, Pool, PoolError};
    ///
    /// let pool = Pool::builder().threads(2).stop_on_signals(false).build()?;
    /// let error = pool
    ///     .try_run(|index| async move {
    ///         if index == 1 {
    ///             return Err(std::io::Error::other("could not bind"));
    ///         }
    ///         pool::stopping().await; // thread 1's error stops thread 0
    ///         Ok(index)
    ///     })
    ///     .unwrap_err();
    /// assert!(matches!(error, PoolError::Failed { index: 1, .. }));
    /// assert_eq!(error.to_string(), "pool thread runtime-pool-1 failed: could not bind");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`PoolError::Failed`] if a main returned `Err`, and as [`run`](Pool::run).
    /// With several failures, the first to happen.
    ///
    /// # Panics
    /// If called inside a runtime, as [`run`](Pool::run).
    #[track_caller]
    pub fn try_run<F, Fut, T, E>(&self, main: F) -> Result<Vec<T>, PoolError>
    where
        F: Fn(usize) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + 'static,
        T: Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.start(move |index| {
            let main = main(index);
            async move { main.await.map_err(|error| PoolError::failed(index, error.into())) }
        })
    }

    /// Sends every thread its main and gathers the results.
    #[track_caller]
    fn start<F, Fut, T>(&self, main: F) -> Result<Vec<T>, PoolError>
    where
        F: Fn(usize) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, PoolError>> + 'static,
        T: Send + 'static,
    {
        if crate::context::is_entered() {
            panic!(
                "cannot run a `Pool` from within a runtime: `Pool::run` blocks this thread until \
                 every main returns, which would stall the runtime running here; call it from a \
                 plain `fn main` (not `#[runtime::main]`), a thread of your own or a `spawn_blocking` job"
            );
        }
        let mut threads = self.threads.lock().unwrap_or_else(PoisonError::into_inner);
        if threads.is_empty() {
            return Err(PoolError::AlreadyRun);
        }
        if self.shared.stop_on_signals {
            // Listening from now on, before any thread runs its main: an
            // arrival while thread 0 is still starting is counted.
            let signals = worker::listen_for_signals().map_err(|error| PoolError::Io {
                index: 0,
                thread: worker::thread_name(0),
                error,
            })?;
            *self.shared.signals.lock().unwrap_or_else(PoisonError::into_inner) = Some(signals);
        }
        let threads = std::mem::take(&mut *threads);
        let main = Arc::new(main);
        let (report, reports) = mailbox::channel();
        for (index, thread) in threads.iter().enumerate() {
            let job = worker::job(index, main.clone(), self.shared.clone(), report.clone());
            // A thread that cannot take the job is gone: it reports nothing,
            // which the collection below turns into an error.
            let _ = thread.jobs.send(job);
        }
        drop(report);
        let outcome = self.collect(threads.len(), &reports);
        self.shared.wake_all(true);
        worker::join_all(threads);
        self.shared.handles.lock().unwrap_or_else(PoisonError::into_inner).clear();
        outcome
    }

    /// Gathers `n` reports; a failure stops the pool at once.
    fn collect<T>(
        &self,
        n: usize,
        reports: &mailbox::Receiver<(usize, Result<T, PoolError>)>,
    ) -> Result<Vec<T>, PoolError> {
        let mut results: Vec<Option<T>> = (0..n).map(|_| None).collect();
        let mut failure = None;
        for (index, result) in std::iter::from_fn(|| reports.recv()).take(n) {
            match result {
                Ok(value) => results[index] = Some(value),
                Err(error) => {
                    self.shared.shutdown();
                    failure.get_or_insert(error);
                }
            }
        }
        if let Some(error) = failure {
            return Err(error);
        }
        results.into_iter().enumerate().map(|(index, value)| value.ok_or_else(|| PoolError::lost(index))).collect()
    }
}

impl Drop for Pool {
    /// A pool dropped unrun ends its threads and their runtimes.
    fn drop(&mut self) {
        let threads = std::mem::take(&mut *self.threads.lock().unwrap_or_else(PoisonError::into_inner));
        worker::join_all(threads);
    }
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("runtimes", &self.shared.handles().len())
            .field("stopping", &self.shared.is_stopping())
            .finish()
    }
}
