//! `Handle`, the `Send + Sync` way to reach a runtime from any thread, and
//! `Spawner`, the `!Send` way to spawn on the current one through
//! `futures_task::LocalSpawn`.
//!
//! A `Handle` holds the runtime's thread-safe half (`shared::Shared`): it
//! spawns by queueing a job on the injection queue, which the executor runs
//! on its own thread (or, on that thread inside the runtime, directly). It
//! sits on top of the executor and imports downward only.

use std::fmt;
use std::future::Future;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use futures_task::{FutureObj, LocalFutureObj, LocalSpawn, Spawn, SpawnError};

use crate::context::{self, Scope};
use crate::shared::Shared;
use crate::task::join::JoinHandle;
use crate::task::remote;

/// A handle to a runtime, usable from any thread: `Send + Sync + Clone`.
///
/// Get one with [`Handle::current`] inside a runtime, or
/// [`Runtime::handle`](crate::Runtime::handle). Its main use is
/// [`spawn`](Handle::spawn) of `Send` futures from other threads, such as a
/// `spawn_blocking` job or a plain `std::thread`.
///
/// ```
/// let rt = runtime::Runtime::new()?;
/// let handle = rt.handle().clone();
/// let other = std::thread::spawn(move || {
///     let task = handle.spawn(async { 6 * 7 });
///     // The JoinHandle stays on this thread; any executor may await it.
///     futures::executor::block_on(task).unwrap()
/// });
/// rt.block_on(async {
///     // Keep the runtime running until the other thread has its answer.
///     let answer = runtime::spawn_blocking(move || other.join().unwrap()).await.unwrap();
///     assert_eq!(answer, 42);
/// });
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone)]
pub struct Handle {
    shared: Arc<Shared>,
}

impl Handle {
    pub(crate) fn new(shared: Arc<Shared>) -> Handle {
        Handle { shared }
    }

    /// The handle of the runtime current on this thread; inside a
    /// `spawn_blocking` job, of the runtime that started the job.
    ///
    /// # Panics
    /// Outside a runtime (on a thread of your own, take a handle with you
    /// instead); the message says how to start one.
    /// [`try_current`](Handle::try_current) does not panic.
    #[track_caller]
    // `inline`: compiled in the crates that use it, not in every build of `runtime`.
    #[inline]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(handle) => handle,
            Err(_) => panic!("{}", context::NO_RUNTIME),
        }
    }

    /// The handle of the runtime current on this thread, if there is one.
    ///
    /// ```
    /// assert!(runtime::Handle::try_current().is_err());
    /// runtime::block_on(async {
    ///     assert!(runtime::Handle::try_current().is_ok());
    /// });
    /// ```
    ///
    /// # Errors
    /// Outside a runtime, or while the thread is being torn down.
    #[inline]
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        match context::try_current_shared() {
            Ok(Some(shared)) => Ok(Handle { shared }),
            Ok(None) => Err(TryCurrentError { destroyed: false }),
            Err(_) => Err(TryCurrentError { destroyed: true }),
        }
    }

    /// Spawns `future` on this handle's runtime, from any thread.
    ///
    /// On the runtime's own thread, inside it, this is [`crate::spawn`].
    /// From anywhere else the future travels through the runtime's injection
    /// queue and starts when the runtime next runs; the returned handle stays
    /// on the calling thread and may be awaited there under any executor.
    /// If the runtime is gone (or shuts down before the task ends), the
    /// handle resolves to a [`JoinError`](crate::JoinError) whose
    /// `is_cancelled()` is true.
    ///
    /// ```
    /// runtime::block_on(async {
    ///     let job = runtime::spawn_blocking(|| {
    ///         // A blocking job runs on a helper thread, outside the runtime,
    ///         // but knows which runtime started it.
    ///         let handle = runtime::Handle::current();
    ///         let task = handle.spawn(async { "from a blocking job" });
    ///         futures::executor::block_on(task)
    ///     });
    ///     assert_eq!(job.await.unwrap().unwrap(), "from a blocking job");
    /// });
    /// ```
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // A clone of the scope, so no borrow of the thread-local is held if
        // the future is dropped at once (a runtime that is shutting down).
        match context::try_with(Rc::clone) {
            Some(scope) if Arc::ptr_eq(&scope.shared, &self.shared) => scope.spawn(future),
            _ => self.spawn_remote(move || future),
        }
    }

    /// Queues a job that makes a future with `make` on the runtime's thread
    /// (so the future itself need not be `Send`) and spawns it there.
    fn spawn_remote<M, Fut>(&self, make: M) -> JoinHandle<Fut::Output>
    where
        M: FnOnce() -> Fut + Send + 'static,
        Fut: Future + 'static,
        Fut::Output: Send + 'static,
    {
        let (pending, link) = remote::pair(self.shared.clone());
        // Run by the executor on its own thread, with the runtime entered.
        let spawn = Box::new(move || drop(context::with(Rc::clone).spawn(pending.start(make()))));
        // Rejected (the runtime is gone): dropping the job drops `make` (and
        // the future it holds) and resolves the handle as cancelled.
        drop(self.shared.push_spawn(spawn));
        JoinHandle::remote(link)
    }

    /// Runs `f` on this handle's runtime's blocking pool, from any thread,
    /// as [`crate::spawn_blocking`] does there. A panic in `f` reaches the
    /// handle as a [`JoinError`](crate::JoinError); if the runtime is gone,
    /// the handle resolves to a cancelled one.
    ///
    /// ```
    /// let rt = runtime::Runtime::new()?;
    /// let job = rt.handle().spawn_blocking(|| 6 * 7);
    /// assert_eq!(rt.block_on(job).unwrap(), 42);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        if context::is_current(&self.shared) {
            return crate::spawn_blocking(f);
        }
        self.spawn_remote(move || async move {
            match crate::spawn_blocking(f).await {
                Ok(value) => value,
                // The job's panic becomes this task's, and so the handle's.
                Err(e) => match e.try_into_panic() {
                    Ok(panic) => std::panic::resume_unwind(panic),
                    // Only a runtime shutting down cancels the job, and
                    // then this task too: it is never polled again.
                    Err(_) => std::future::pending().await,
                },
            }
        })
    }

    /// Whether `self` and `other` are handles of the same runtime.
    pub fn same_runtime(&self, other: &Handle) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl Spawn for Handle {
    /// Spawns a `Send` future as [`Handle::spawn`] does, detached.
    ///
    /// # Errors
    /// `SpawnError::shutdown()` if the runtime is gone.
    // `inline`: compiled in the crates that call it, not in every build of
    // this one (it instantiates a whole task for `FutureObj`).
    #[inline]
    fn spawn_obj(&self, future: FutureObj<'static, ()>) -> Result<(), SpawnError> {
        self.status()?;
        drop(Handle::spawn(self, future));
        Ok(())
    }

    #[inline]
    fn status(&self) -> Result<(), SpawnError> {
        if self.shared.is_closed() {
            return Err(SpawnError::shutdown());
        }
        Ok(())
    }
}

