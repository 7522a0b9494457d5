//! The current runtime: its per-thread state, [`Scope`], and the
//! thread-locals that say which runtime, if any, this thread is running and,
//! on a `spawn_blocking` helper thread, whose job it runs.
//!
//! `block_on` enters the runtime for its duration; so does `Runtime`'s drop,
//! so that destructors of the tasks it drops can reach the reactor. Everything
//! that needs "the current runtime" (spawn, timers, I/O registration, the
//! budget, wakes that must tell the runtime's own thread from another) asks
//! here. A blocking job sees only its runtime's thread-safe half, so that
//! `Handle::current()` works inside it.
//!
//! This module sits below everything that uses it and above what a `Scope`
//! holds (reactor, timers, task core, the shared half): it never names the
//! executor, whose loop drives a `Scope` from above.

// What only `time`'s futures use: the budget count, a scope's id.
#[cfg_attr(not(feature = "time"), allow(dead_code))]
mod budget;
#[cfg_attr(not(feature = "time"), allow(dead_code))]
mod scope;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::task::Waker;

use crate::shared::Shared;
use crate::task::raw::cache as task_cache;
#[cfg_attr(not(feature = "time"), allow(unused_imports))]
pub(crate) use budget::{times_spent, Budget};
pub(crate) use scope::Scope;

thread_local! {
    static CURRENT: RefCell<Option<Rc<Scope>>> = const { RefCell::new(None) };
    /// Set on a blocking helper thread while it runs a job of that runtime.
    static BLOCKING_FOR: RefCell<Option<Arc<Shared>>> = const { RefCell::new(None) };
}

/// The panic message for `!Send` runtime functions called in a blocking job.
const IN_BLOCKING_JOB: &str = "this runs on a `spawn_blocking` helper thread, not on \
     the runtime's thread: use `runtime::Handle::current().spawn(...)` (for `Send` \
     futures) or move the work back to the runtime";

/// Wraps a blocking job so that, on the helper thread, [`try_current_shared`]
/// (and so `Handle::current()`) finds the runtime current here.
///
/// # Panics
/// Outside a runtime, with [`NO_RUNTIME`], at the caller's location.
#[track_caller]
pub(crate) fn carry_into_blocking<T>(f: impl FnOnce() -> T + Send) -> impl FnOnce() -> T + Send {
    let shared = with(|scope| scope.shared.clone());
    move || {
        let prev = BLOCKING_FOR.try_with(|b| b.replace(Some(shared))).ok().flatten();
        let _restore = Restore(prev);
        f()
    }
}

/// Puts back what a blocking job replaced, even if the job panics.
struct Restore(Option<Arc<Shared>>);

impl Drop for Restore {
    #[inline]
    fn drop(&mut self) {
        let prev = self.0.take();
        let _ = BLOCKING_FOR.try_with(|b| *b.borrow_mut() = prev);
    }
}

/// The panic message for runtime functions called outside a runtime.
pub(crate) const NO_RUNTIME: &str = "there is no runtime on this thread: \
     call this inside `#[runtime::main]`, `#[runtime::test]`, `runtime::block_on(...)` \
     or `Runtime::block_on(...)`";

/// Makes `scope` the current runtime until the guard drops, which restores
/// whatever was current before.
///
/// At thread exit the thread-local may already be destroyed (a `Runtime`
/// kept in a `thread_local!` is dropped then): nothing is entered, and
/// whatever the caller does next runs without a current runtime, as it would
/// on any other thread.
pub(crate) fn enter(scope: Rc<Scope>) -> EnterGuard {
    let this = scope.clone();
    match CURRENT.try_with(|c| c.borrow_mut().replace(scope)) {
        Ok(prev) => {
            if prev.is_none() {
                // The outermost runtime on this thread: task cells may be
                // carved from blocks, and freed ones kept for its next
                // spawns, until it is left.
                task_cache::open();
            }
            let was_entered = this.entered.replace(true);
            EnterGuard { prev, scope: Some((this, was_entered)) }
        }
        Err(_) => EnterGuard { prev: None, scope: None },
    }
}

#[derive(Debug)]
pub(crate) struct EnterGuard {
    prev: Option<Rc<Scope>>,
    /// The runtime `enter` made current and whether it was entered before;
    /// `None` if nothing was entered, so the drop leaves everything alone.
    scope: Option<(Rc<Scope>, bool)>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        if let Some((scope, was_entered)) = self.scope.take() {
            scope.entered.set(was_entered);
            let outermost = prev.is_none();
            // The thread-local may be gone by now if the thread is exiting.
            let _ = CURRENT.try_with(|c| *c.borrow_mut() = prev);
            if outermost {
                task_cache::close();
            }
        }
    }
}

/// Whether a runtime is current on this thread.
pub(crate) fn is_entered() -> bool {
    CURRENT.try_with(|c| c.borrow().is_some()).unwrap_or(false)
}

/// Runs `f` with the current runtime, if there is one.
#[inline]
pub(crate) fn try_with<R>(f: impl FnOnce(&Rc<Scope>) -> R) -> Option<R> {
    CURRENT.try_with(|c| c.borrow().as_ref().map(f)).ok().flatten()
}

/// Runs `f` with the current runtime.
///
/// # Panics
/// Outside a runtime, with [`NO_RUNTIME`] (or, in a blocking job, a message
/// that says what to do there), at the caller's location: a public function
/// that calls this carries `#[track_caller]` too, so the panic points at its
/// user's line. (The attribute does not pass through closures.)
#[track_caller]
pub(crate) fn with<R>(f: impl FnOnce(&Rc<Scope>) -> R) -> R {
    match try_with(f) {
        Some(result) => result,
        None => no_runtime(),
    }
}

/// Panics with [`NO_RUNTIME`], or in a blocking job with what to do there.
#[track_caller]
#[cold]
fn no_runtime() -> ! {
    let in_blocking_job = BLOCKING_FOR.try_with(|b| b.borrow().is_some()).unwrap_or(false);
    panic!("{}", if in_blocking_job { IN_BLOCKING_JOB } else { NO_RUNTIME })
}

/// The thread-safe half of the current runtime (or, in a blocking job, of
/// the runtime that started it): `Ok(None)` outside one,
/// `Err` if the thread-local is gone (the thread is exiting).
#[inline]
pub(crate) fn try_current_shared() -> Result<Option<Arc<Shared>>, std::thread::AccessError> {
    let running = CURRENT.try_with(|c| c.borrow().as_ref().map(|scope| scope.shared.clone()))?;
    match running {
        Some(shared) => Ok(Some(shared)),
        None => BLOCKING_FOR.try_with(|b| b.borrow().clone()),
    }
}

/// Defers the task of `waker` until after the current runtime's next reactor
/// turn (`yield_now`, a spent budget); off a runtime it is woken at once.
///
/// The scope is borrowed, not cloned: `Scope::defer` runs no code of the
/// caller's but `waker.clone()`, which may read the thread-local (a shared
/// borrow) but not enter a runtime.
// `inline`: compiled in the crates that use it, not in every build of `runtime`.
#[inline]
pub(crate) fn defer(waker: &Waker) {
    if try_with(|scope| scope.defer(waker)).is_none() {
        waker.wake_by_ref();
    }
}

/// Whether `shared` belongs to the runtime current on this thread.
pub(crate) fn is_current(shared: &Arc<Shared>) -> bool {
    try_with(|scope| Arc::ptr_eq(&scope.shared, shared)).unwrap_or(false)
}
