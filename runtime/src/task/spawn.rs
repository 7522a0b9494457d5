//! `spawn`: a task on the current thread's runtime.

use std::future::Future;

use super::join::JoinHandle;
use crate::context;

/// Spawns a future onto the current thread's runtime.
///
/// The future need not be `Send`: it runs on this thread only. It starts at
/// the runtime's next turn and runs whether or not the handle is awaited.
///
/// ```
/// runtime::block_on(async {
///     let handle = runtime::spawn(async { 6 * 7 });
///     assert_eq!(handle.await.unwrap(), 42);
/// });
/// ```
///
/// # Panics
/// Outside a runtime; the message says how to start one.
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // A runtime that is shutting down drops the future at once: then through
    // a clone of the scope, so no borrow of the thread-local is held while
    // its destructor runs (it may drop a `Runtime`, which enters its own).
    // Otherwise nothing but the runtime's own code runs in `spawn`.
    let spawned = context::with(|scope| if scope.is_shut_down() { Err(future) } else { Ok(scope.spawn(future)) });
    match spawned {
        Ok(handle) => handle,
        Err(future) => context::with(std::rc::Rc::clone).spawn(future),
    }
}
