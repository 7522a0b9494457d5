//! `JoinHandle`, the awaitable result of a spawned task, and `AbortHandle`.

use std::fmt;
use std::future::Future;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::error::JoinError;
use super::raw::{JoinRef, TaskRef};
use super::remote::{AbortLink, JoinRaw, RemoteJoin};

/// An owned permission to await a spawned task's output.
///
/// Awaiting it gives `Ok(output)`, or a [`JoinError`] if the task panicked
/// or was aborted. Dropping it detaches the task, which goes on running.
///
/// A `JoinHandle` stays on the thread that spawned the task (it is
/// `!Send`): the runtime's thread, or for [`Handle::spawn`](crate::Handle::spawn)
/// from another thread, that thread.
pub struct JoinHandle<T> {
    raw: JoinRaw<T>,
    /// It returned `Ready` (for `FusedFuture`).
    done: bool,
}

impl<T> JoinHandle<T> {
    pub(crate) fn new(raw: JoinRef<T>) -> JoinHandle<T> {
        JoinHandle { raw: JoinRaw::Local(raw), done: false }
    }

    pub(crate) fn remote(link: RemoteJoin<T>) -> JoinHandle<T> {
        JoinHandle { raw: JoinRaw::Remote(Box::new(link)), done: false }
    }

    /// Marks the task as owned by a `JoinSet`, or no longer: a panic of a
    /// task a set owns is the set's to handle, and never counts as
    /// unhandled, even after the set is dropped.
    pub(crate) fn set_in_set(&self, in_set: bool) {
        self.raw.set_in_set(in_set);
    }

    /// A handle that can abort the task (and tell whether it finished)
    /// without owning its output.
    ///
    /// ```
    /// runtime::block_on(async {
    ///     let handle = runtime::spawn(std::future::pending::<()>());
    ///     let abort = handle.abort_handle();
    ///     abort.abort();
    ///     assert!(handle.await.unwrap_err().is_cancelled());
    ///     assert!(abort.is_finished());
    /// });
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        let raw = match &self.raw {
            JoinRaw::Local(raw) => AbortRaw::Local(raw.task_ref()),
            JoinRaw::Remote(link) => AbortRaw::Remote(link.abort_link()),
        };
        AbortHandle { raw }
    }

    /// Cancels the task: at its next turn its future is dropped instead of
    /// polled, and awaiting this handle gives a `JoinError` whose
    /// [`is_cancelled`](JoinError::is_cancelled) is true. A task that has
    /// already completed keeps its output.
    pub fn abort(&self) {
        self.raw.abort();
    }

    /// Whether the task has completed, panicked or been cancelled.
    pub fn is_finished(&self) -> bool {
        self.raw.is_complete()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    /// # Return value
    /// - `Poll::Pending` while the task runs; the waker is kept and woken
    ///   when it completes.
    /// - `Poll::Ready(Ok(output))` once it has returned.
    /// - `Poll::Ready(Err(e))` if it panicked or was aborted.
    ///
    /// # Panics
    /// If polled again after it returned `Ready`.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let poll = self.raw.poll_output(cx);
        self.done = poll.is_ready();
        poll
    }
}

// As tokio's: the output lives in the task, not in the handle.
impl<T> Unpin for JoinHandle<T> {}

/// `futures::select!` takes a `JoinHandle` without `.fuse()`: it is
/// terminated once it has returned the task's result.
impl<T> futures_core::FusedFuture for JoinHandle<T> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if self.raw.detach() {
            self.raw.scheduler().report_unhandled_panic();
        }
    }
}

/// Aborts a task without owning its output (from
/// [`JoinHandle::abort_handle`] or `JoinSet::spawn`).
///
/// Unlike tokio's, it stays on the runtime's thread (`!Send`), like the task.
pub struct AbortHandle {
    raw: AbortRaw,
}

/// A local task, or the link to one spawned from another thread.
enum AbortRaw {
    Local(TaskRef),
    Remote(std::sync::Arc<dyn AbortLink>),
}

impl AbortHandle {
    /// Cancels the task, as [`JoinHandle::abort`]: at its next turn its
    /// future is dropped instead of polled. A finished task is unaffected.
    #[inline]
    pub fn abort(&self) {
        match &self.raw {
            AbortRaw::Local(task) => task.abort(),
            AbortRaw::Remote(link) => link.abort(),
        }
    }

    /// Whether the task has completed, panicked or been cancelled.
    #[inline]
    pub fn is_finished(&self) -> bool {
        match &self.raw {
            AbortRaw::Local(task) => task.is_complete(),
            AbortRaw::Remote(link) => link.is_finished(),
        }
    }
}

impl Clone for AbortHandle {
    #[inline]
    fn clone(&self) -> AbortHandle {
        let raw = match &self.raw {
            AbortRaw::Local(task) => AbortRaw::Local(task.clone_ref()),
            AbortRaw::Remote(link) => AbortRaw::Remote(link.clone()),
        };
        AbortHandle { raw }
    }
}

// As tokio's: a panic cannot leave a handle half-updated (its only state
// is the task's, which the task's own code keeps consistent).
impl UnwindSafe for AbortHandle {}
impl RefUnwindSafe for AbortHandle {}
impl<T> UnwindSafe for JoinHandle<T> {}
impl<T> RefUnwindSafe for JoinHandle<T> {}

impl fmt::Debug for AbortHandle {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle").field("finished", &self.is_finished()).finish()
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").field("finished", &self.is_finished()).finish()
    }
}
