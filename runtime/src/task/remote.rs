//! Tasks spawned from another thread (`Handle::spawn`): the link between the
//! task, which runs on the runtime's thread, and its `JoinHandle`, which
//! stays on the thread that spawned it.
//!
//! The task is an ordinary local task whose future is a [`RemoteTask`]: it
//! polls the user's future and, when that ends, puts the result in the
//! shared [`Link`] and wakes the handle. The handle reads the link under its
//! mutex; so does `abort`, which sets a flag and wakes the task. No user code
//! (a future, an output's destructor, a waker) runs while the mutex is held.
//!
//! Every way the task can end finishes the link exactly once: its output, its
//! panic (if the handle still wants it; otherwise the panic goes on to the
//! runtime, as any task's unhandled panic does), an abort, or being dropped
//! unrun (the runtime shut down, or was gone before the job reached it),
//! which the handle sees as a cancelled [`JoinError`].

use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use super::error::JoinError;
use super::raw::JoinRef;
use super::waker::Schedule;

/// What the task and its handle share.
struct Link<T> {
    state: Mutex<State<T>>,
}

struct State<T> {
    /// The result, until the handle takes it. Only stored while `joined`.
    output: Option<Result<T, JoinError>>,
    /// The task has ended (`output` was set, or dropped for want of a handle).
    finished: bool,
    /// The handle is alive.
    joined: bool,
    /// `abort` was called: the task drops its future at its next poll.
    abort: bool,
    join_waker: Option<Waker>,
    task_waker: Option<Waker>,
}

impl<T> Link<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // No user code runs under the lock, so a poisoned state is intact.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Ends the task with `result` and wakes the handle, once.
    fn finish(&self, result: Result<T, JoinError>) {
        let (waker, unwanted) = {
            let mut state = self.lock();
            if state.finished {
                (None, Some(result))
            } else {
                state.finished = true;
                let unwanted = if state.joined { state.output.replace(result) } else { Some(result) };
                (state.join_waker.take(), unwanted)
            }
        };
        drop(unwanted);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The future of a task spawned from another thread.
pub(crate) struct RemoteTask<F: Future> {
    /// `None` once it has ended or been aborted.
    future: Option<Pin<Box<F>>>,
    link: Arc<Link<F::Output>>,
}

/// What an `AbortHandle` of a remote task holds: its link, without the
/// output's type.
pub(crate) trait AbortLink {
    /// Asks the task to drop its future, and wakes it so it does.
    fn abort(&self);
    /// Whether the task has ended.
    fn is_finished(&self) -> bool;
}

impl<T> AbortLink for Link<T> {
    fn abort(&self) {
        let waker = {
            let mut state = self.lock();
            if state.finished {
                return;
            }
            state.abort = true;
            state.task_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn is_finished(&self) -> bool {
        self.lock().finished
    }
}

/// The `JoinHandle`'s side.
pub(crate) struct RemoteJoin<T> {
    link: Arc<Link<T>>,
    /// The same link, for `AbortHandle`s.
    abort: Arc<dyn AbortLink>,
    /// The runtime the task was sent to.
    scheduler: Arc<dyn Schedule>,
}

/// A remote spawn's link, before the runtime's thread has the future:
/// [`start`](Pending::start) makes the task's future; dropped unstarted (the
/// runtime was gone), it resolves the handle as cancelled.
pub(crate) struct Pending<T> {
    /// # Invariant
    /// `Some` until `start` or `drop` takes it.
    link: Option<Arc<Link<T>>>,
}

/// A link for a remote spawn onto `scheduler`'s runtime: the task's side, still
/// without its future, and the handle's side.
pub(crate) fn pair<T: 'static>(scheduler: Arc<dyn Schedule>) -> (Pending<T>, RemoteJoin<T>) {
    let state = State { output: None, finished: false, joined: true, abort: false, join_waker: None, task_waker: None };
    let link = Arc::new(Link { state: Mutex::new(state) });
    let abort: Arc<dyn AbortLink> = link.clone();
    (Pending { link: Some(link.clone()) }, RemoteJoin { link, abort, scheduler })
}

impl<T> Pending<T> {
    /// The future of the task that runs `future` for the handle.
    pub(crate) fn start<F: Future<Output = T>>(mut self, future: F) -> RemoteTask<F> {
        let link = self.link.take().expect("a Pending link is started once");
        RemoteTask { future: Some(Box::pin(future)), link }
    }
}

impl<T> Drop for Pending<T> {
    fn drop(&mut self) {
        if let Some(link) = self.link.take() {
            link.finish(Err(JoinError::cancelled()));
        }
    }
}

impl<F: Future> RemoteTask<F> {
    /// Drops the future (catching a panic from its destructor, which then
    /// replaces `result`) and hands the result on. A panic nobody waits for
    /// is handed back, for the runtime to report as any task's panic.
    fn end(&mut self, result: Result<F::Output, JoinError>) -> Option<Box<dyn std::any::Any + Send>> {
        let future = self.future.take();
        let result = match catch_unwind(AssertUnwindSafe(move || drop(future))) {
            Ok(()) => result,
            Err(panic) => Err(JoinError::panic(panic)),
        };
        let joined = self.link.lock().joined;
        match result {
            Err(e) if e.is_panic() && !joined => e.try_into_panic().ok(),
            result => {
                self.link.finish(result);
                None
            }
        }
    }
}

impl<F: Future> Future for RemoteTask<F> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let (abort, old_waker) = {
            let mut state = self.link.lock();
            let keep = state.task_waker.as_ref().is_some_and(|w| w.will_wake(cx.waker()));
            let old = if keep { None } else { state.task_waker.replace(cx.waker().clone()) };
            (state.abort, old)
        };
        drop(old_waker);
        if self.future.is_none() {
            return Poll::Ready(());
        }
        if abort {
            // A panic from the destructor is the handle's `JoinError`, or
            // nobody's: a cancelled task's panic never counts as unhandled.
            drop(self.end(Err(JoinError::cancelled())));
            return Poll::Ready(());
        }
        let result = match catch_unwind(AssertUnwindSafe(|| poll_or_drop_on_unwind(&mut self.future, cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(output)) => Ok(output),
            Err(panic) => Err(JoinError::panic(panic)),
        };
        if let Some(panic) = self.end(result) {
            // Nobody wants it: the runtime reports it like any task's panic.
            resume_unwind(panic);
        }
        Poll::Ready(())
    }
}

/// Polls the future; if that panics, drops it while the panic unwinds (as
/// `raw.rs` does for every task), so its destructors see
/// `std::thread::panicking()`.
fn poll_or_drop_on_unwind<F: Future>(slot: &mut Option<Pin<Box<F>>>, cx: &mut Context<'_>) -> Poll<F::Output> {
    struct ClearOnUnwind<'a, F>(&'a mut Option<Pin<Box<F>>>);
    impl<F> Drop for ClearOnUnwind<'_, F> {
        fn drop(&mut self) {
            *self.0 = None;
        }
    }
    let guard = ClearOnUnwind(slot);
    let poll = match guard.0.as_mut() {
        Some(future) => future.as_mut().poll(cx),
        None => unreachable!("polled only while the future is there"),
    };
    std::mem::forget(guard);
    poll
}

