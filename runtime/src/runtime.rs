//! `Runtime`: the handle that owns a runtime's scope.

use std::fmt;
use std::future::Future;
use std::io;
use std::rc::Rc;

use crate::config::Config;
use crate::context::{self, Scope};
use crate::executor::Executor;
use crate::handle::Handle;
use crate::metrics::Metrics;
use crate::task::join::JoinHandle;

/// A single-threaded runtime: an executor, a reactor and timers.
///
/// A `Runtime` stays on the thread that made it (it is `!Send`), and so do
/// its tasks, which need not be `Send`.
///
/// ```
/// let rt = runtime::Runtime::new()?;
/// let handle = rt.spawn(async { "spawned" });
/// assert_eq!(rt.block_on(handle).unwrap(), "spawned");
/// # std::io::Result::Ok(())
/// ```
pub struct Runtime {
    scope: Rc<Scope>,
    handle: Handle,
}

impl Runtime {
    /// A runtime with the default settings (see [`Builder::new`](crate::Builder::new)).
    ///
    /// # Errors
    /// As [`Builder::build`](crate::Builder::build).
    // `inline`: compiled in the crates that use it, not in every build of `runtime`.
    #[inline]
    pub fn new() -> io::Result<Runtime> {
        Runtime::from_config(&Config::new())
    }

    pub(crate) fn from_config(config: &Config) -> io::Result<Runtime> {
        let scope = Rc::new(Scope::new(config)?);
        let handle = Handle::new(scope.shared.clone());
        Ok(Runtime { scope, handle })
    }

    /// Runs `future` to completion on this thread, running spawned tasks,
    /// I/O and timers while it waits.
    ///
    /// # Panics
    /// If called inside a runtime (`.await` instead); if a task's panic went
    /// unhandled under [`UnhandledPanic::ShutdownRuntime`](crate::UnhandledPanic);
    /// if `future` panics.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        Executor::block_on(&self.scope, future)
    }

    /// Spawns a task; it starts when the runtime next runs (in `block_on`).
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.scope.spawn(future)
    }

    /// A handle to this runtime: `Send + Sync + Clone`, for spawning from
    /// other threads (see [`Handle::spawn`]).
    ///
    /// ```
    /// let rt = runtime::Runtime::new()?;
    /// let handle = rt.handle().clone();
    /// let task = handle.spawn(async { "queued from outside the runtime" });
    /// assert_eq!(rt.block_on(task).unwrap(), "queued from outside the runtime");
    /// # std::io::Result::Ok(())
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// A snapshot of this runtime's counters.
    #[inline]
    pub fn metrics(&self) -> Metrics {
        Metrics::of(&self.scope)
    }

    /// Shuts the runtime down as dropping it does, but waits at most
    /// `timeout` for running [`spawn_blocking`](crate::spawn_blocking) jobs
    /// (dropping waits for them without limit, as in tokio). Jobs still
    /// running then finish on their own threads, holding nothing of the
    /// runtime's.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = runtime::Runtime::new()?;
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// rt.block_on(async {
    ///     // A job that outlives the runtime.
    ///     drop(runtime::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(60))));
    /// });
    /// rt.shutdown_timeout(Duration::from_millis(10));
    /// drop(tx);
    /// # std::io::Result::Ok(())
    /// ```
    #[inline]
    pub fn shutdown_timeout(self, timeout: std::time::Duration) {
        let _guard = context::enter(self.scope.clone());
        self.scope.shutdown_within(Some(timeout));
    }

    /// Shuts the runtime down without waiting for running blocking jobs:
    /// [`shutdown_timeout`](Self::shutdown_timeout) with a zero timeout.
    #[inline]
    pub fn shutdown_background(self) {
        self.shutdown_timeout(std::time::Duration::ZERO);
    }
}

impl Drop for Runtime {
    /// Drops every task still held, inside this runtime's context, so their
    /// destructors can deregister I/O and cancel timers.
    fn drop(&mut self) {
        let _guard = context::enter(self.scope.clone());
        self.scope.shutdown();
    }
}

impl fmt::Debug for Runtime {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime").field("metrics", &self.metrics()).finish()
    }
}

/// Runs `future` on a new runtime made for the call.
///
/// ```
/// assert_eq!(runtime::block_on(async { 40 + 2 }), 42);
/// ```
///
/// # Panics
/// If the runtime cannot be created (the kernel refused its fds, or
/// `RUNTIME_DRIVER` is invalid), and as [`Runtime::block_on`].
#[track_caller]
pub fn block_on<F: Future>(future: F) -> F::Output {
    match Runtime::new() {
        Ok(rt) => rt.block_on(future),
        Err(e) => panic!("runtime::block_on could not create a runtime: {e}"),
    }
}
