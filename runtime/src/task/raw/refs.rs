//! The two kinds of counted reference to a task: [`TaskRef`], of any output
//! type (run-queue entries, the owned list, wakers), and [`JoinRef`], which
//! also knows the output type (the `JoinHandle`'s).

use std::marker::PhantomData;
use std::ptr::NonNull;
use std::task::{Context, Poll};

use super::{drop_caught, panic_counts, Header, RunOutcome, CANCEL_REQUESTED, IN_SET, JOIN_INTEREST, OUTPUT};
use crate::task::error::JoinError;
use crate::task::waker::{self, Schedule};

/// One counted reference to a task, of any output type.
pub(crate) struct TaskRef {
    pub(super) ptr: NonNull<Header>,
}

impl TaskRef {
    /// # Safety
    /// `ptr` points to a live task, and the caller hands over one reference.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> TaskRef {
        TaskRef { ptr }
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: this reference keeps the allocation alive.
        unsafe { self.ptr.as_ref() }
    }

    /// Polls the task (or drops it if aborted). Runtime thread only.
    pub(crate) fn run(&self) -> RunOutcome {
        if self.header().state.transition_to_running() {
            return RunOutcome::AlreadyComplete;
        }
        // SAFETY: the vtable matches the allocation; callers are the
        // executor on the runtime's thread, holding this reference.
        unsafe { (self.header().vtable.poll)(self.ptr) }
    }

    /// Drops the future as cancelled. Runtime thread only.
    pub(crate) fn cancel(&self) -> RunOutcome {
        // SAFETY: as for `run`.
        unsafe { (self.header().vtable.cancel)(self.ptr) }
    }

    /// Whether the task has completed (returned, panicked or been cancelled).
    pub(crate) fn is_complete(&self) -> bool {
        self.header().state.is_complete()
    }

    /// Another counted reference to the same task.
    pub(crate) fn clone_ref(&self) -> TaskRef {
        self.header().state.ref_inc();
        TaskRef { ptr: self.ptr }
    }

    /// As [`JoinRef::abort`], for an `AbortHandle`. Runtime thread only.
    pub(crate) fn abort(&self) {
        abort(self.ptr);
    }
}

impl Drop for TaskRef {
    fn drop(&mut self) {
        if self.header().state.ref_dec() {
            // SAFETY: that was the last reference; the vtable matches.
            unsafe { (self.header().vtable.dealloc)(self.ptr) }
        }
    }
}

impl std::fmt::Debug for TaskRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskRef").field("ptr", &self.ptr).finish()
    }
}

/// The `JoinHandle`'s reference: knows the output type. Never leaves the
/// runtime's thread (it is `!Send` through its pointer).
pub(crate) struct JoinRef<T> {
    pub(super) ptr: NonNull<Header>,
    pub(super) _output: PhantomData<T>,
}

impl<T> JoinRef<T> {
    fn header(&self) -> &Header {
        // SAFETY: this reference keeps the allocation alive.
        unsafe { self.ptr.as_ref() }
    }

    pub(crate) fn is_complete(&self) -> bool {
        self.header().state.is_complete()
    }

    pub(crate) fn scheduler(&self) -> &dyn Schedule {
        &*self.header().scheduler
    }

    /// The output once the task is complete; until then the waker is kept.
    pub(crate) fn poll_output(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        let header = self.header();
        if !header.state.is_complete() {
            let old = header.join_waker.take();
            let keep = old.filter(|w| w.will_wake(cx.waker()));
            header.join_waker.set(Some(keep.unwrap_or_else(|| cx.waker().clone())));
            return Poll::Pending;
        }
        let flags = header.flags.get();
        if flags & OUTPUT == 0 {
            already_taken();
        }
        header.flags.set(flags & !OUTPUT);
        // SAFETY: the stage holds the output (`OUTPUT`, now cleared so it is
        // read once), of type `T`; a JoinRef lives on the runtime's thread,
        // where nothing else touches a complete task's stage.
        Poll::Ready(unsafe { self.output().read() })
    }

    /// Where the task's output is (when its flags say it is there).
    fn output(&self) -> *mut Result<T, JoinError> {
        let offset = self.header().vtable.output_offset;
        // SAFETY: the stage starts `output_offset` bytes into the task's
        // allocation, which this reference keeps alive; the output is the
        // union's field at its start (`repr(C)`), of the handle's type `T`.
        unsafe { self.ptr.cast::<u8>().add(offset).cast::<Result<T, JoinError>>().as_ptr() }
    }

    /// Asks for the task to be dropped at its next run, and schedules it.
    pub(crate) fn abort(&self) {
        abort(self.ptr);
    }

    /// Another counted reference to the task, for an `AbortHandle`.
    pub(crate) fn task_ref(&self) -> TaskRef {
        self.header().state.ref_inc();
        TaskRef { ptr: self.ptr }
    }

    /// Marks the task as owned by a `JoinSet`, or (for `detach_all`) no
    /// longer: see [`IN_SET`].
    pub(crate) fn set_in_set(&self, in_set: bool) {
        let header = self.header();
        let flags = header.flags.get();
        header.flags.set(if in_set { flags | IN_SET } else { flags & !IN_SET });
    }

    /// Gives up interest in the output, dropping it if stored. Returns
    /// `true` if that output was a panic nobody looked at and that counts
    /// as unhandled.
    pub(crate) fn detach(&self) -> bool {
        let header = self.header();
        let flags = header.flags.get();
        header.flags.set(flags & !(JOIN_INTEREST | OUTPUT));
        drop(header.join_waker.take());
        if flags & OUTPUT == 0 {
            return false;
        }
        // SAFETY: as in `poll_output`: the output is there, read once.
        let output = unsafe { self.output().read() };
        let unseen_panic = matches!(&output, Err(e) if e.is_panic()) && panic_counts(header);
        // A panic from the output's destructor is ignored, as in tokio: the
        // handle being dropped is no place to raise it.
        let _ = drop_caught(output);
        unseen_panic
    }
}

#[cold]
#[inline(never)]
fn already_taken() -> ! {
    panic!("JoinHandle polled after it returned the task's output")
}

/// Asks for the task to be dropped at its next run, and schedules it.
/// Runtime thread only (the flags are not atomic); callers hold a reference.
fn abort(ptr: NonNull<Header>) {
    // SAFETY: the caller's reference keeps the allocation alive.
    let header = unsafe { ptr.as_ref() };
    if header.state.is_complete() {
        return;
    }
    header.flags.set(header.flags.get() | CANCEL_REQUESTED);
    waker::waker_ref(ptr).wake_by_ref();
}

impl<T> Drop for JoinRef<T> {
    fn drop(&mut self) {
        drop(TaskRef { ptr: self.ptr });
    }
}
