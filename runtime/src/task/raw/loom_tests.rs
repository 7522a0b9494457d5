//! Loom models of a task's cross-thread protocol (`--cfg loom`; see
//! `runtime/src/loom.rs`).
//!
//! Two models. The first drives the state word (`task/state.rs`) through
//! its own API on a stand-in task whose "memory" is a loom `UnsafeCell`, so
//! loom checks that freeing it on whichever thread drops the last reference
//! is ordered after the executor's last touch. The second runs the real
//! allocation, vtable and waker of `raw.rs` and `waker.rs` (a remote wake
//! goes through the real injection queue), and checks that no wake is lost
//! and every reference is given back.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicBool, Ordering::*};
use loom::sync::{Arc, Mutex};
use loom::thread;

use super::{allocate, RunOutcome, TaskRef};
use crate::config::UnhandledPanic;
use crate::driver::{Driver, Poller};
use crate::shared::Shared;
use crate::task::state::{ByRef, ByVal, State};
use crate::task::waker::waker_ref;

/// What the stand-in task's memory holds.
#[derive(Debug, PartialEq)]
enum Stage {
    Running,
    Finished,
    /// The allocation was given back.
    Freed,
}

/// A task reduced to its state word, its memory and the event it waits for.
struct Mock {
    state: State,
    /// Touched without a lock, as the real stage is: loom reports an access
    /// that is not ordered after the previous one on another thread.
    stage: UnsafeCell<Stage>,
    /// Set by a waking thread before it wakes; the "future" is ready once set.
    event: AtomicBool,
}

/// One counted reference to the stand-in task.
struct Ref(Arc<Mock>);

impl Ref {
    fn clone_ref(&self) -> Ref {
        self.0.state.ref_inc();
        Ref(self.0.clone())
    }
}

impl Drop for Ref {
    fn drop(&mut self) {
        if self.0.state.ref_dec() && !std::thread::panicking() {
            // SAFETY: loom checks that no other access to the cell races this one.
            self.0.stage.with_mut(|stage| unsafe {
                assert_ne!(*stage, Stage::Freed, "the task was freed twice");
                assert_ne!(*stage, Stage::Running, "the last reference found a live future");
                *stage = Stage::Freed;
            });
        }
    }
}

type Queue = Arc<Mutex<VecDeque<Ref>>>;

/// `wake`: the waker's reference becomes the queue entry, or is dropped.
fn wake(waker: Ref, queue: &Queue) {
    match waker.0.state.transition_to_scheduled_by_val() {
        ByVal::Submit => queue.lock().unwrap().push_back(waker),
        ByVal::DropRef => drop(waker),
    }
}

/// `wake_by_ref`: a new reference for the queue entry, if one is needed.
fn wake_by_ref(waker: &Ref, queue: &Queue) {
    if waker.0.state.transition_to_scheduled_by_ref() == ByRef::Submit {
        queue.lock().unwrap().push_back(Ref(waker.0.clone()));
    }
}

/// The executor: polls queued entries until the queue is empty; completing
/// the task gives back the owned list's reference.
fn run_queue(queue: &Queue, owned: &mut Option<Ref>) {
    loop {
        let Some(entry) = queue.lock().unwrap().pop_front() else { return };
        if entry.0.state.transition_to_running() {
            continue;
        }
        let ready = entry.0.event.load(Acquire);
        // SAFETY: loom checks that no other access to the cell races this one.
        entry.0.stage.with_mut(|stage| unsafe {
            assert_eq!(*stage, Stage::Running, "a complete task was polled");
            if ready {
                *stage = Stage::Finished;
            }
        });
        if ready {
            entry.0.state.transition_to_complete();
            drop(owned.take());
        }
    }
}