impl<F: Future> Drop for RemoteTask<F> {
    /// Dropped before it ended (the runtime shut down, or the job never
    /// reached it): the future goes first, then the handle learns the task
    /// was cancelled.
    fn drop(&mut self) {
        if self.future.is_some() {
            // A destructor's panic nobody waits for has no one to go to here.
            drop(self.end(Err(JoinError::cancelled())));
        }
    }
}

impl<T> RemoteJoin<T> {
    pub(crate) fn poll_output(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        let old_waker = {
            let mut state = self.link.lock();
            if let Some(output) = state.output.take() {
                return Poll::Ready(output);
            }
            assert!(!state.finished, "JoinHandle polled after it returned the task's output");
            let keep = state.join_waker.as_ref().is_some_and(|w| w.will_wake(cx.waker()));
            if keep {
                None
            } else {
                state.join_waker.replace(cx.waker().clone())
            }
        };
        drop(old_waker);
        Poll::Pending
    }

    pub(crate) fn is_complete(&self) -> bool {
        self.link.is_finished()
    }

    /// Asks the task to drop its future, and wakes it so it does.
    pub(crate) fn abort(&self) {
        self.link.abort();
    }

    /// The link, for an `AbortHandle`.
    pub(crate) fn abort_link(&self) -> Arc<dyn AbortLink> {
        self.abort.clone()
    }
}

impl<T> Drop for RemoteJoin<T> {
    fn drop(&mut self) {
        let (output, waker) = {
            let mut state = self.link.lock();
            state.joined = false;
            (state.output.take(), state.join_waker.take())
        };
        drop((output, waker));
    }
}

/// What a `JoinHandle` holds: a local task's reference, or the link to a
/// task spawned from another thread. Same methods as [`JoinRef`].
pub(crate) enum JoinRaw<T> {
    Local(JoinRef<T>),
    /// Boxed, so a `JoinHandle` is two words (the local case is the hot one).
    Remote(Box<RemoteJoin<T>>),
}

impl<T> JoinRaw<T> {
    pub(crate) fn is_complete(&self) -> bool {
        match self {
            JoinRaw::Local(raw) => raw.is_complete(),
            JoinRaw::Remote(link) => link.is_complete(),
        }
    }

    pub(crate) fn scheduler(&self) -> &dyn Schedule {
        match self {
            JoinRaw::Local(raw) => raw.scheduler(),
            JoinRaw::Remote(link) => &*link.scheduler,
        }
    }

    pub(crate) fn poll_output(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        match self {
            JoinRaw::Local(raw) => raw.poll_output(cx),
            JoinRaw::Remote(link) => link.poll_output(cx),
        }
    }

    pub(crate) fn abort(&self) {
        match self {
            JoinRaw::Local(raw) => raw.abort(),
            JoinRaw::Remote(link) => link.abort(),
        }
    }

    /// See `JoinHandle::set_in_set`. A `JoinSet` spawns local tasks only, so
    /// a remote one is never in a set.
    pub(crate) fn set_in_set(&self, in_set: bool) {
        match self {
            JoinRaw::Local(raw) => raw.set_in_set(in_set),
            JoinRaw::Remote(_) => debug_assert!(!in_set, "a JoinSet holds local tasks only"),
        }
    }

    /// Gives up interest in the output. `true` if it was a panic nobody
    /// looked at; never for a remote task, which reports such a panic to
    /// its runtime itself (the link detaches when it is dropped).
    pub(crate) fn detach(&self) -> bool {
        match self {
            JoinRaw::Local(raw) => raw.detach(),
            JoinRaw::Remote(_) => false,
        }
    }
}
