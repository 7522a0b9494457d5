//! `JoinSet`: a set of spawned tasks whose results come back in the order
//! they finish.
//!
//! Each task's `JoinHandle` is polled with a waker of its own, which, when
//! the task completes, puts the entry's key on a shared ready list and wakes
//! whoever waits in `join_next`. So `join_next` polls only tasks that were
//! woken (and new ones, which start on the list), not the whole set. A key
//! on the list may be stale (its entry gone, or reused): polling a pending
//! handle again costs a poll and nothing else.
//!
//! Wakers must be `Send + Sync`, so the list sits behind a `std` mutex; it
//! is held for a push or a pop, and nothing is woken while it is held.

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};

use slab::Slab;

use super::error::JoinError;
use super::join::{AbortHandle, JoinHandle};
use super::spawn::spawn;

/// A set of tasks spawned on this thread's runtime, joined as they finish.
///
/// Dropping the set aborts every task still in it. A task's panic comes
/// back from [`join_next`](Self::join_next) as a [`JoinError`]: the set
/// handles it, so it never counts as unhandled (not even under
/// `UnhandledPanic::ShutdownRuntime`).
///
/// ```
/// use runtime::task::JoinSet;
///
/// runtime::block_on(async {
///     let mut set = JoinSet::new();
///     for i in 0..3u64 {
///         set.spawn(async move {
///             runtime::time::sleep(std::time::Duration::from_millis(3 - i)).await;
///             i
///         });
///     }
///     let mut done = Vec::new();
///     while let Some(result) = set.join_next().await {
///         done.push(result.unwrap());
///     }
///     done.sort();
///     assert_eq!(done, [0, 1, 2]);
/// });
/// ```
pub struct JoinSet<T> {
    entries: Slab<Entry<T>>,
    ready: Arc<ReadyList>,
}

struct Entry<T> {
    handle: JoinHandle<T>,
    /// Puts this entry's key on the ready list.
    waker: Waker,
}

#[derive(Default)]
struct ReadyList {
    inner: Mutex<Ready>,
}

#[derive(Default)]
struct Ready {
    keys: Vec<usize>,
    /// The task waiting in `join_next`.
    parent: Option<Waker>,
}

struct EntryWaker {
    key: usize,
    list: Arc<ReadyList>,
}

impl ReadyList {
    fn lock(&self) -> MutexGuard<'_, Ready> {
        // Nothing panics while the lock is held; recover anyway.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, key: usize) -> Option<Waker> {
        let mut ready = self.lock();
        ready.keys.push(key);
        ready.parent.take()
    }
}

impl Wake for EntryWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if let Some(parent) = self.list.push(self.key) {
            parent.wake();
        }
    }
}

impl<T> JoinSet<T> {
    /// An empty set.
    pub fn new() -> JoinSet<T> {
        JoinSet { entries: Slab::new(), ready: Arc::default() }
    }

    /// How many tasks are in the set (running, or finished and not yet joined).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the set holds no task.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Spawns `task` on this thread's runtime (it need not be `Send`) and
    /// adds it to the set.
    ///
    /// # Panics
    /// Outside a runtime.
    #[track_caller]
    pub fn spawn<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert(spawn(task))
    }

    /// The same as [`spawn`](Self::spawn): every task here is local.
    ///
    /// # Panics
    /// Outside a runtime.
    #[track_caller]
    pub fn spawn_local<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.spawn(task)
    }

    /// Runs `f` on the blocking pool and adds it to the set. Aborting it
    /// only stops it from starting, as with tokio.
    ///
    /// # Panics
    /// Outside a runtime.
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.insert(crate::spawn_blocking(f))
    }

    fn insert(&mut self, handle: JoinHandle<T>) -> AbortHandle {
        let abort = handle.abort_handle();
        handle.set_in_set(true);
        let entry = self.entries.vacant_entry();
        let key = entry.key();
        let waker = Waker::from(Arc::new(EntryWaker { key, list: self.ready.clone() }));
        entry.insert(Entry { handle, waker });
        // A new handle has not been polled, so it has no waker yet: put it
        // on the list so the next join polls (and registers) it.
        drop(self.ready.push(key));
        abort
    }

    /// Waits for one of the tasks to finish and returns its result; `None`
    /// if the set is empty. Cancellation safe: a dropped `join_next` leaves
    /// every result in the set.
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// The result of a task that has finished, if any, without waiting.
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.poll_ready_entries()
    }

    /// Aborts every task and waits until all have stopped.
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Waits for every task and returns their outputs, in the order they
    /// finished.
    ///
    /// # Panics
    /// If a task panicked (the panic is resumed here) or was aborted; the
    /// other tasks are then aborted, as the set is dropped.
    pub async fn join_all(mut self) -> Vec<T> {
        let mut output = Vec::with_capacity(self.len());
        while let Some(result) = self.join_next().await {
            match result {
                Ok(value) => output.push(value),
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => panic!("{e}"),
            }
        }
        output
    }

    /// Aborts every task in the set; their results (mostly cancellations)
    /// still come back from [`join_next`](Self::join_next).
    pub fn abort_all(&mut self) {
        for (_, entry) in &self.entries {
            entry.handle.abort();
        }
    }

    /// Removes every task from the set without aborting it: each runs on,
    /// detached, as after dropping its `JoinHandle` (so a later panic of one
    /// counts as unhandled; a panic already stored was the set's, and does
    /// not).
    pub fn detach_all(&mut self) {
        for entry in self.entries.drain() {
            if !entry.handle.is_finished() {
                entry.handle.set_in_set(false);
            }
        }
        self.ready.lock().keys.clear();
    }

    /// Polls for the next result.
    ///
    /// # Return value
    /// - `Ready(Some(result))` for a task that finished (it leaves the set);
    /// - `Ready(None)` if the set is empty;
    /// - `Pending` otherwise: the waker is woken when a task finishes.
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        if self.entries.is_empty() {
            return Poll::Ready(None);
        }
        std::task::ready!(super::coop::poll_proceed(cx));
        let old = self.ready.lock().parent.replace(cx.waker().clone());
        drop(old);
        match self.poll_ready_entries() {
            Some(result) => Poll::Ready(Some(result)),
            None => Poll::Pending,
        }
    }

    /// Polls the entries on the ready list until one has finished.
    fn poll_ready_entries(&mut self) -> Option<Result<T, JoinError>> {
        loop {
            let key = self.ready.lock().keys.pop()?;
            let Some(entry) = self.entries.get_mut(key) else { continue };
            let mut cx = Context::from_waker(&entry.waker);
            if let Poll::Ready(result) = Pin::new(&mut entry.handle).poll(&mut cx) {
                drop(self.entries.remove(key));
                return Some(result);
            }
        }
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> JoinSet<T> {
        JoinSet::new()
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len()).finish()
    }
}

/// Spawns each future into a new set.
impl<T: 'static, F: Future<Output = T> + 'static> FromIterator<F> for JoinSet<T> {
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> JoinSet<T> {
        let mut set = JoinSet::new();
        set.extend(iter);
        set
    }
}

/// Spawns each future into the set.
impl<T: 'static, F: Future<Output = T> + 'static> Extend<F> for JoinSet<T> {
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for task in iter {
            self.spawn(task);
        }
    }
}