#[test]
fn loom_task_state_wake_vs_complete_vs_last_drop() {
    loom::model(|| {
        let task = Arc::new(Mock {
            state: State::new(),
            stage: UnsafeCell::new(Stage::Running),
            event: AtomicBool::new(false),
        });
        // The three references `State::new` counts: owned list, queue entry, join handle.
        let (owned, entry, join) = (Ref(task.clone()), Ref(task.clone()), Ref(task.clone()));
        let (waker, other_waker) = (owned.clone_ref(), owned.clone_ref());
        let queue: Queue = Arc::new(Mutex::new(VecDeque::from([entry])));

        let q = queue.clone();
        let waking = thread::spawn(move || {
            waker.0.event.store(true, Release);
            wake(waker, &q);
        });
        let q = queue.clone();
        let dropping = thread::spawn(move || {
            wake_by_ref(&other_waker, &q);
            drop(other_waker);
        });

        // A detached task: the wakers may hold the last references.
        drop(join);
        let mut owned = Some(owned);
        run_queue(&queue, &mut owned);
        waking.join().unwrap();
        dropping.join().unwrap();
        run_queue(&queue, &mut owned);
        assert!(owned.is_none(), "a wake was lost: the event is set but the task was not polled again");
        // SAFETY: every reference is gone; loom checks this read against the free.
        task.stage.with(|stage| assert_eq!(unsafe { &*stage }, &Stage::Freed, "a reference leaked"));
    });
}

/// A future that is ready once its flag is set.
struct WaitFor(Arc<AtomicBool>);

impl Future for WaitFor {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.0.load(Acquire) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// A runtime's shared half over a real (epoll) remote waker.
fn shared() -> std::sync::Arc<Shared> {
    let mut poller = Poller::new(Driver::Epoll, 1).expect("epoll_create1");
    let remote = poller.remote_waker().expect("eventfd");
    std::sync::Arc::new(Shared::new(remote, UnhandledPanic::Ignore))
}

/// The executor's loop, reduced: take injected tasks and run them until
/// none is left; completion drops the owned list's reference.
fn run_all(shared: &Shared, queue: &mut VecDeque<TaskRef>, owned: &mut Option<TaskRef>) {
    loop {
        let spawns = shared.drain_into(queue);
        assert!(spawns.is_empty(), "no spawn was queued");
        let Some(task) = queue.pop_front() else { return };
        if let RunOutcome::Complete { .. } = task.run() {
            drop(owned.take());
        }
    }
}

/// Two threads wake the real task (one by value, one by reference, then
/// dropping its waker) while the executor polls it. With `detached`, the
/// join handle is gone from the start, so the last reference, and the
/// deallocation, may fall to either waking thread.
fn raw_task_model(detached: bool) {
    loom::model(move || {
        let shared = shared();
        let event = Arc::new(AtomicBool::new(false));
        let (owned, entry, join) = allocate(WaitFor(event.clone()), shared.clone());
        let waker = (*waker_ref(owned.ptr)).clone();
        let other_waker = waker.clone();
        // A dropped `JoinHandle` detaches, then gives up its reference.
        let mut join = if detached {
            assert!(!join.detach());
            drop(join);
            None
        } else {
            Some(join)
        };

        let waking = thread::spawn(move || {
            event.store(true, Release);
            waker.wake();
        });
        let dropping = thread::spawn(move || {
            other_waker.wake_by_ref();
            drop(other_waker);
        });

        let (mut queue, mut owned) = (VecDeque::from([entry]), Some(owned));
        run_all(&shared, &mut queue, &mut owned);
        waking.join().unwrap();
        dropping.join().unwrap();
        run_all(&shared, &mut queue, &mut owned);
        assert!(owned.is_none(), "a wake was lost: the future is ready but was not polled again");
        if let Some(join) = join.take() {
            assert!(join.is_complete());
            assert!(!join.detach(), "the output was not a panic");
        }
        assert_eq!(std::sync::Arc::strong_count(&shared), 1, "a task reference leaked");
    });
}

#[test]
fn loom_raw_task_remote_wakes_during_poll() {
    raw_task_model(false);
}

#[test]
fn loom_raw_task_detached_last_reference_on_a_waking_thread() {
    raw_task_model(true);
}
