//! The `RawWakerVTable` of tasks: the data pointer is the task's header.
//!
//! A waker owns one reference. `wake` on the runtime's own thread pushes the
//! task onto the local run queue (one atomic update of the state word, no
//! lock); from any other thread it goes to the injection queue, which wakes
//! the driver (the runtime's [`Schedule`] implementation decides which).

use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

use super::raw::{Header, TaskRef};
use super::state::{ByRef, ByVal};
use std::sync::Arc;

/// What a task needs of the runtime it belongs to, defined here, where a
/// wake needs it, so that the task core never names the executor (as
/// tokio's `task::Schedule` and async-task's `Schedule`): the executor
/// implements it, and each task's header holds its runtime's as
/// `Arc<dyn Schedule>`.
pub(crate) trait Schedule: Send + Sync {
    /// Queues `task` onto the local run queue if this thread is running the
    /// runtime; otherwise hands it back.
    fn schedule_local(&self, task: TaskRef) -> Result<(), TaskRef>;

    /// Queues `task` from any other thread, through the injection queue.
    /// Hands it back if the runtime is gone; the caller drops it then.
    fn schedule_remote(&self, task: TaskRef) -> Result<(), TaskRef>;

    /// A task's panic went unhandled (its handle was dropped unawaited).
    fn report_unhandled_panic(&self);
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// A waker that borrows the caller's reference instead of owning one.
pub(crate) fn waker_ref(ptr: NonNull<Header>) -> ManuallyDrop<Waker> {
    let raw = RawWaker::new(ptr.as_ptr() as *const (), &VTABLE);
    // SAFETY: the vtable's functions uphold the RawWaker contract (thread
    // safe through the atomic state word); ManuallyDrop keeps this waker from
    // dropping the reference it does not own, and `clone` takes a new one.
    ManuallyDrop::new(unsafe { Waker::from_raw(raw) })
}

/// # Safety
/// `ptr` is the header pointer of a waker, which holds a reference.
unsafe fn header<'a>(ptr: *const ()) -> &'a Header {
    // SAFETY: guaranteed by the caller: the waker's reference keeps it alive.
    unsafe { &*(ptr as *const Header) }
}

/// # Safety
/// `ptr` is a waker's data pointer; the waker's reference is handed over.
unsafe fn task_ref(ptr: *const ()) -> TaskRef {
    // SAFETY: a waker's pointer is never null and the caller hands over its reference.
    unsafe { TaskRef::from_raw(NonNull::new_unchecked(ptr as *mut Header)) }
}

unsafe fn clone(ptr: *const ()) -> RawWaker {
    // SAFETY: called through a live waker.
    unsafe { header(ptr) }.state.ref_inc();
    RawWaker::new(ptr, &VTABLE)
}

unsafe fn wake(ptr: *const ()) {
    // SAFETY: called through a live waker, which gives up its reference here.
    let (header, task) = unsafe { (header(ptr), task_ref(ptr)) };
    match header.state.transition_to_scheduled_by_val() {
        ByVal::Submit => schedule(task),
        ByVal::DropRef => drop(task),
    }
}

unsafe fn wake_by_ref(ptr: *const ()) {
    // SAFETY: called through a live waker.
    let header = unsafe { header(ptr) };
    match header.state.transition_to_scheduled_by_ref() {
        // SAFETY: the transition took a new reference for the queue entry.
        ByRef::Submit => schedule(unsafe { task_ref(ptr) }),
        ByRef::Nothing => {}
    }
}

/// Queues a woken task on its runtime.
fn schedule(task: TaskRef) {
    let scheduler: *const dyn Schedule = Arc::as_ptr(&task.header().scheduler);
    // SAFETY: the runtime's shared half outlives this call: `task`, which
    // holds a reference to it through its header, is alive until the call
    // returns (it is on this thread's run queue, or handed back).
    let task = match unsafe { &*scheduler }.schedule_local(task) {
        Ok(()) => return,
        Err(task) => task,
    };
    // Another thread may run (and free) the task as soon as it is injected,
    // and the runtime may then be dropped: a clone keeps the shared half
    // alive until the push has returned, as its wake of the driver needs.
    let scheduler = task.header().scheduler.clone();
    // A runtime that is gone hands the task back; it is dropped here.
    let _ = scheduler.schedule_remote(task);
}

unsafe fn drop_waker(ptr: *const ()) {
    // SAFETY: called through a live waker, which gives up its reference here.
    drop(unsafe { task_ref(ptr) });
}

/// Wakes `waker` without asking the thread-local which runtime is current,
/// when the caller is the executor of `scheduler` (the address of its shared
/// half) on its own thread (the reactor's and timers' wake-ups): if it is a
/// task waker of that runtime, the wake is
/// done here and the run-queue reference it produced (if the task was not
/// queued already) is returned for the caller to push. Any other waker is
/// handed back, to be woken as usual.
pub(crate) fn wake_local(waker: Waker, scheduler: *const ()) -> Result<Option<TaskRef>, Waker> {
    if !std::ptr::eq(waker.vtable(), &VTABLE) {
        return Err(waker);
    }
    let ptr = waker.data();
    // SAFETY: a waker with our vtable carries a task header pointer and holds
    // a reference, which keeps the header alive here.
    let header = unsafe { header(ptr) };
    if header.scheduler_addr != scheduler as usize {
        return Err(waker);
    }
    // The waker's reference moves into `task`.
    let _ = ManuallyDrop::new(waker);
    // SAFETY: as above; the reference is handed over exactly once.
    let task = unsafe { task_ref(ptr) };
    match header.state.transition_to_scheduled_by_val() {
        ByVal::Submit => Ok(Some(task)),
        ByVal::DropRef => Ok(None),
    }
}
