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
    // A clone, so no borrow of the thread-local is held if the future is
    // dropped at once (a runtime that is shutting down).
    context::with(std::rc::Rc::clone).spawn(future)
}
