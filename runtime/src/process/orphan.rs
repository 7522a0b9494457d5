//! Children dropped before they were reaped (tokio's orphan queue idea).
//!
//! A dropped `Child` whose exit is not known yet is adopted:
//! - inside a runtime whose driver watches it (pidfd, `EVFILT_PROC`), by a
//!   small detached task that waits for that child's own exit event and
//!   reaps it: no other child is polled for it;
//! - otherwise (the SIGCHLD path, no runtime, a runtime shutting down), by
//!   the process-wide [`QUEUE`]. The queue is reaped (`waitpid(WNOHANG)` per
//!   orphan, only while it holds any) at the next spawn, after any child's
//!   exit is seen, and on each SIGCHLD by a reaper task that a runtime
//!   starts when a SIGCHLD-path orphan joins the queue.
//!
//! An adopting task dropped with its runtime hands its child to the queue.

use std::cell::RefCell;
use std::future::poll_fn;
use std::process::Child as StdChild;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::exit::ExitWatch;
use crate::context;
use crate::signal::unix::{signal, SignalKind};

/// Orphans no runtime watches, reaped as described in the module docs.
static QUEUE: Mutex<Vec<StdChild>> = Mutex::new(Vec::new());
/// `QUEUE.len()`, read without the lock on the paths that reap.
static QUEUED: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Ids of this thread's runtimes that run a SIGCHLD reaper task.
    static REAPING: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

fn queue() -> MutexGuard<'static, Vec<StdChild>> {
    QUEUE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Takes `child`, whose exit is not known, and makes sure it is reaped.
pub(crate) fn adopt(mut child: StdChild, watch: ExitWatch) {
    let runtime = context::try_with(|scope| (!scope.is_shut_down()).then(|| scope.id)).flatten();
    match runtime {
        Some(_) if !watch.uses_sigchld() => {
            let mut orphan = Orphan { child: Some(child), watch };
            drop(crate::spawn(async move {
                poll_fn(|cx| orphan.poll(cx)).await;
            }));
        }
        Some(id) => {
            drop(watch);
            push(child);
            ensure_reaper(id);
        }
        None => {
            drop(watch);
            if !matches!(child.try_wait(), Ok(Some(_))) {
                push(child);
            }
        }
    }
}

fn push(child: StdChild) {
    let mut q = queue();
    q.push(child);
    QUEUED.store(q.len(), Ordering::Release);
}

/// Reaps every queued orphan that has exited; a load and nothing more
/// while the queue is empty.
pub(crate) fn reap() {
    if QUEUED.load(Ordering::Acquire) == 0 {
        return;
    }
    let mut q = queue();
    // An error (ECHILD: someone else reaped it) also ends the watch.
    q.retain_mut(|child| matches!(child.try_wait(), Ok(None)));
    QUEUED.store(q.len(), Ordering::Release);
}

/// How many orphans wait in the queue (tests).
pub(crate) fn queued() -> usize {
    QUEUED.load(Ordering::Acquire)
}

/// Starts the current runtime's SIGCHLD reaper unless it has one: it reaps
/// the queue on each SIGCHLD, for the life of the runtime.
fn ensure_reaper(id: u64) {
    if REAPING.with(|r| r.borrow().contains(&id)) {
        return;
    }
    let Ok(mut sigchld) = signal(SignalKind::child()) else { return };
    REAPING.with(|r| r.borrow_mut().push(id));
    let guard = Listed(id);
    drop(crate::spawn(async move {
        let _guard = guard;
        loop {
            reap();
            sigchld.recv().await;
        }
    }));
}

/// Removes its runtime from [`REAPING`] when the reaper ends.
struct Listed(u64);

impl Drop for Listed {
    fn drop(&mut self) {
        let _ = REAPING.try_with(|r| r.borrow_mut().retain(|id| *id != self.0));
    }
}

/// A child adopted by a task of its runtime.
struct Orphan {
    /// `None` once reaped.
    child: Option<StdChild>,
    watch: ExitWatch,
}

impl Orphan {
    fn poll(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        let Some(child) = self.child.as_mut() else { return std::task::Poll::Ready(()) };
        match self.watch.poll_exit(child, cx) {
            std::task::Poll::Pending => std::task::Poll::Pending,
            // Reaped, or an error no wait would end: the queue takes it.
            std::task::Poll::Ready(result) => {
                if result.is_ok() {
                    self.child = None;
                }
                std::task::Poll::Ready(())
            }
        }
    }
}

impl Drop for Orphan {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            if !matches!(child.try_wait(), Ok(Some(_))) {
                push(child);
            }
        }
    }
}