impl fmt::Debug for Handle {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle").field("closed", &self.shared.is_closed()).finish()
    }
}

/// Why [`Handle::try_current`] found no runtime.
#[derive(Debug)]
pub struct TryCurrentError {
    destroyed: bool,
}

impl TryCurrentError {
    /// No runtime is running on this thread.
    pub fn is_missing_context(&self) -> bool {
        !self.destroyed
    }

    /// The thread is exiting and its thread-locals are gone.
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.destroyed
    }
}

impl fmt::Display for TryCurrentError {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.destroyed {
            f.write_str("the thread-local of the current runtime is gone: the thread is exiting")
        } else {
            f.write_str(context::NO_RUNTIME)
        }
    }
}

impl std::error::Error for TryCurrentError {}

/// Spawns `!Send` futures on the runtime current when it was made, through
/// [`futures_task::LocalSpawn`] (for crates written against the `futures`
/// spawn traits). `!Send`, like the tasks it spawns.
///
/// ```
/// use futures_task::LocalSpawn;
/// use std::{cell::Cell, rc::Rc};
///
/// runtime::block_on(async {
///     let spawner = runtime::spawner();
///     let seen = Rc::new(Cell::new(false));
///     let flag = seen.clone();
///     spawner.spawn_local_obj(Box::new(async move { flag.set(true) }).into()).unwrap();
///     runtime::task::yield_now().await;
///     assert!(seen.get());
/// });
/// ```
#[derive(Clone)]
pub struct Spawner {
    /// Weak: a spawner kept in a task must not keep its runtime alive.
    scope: Weak<Scope>,
}

/// A [`Spawner`] for the runtime current on this thread.
///
/// # Panics
/// Outside a runtime; the message says how to start one.
#[track_caller]
#[inline]
pub fn spawner() -> Spawner {
    Spawner { scope: context::with(Rc::downgrade) }
}

impl Spawner {
    /// Spawns `future` as [`crate::spawn`] does, on the spawner's runtime.
    ///
    /// # Errors
    /// `SpawnError::shutdown()` if that runtime is gone or shutting down.
    pub fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        match self.scope.upgrade() {
            Some(scope) if !scope.is_shut_down() => Ok(scope.spawn(future)),
            _ => Err(SpawnError::shutdown()),
        }
    }
}

impl LocalSpawn for Spawner {
    // `inline`, as `Handle::spawn_obj`.
    #[inline]
    fn spawn_local_obj(&self, future: LocalFutureObj<'static, ()>) -> Result<(), SpawnError> {
        self.spawn(future).map(drop)
    }

    #[inline]
    fn status_local(&self) -> Result<(), SpawnError> {
        match self.scope.upgrade() {
            Some(scope) if !scope.is_shut_down() => Ok(()),
            _ => Err(SpawnError::shutdown()),
        }
    }
}

impl fmt::Debug for Spawner {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spawner").field("alive", &self.status_local().is_ok()).finish()
    }
}
