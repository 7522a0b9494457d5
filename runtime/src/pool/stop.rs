//! How a pool's runtimes learn that they should stop: [`stopping`] and
//! [`is_stopping`], read from a small per-thread record that the pool
//! thread sets before it starts its main.
//!
//! The cross-thread part is only the pool's `AtomicBool` and one job sent
//! through each runtime's `Handle` when it flips; everything a waiting task
//! touches (the wakers) is local to its runtime's thread, so a task waiting
//! for the stop costs nothing on the hot path.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use slab::Slab;

use super::Shared;

/// The pool's record on one of its threads.
#[derive(Default)]
struct Local {
    /// The pool this thread belongs to; `None` outside a pool.
    shared: Option<Arc<Shared>>,
    /// Set when `run` has every main's result: the runtime may end.
    finished: bool,
    /// Tasks waiting in a [`Stopping`] or for `finished`.
    wakers: Slab<Waker>,
}

thread_local! {
    static LOCAL: RefCell<Local> = RefCell::new(Local::default());
}

/// Marks this thread as a thread of the pool `shared` (or of none).
pub(super) fn enter(shared: Option<Arc<Shared>>) {
    let (shared, wakers) = LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        local.finished = false;
        (std::mem::replace(&mut local.shared, shared), std::mem::take(&mut local.wakers))
    });
    // Dropped after the borrow ends, as everything a waker may run.
    drop((shared, wakers));
}

/// How many wakers this thread holds (for tests).
#[cfg(test)]
pub(super) fn waiters() -> usize {
    LOCAL.with(|local| local.borrow().wakers.len())
}

/// Wakes every waiter of this thread (run on the thread, as a job sent
/// through its runtime's `Handle`). `finish` also lets the runtime end.
pub(super) fn wake_all(finish: bool) {
    let wakers: Vec<Waker> = LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        local.finished |= finish;
        local.wakers.iter().map(|(_, waker)| waker.clone()).collect()
    });
    // Woken after the borrow ends: a waker may run code of its own.
    wakers.into_iter().for_each(Waker::wake);
}

/// Whether the pool this thread belongs to has been told to stop (by
/// [`Pool::shutdown`](super::Pool::shutdown), SIGINT or SIGTERM, a panic
/// on one of its threads, or under [`Pool::try_run`](super::Pool::try_run)
/// a main's `Err`). Always `false` outside a pool.
///
/// ```
/// assert!(!runtime::pool::is_stopping());
/// ```
pub fn is_stopping() -> bool {
    LOCAL.with(|local| local.borrow().shared.as_ref().is_some_and(|s| s.is_stopping()))
}

/// A future that completes when the pool this thread belongs to is told to
/// stop: the signal for a main to stop accepting, finish what it holds, and
/// return (a per-core server races its `accept` against it).
///
/// Outside a pool nothing can stop the thread, and the future never
/// completes.
///
/// ```
/// use runtime::pool::{self, Pool};
///
/// let pool = Pool::builder().threads(2).build()?;
/// let stopped = std::thread::scope(|scope| {
///     scope.spawn(|| pool.shutdown()); // from any thread
///     pool.run(|index| async move {
///         pool::stopping().await; // stop accepting, drain, then return
///         index
///     })
/// })?;
/// assert_eq!(stopped, [0, 1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// It may be created and dropped freely: a dropped one leaves
/// nothing behind.
pub fn stopping() -> Stopping {
    Stopping { key: None }
}

/// The future [`stopping`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Stopping {
    key: Option<usize>,
}

impl Future for Stopping {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if is_stopping() {
            this.forget();
            return Poll::Ready(());
        }
        register(&mut this.key, cx, |local| local.shared.is_some());
        Poll::Pending
    }
}

impl Stopping {
    fn forget(&mut self) {
        if let Some(key) = self.key.take() {
            // The thread-local may be gone when the thread exits; nothing to undo then.
            let _ = LOCAL.try_with(|local| local.borrow_mut().wakers.try_remove(key));
        }
    }
}

impl Drop for Stopping {
    fn drop(&mut self) {
        self.forget();
    }
}

/// Stores or refreshes the waker of `cx` under `key`, if `wanted` says the
/// thread can ever wake it.
///
/// A waker may run code of its own when cloned or dropped (one of another
/// executor), so the clone is made before the record is borrowed and the
/// waker it replaces dropped after.
fn register(key: &mut Option<usize>, cx: &mut Context<'_>, wanted: impl Fn(&Local) -> bool) {
    let waker = cx.waker().clone();
    let unused = LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        if !wanted(&local) {
            return Some(waker);
        }
        match key.and_then(|k| local.wakers.get_mut(k)) {
            Some(stored) => Some(std::mem::replace(stored, waker)),
            None => {
                *key = Some(local.wakers.insert(waker));
                None
            }
        }
    });
    drop(unused);
}

/// Completes when `run` has the result of every main: until then a runtime
/// whose main has returned keeps serving the work other runtimes send it
/// through its handle.
pub(super) async fn finished() {
    let mut key = None;
    std::future::poll_fn(|cx| {
        if LOCAL.with(|local| local.borrow().finished) {
            return Poll::Ready(());
        }
        register(&mut key, cx, |_| true);
        Poll::Pending
    })
    .await;
    if let Some(key) = key {
        LOCAL.with(|local| local.borrow_mut().wakers.try_remove(key));
    }
}
