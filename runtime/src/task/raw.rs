//! The one allocation per task: a [`Header`] followed by the future's stage,
//! taken from and given back to this thread's cache of freed task cells
//! (`raw/cache.rs`).
//!
//! Protocol (see also `task/mod.rs`):
//! - `Header::state` is the only field another thread may touch, through a
//!   waker: it counts references and says whether the task is queued or
//!   complete. Every other field belongs to the runtime's own thread.
//! - The future is dropped on the runtime's thread: when it completes, when
//!   it is cancelled, or when the runtime shuts down. The owned list holds a
//!   reference until then, so the last reference, which frees the memory and
//!   may be dropped on any thread, never finds a future in the stage.
//! - An output is stored only while a `JoinHandle` is interested; the handle
//!   (which never leaves the runtime's thread) takes it or drops it. So the
//!   stage is empty or holds a `Send` [`JoinError`] whenever the last
//!   reference can be dropped on another thread.
//! - The stage is a union of the future and the output; two header flags
//!   say which it holds ([`FUTURE`], [`OUTPUT`]). Its offset is in the
//!   vtable as data, so the `JoinHandle`, which knows the output type, reads
//!   or drops the output itself, with no call through the vtable (as
//!   async-task's `Task<T>` does).

use std::alloc::Layout;
use std::cell::{Cell, UnsafeCell};
use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::error::JoinError;
use super::state::State;
use super::waker;
use super::waker::Schedule;

/// A `JoinHandle` exists and has not been dropped.
const JOIN_INTEREST: u8 = 1;
/// `abort` was called: the next run drops the future instead of polling it.
const CANCEL_REQUESTED: u8 = 2;
/// A `JoinSet` owns the task (set by the set, cleared only by its
/// `detach_all`; it outlives the set): the set handles its panics, so none
/// of them counts as unhandled, even once the set is dropped unjoined.
const IN_SET: u8 = 4;
/// The future was dropped by `cancel` (an abort, or the runtime's
/// shutdown). A panic from its destructor is the task's `JoinError`, as in
/// tokio's `cancel_task`, and never counts as unhandled.
const CANCELLED: u8 = 8;
/// The stage holds the output, for the `JoinHandle` to take or drop.
const OUTPUT: u8 = 16;
/// The stage holds the future: the task has not completed.
const FUTURE: u8 = 32;

/// The part of a task that does not depend on the future's type.
pub(crate) struct Header {
    pub(crate) state: State,
    vtable: &'static Vtable,
    /// The runtime the task belongs to: where wakes send it.
    pub(crate) scheduler: Arc<dyn Schedule>,
    /// `scheduler`'s data address, kept thin: the reactor's wake-ups ask
    /// whether a task is their runtime's (`waker::wake_local`) with one
    /// compare, where the `dyn` pointer's address is worked out from its
    /// vtable's alignment on every ask.
    pub(crate) scheduler_addr: usize,
    /// # Invariant
    /// This and the fields below are touched only on the runtime's thread.
    flags: Cell<u8>,
    /// The task's place in the runtime's owned list.
    links: owned::Links,
    /// Woken when the task completes.
    join_waker: Cell<Option<Waker>>,
    /// The block the cell was carved from, to give it back to.
    block: cache::Block,
}

/// The header and the stage, laid out so a `*Header` is a `*TaskCell<F>`.
#[repr(C)]
struct TaskCell<F: Future> {
    header: Header,
    stage: UnsafeCell<Stage<F>>,
}

/// The future until the task completes, then the output if a `JoinHandle`
/// wants it, else nothing; the header's [`FUTURE`] and [`OUTPUT`] flags say
/// which (at most one is set).
#[repr(C)]
union Stage<F: Future> {
    future: ManuallyDrop<F>,
    output: ManuallyDrop<Result<F::Output, JoinError>>,
}

/// Type-erased operations on a `TaskCell<F>`.
struct Vtable {
    poll: unsafe fn(NonNull<Header>) -> RunOutcome,
    cancel: unsafe fn(NonNull<Header>) -> RunOutcome,
    dealloc: unsafe fn(NonNull<Header>),
    /// Where the stage, and so the output, starts, in bytes from the header.
    output_offset: usize,
}

/// Holds the vtable of `TaskCell<F>` as a constant, so each `F` gets one static.
struct VtableFor<F>(PhantomData<F>);

impl<F: Future> VtableFor<F> {
    const VTABLE: Vtable = Vtable {
        poll: poll::<F>,
        cancel: cancel::<F>,
        dealloc: dealloc::<F>,
        output_offset: std::mem::offset_of!(TaskCell<F>, stage),
    };
}

/// What running a task came to.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RunOutcome {
    /// The future returned `Pending`.
    Pending,
    /// The future is gone; `unhandled_panic` if it panicked and no handle wants the panic.
    Complete { unhandled_panic: bool },
    /// It was complete already (a stale queue entry).
    AlreadyComplete,
}

/// Allocates a task. Returns its owned-list reference, its run-queue
/// reference and its join reference (the three the state starts with).
pub(crate) fn allocate<F>(future: F, scheduler: Arc<dyn Schedule>) -> (TaskRef, TaskRef, JoinRef<F::Output>)
where
    F: Future + 'static,
{
    let vtable: &'static Vtable = &VtableFor::<F>::VTABLE;
    let (mem, block) = cache::alloc(Layout::new::<TaskCell<F>>());
    let mem = mem.cast::<TaskCell<F>>();
    let header = Header {
        state: State::new(),
        vtable,
        scheduler_addr: Arc::as_ptr(&scheduler).cast::<()>() as usize,
        scheduler,
        flags: Cell::new(JOIN_INTEREST | FUTURE),
        links: owned::Links::new(),
        join_waker: Cell::new(None),
        block,
    };
    // SAFETY: `cache::alloc` returned memory of at least this size and
    // alignment that nothing else uses.
    unsafe {
        mem.as_ptr().write(TaskCell { header, stage: UnsafeCell::new(Stage { future: ManuallyDrop::new(future) }) })
    };
    let ptr = mem.cast::<Header>();
    (TaskRef { ptr }, TaskRef { ptr }, JoinRef { ptr, _output: PhantomData })
}

/// Accesses the cell behind a header pointer.
///
/// # Safety
/// `ptr` must come from `allocate::<F>` with this `F`, and a reference to
/// the task must be held for the returned lifetime.
unsafe fn cell<'a, F: Future>(ptr: NonNull<Header>) -> &'a TaskCell<F> {
    // SAFETY: the caller guarantees the type and that the allocation lives.
    unsafe { ptr.cast::<TaskCell<F>>().as_ref() }
}

/// Drops the future, in place, if the stage holds it, and marks the stage
/// empty. A panic from its destructor is caught and returned.
///
/// # Safety
/// Runtime thread only, with no other reference into the stage alive.
unsafe fn drop_future<F: Future>(cell: &TaskCell<F>) -> Option<Box<dyn std::any::Any + Send>> {
    let flags = cell.header.flags.get();
    if flags & FUTURE == 0 {
        return None;
    }
    // Marked first: the future is not dropped twice, even if its destructor
    // panics part way.
    cell.header.flags.set(flags & !FUTURE);
    let stage = cell.stage.get();
    // SAFETY: the caller guarantees exclusive access, and `FUTURE` said the
    // stage holds the future; it is dropped in place (a pinned future is
    // never moved).
    let dropped = catch_unwind(AssertUnwindSafe(|| unsafe { ManuallyDrop::drop(&mut (*stage).future) }));
    dropped.err()
}

/// # Safety
/// `ptr` from `allocate::<F>`; runtime thread; the caller holds a reference.
unsafe fn poll<F: Future>(ptr: NonNull<Header>) -> RunOutcome {
    // SAFETY: guaranteed by the caller.
    let cell = unsafe { cell::<F>(ptr) };
    if cell.header.flags.get() & CANCEL_REQUESTED != 0 {
        // SAFETY: guaranteed by the caller.
        return unsafe { cancel::<F>(ptr) };
    }
    if cell.header.flags.get() & FUTURE == 0 {
        return RunOutcome::AlreadyComplete;
    }
    let stage = cell.stage.get();
    let waker = waker::waker_ref(ptr);
    let mut cx = Context::from_waker(&waker);
    // The closure captures the stage as a raw pointer: a reference captured
    // there would be protected for the whole call, and `DropOnUnwind` could
    // not drop the future inside it (Miri's Stacked Borrows says so).
    // SAFETY: runtime thread, the stage holds the future (`FUTURE`), and no
    // other reference into it exists while the executor polls (JoinHandle
    // reads it only once complete).
    let polled = catch_unwind(AssertUnwindSafe(|| unsafe { poll_stage(stage, &cell.header.flags, &mut cx) }));
    let result = match polled {
        Ok(Poll::Pending) => return RunOutcome::Pending,
        // SAFETY: the borrow of the future ended with the poll.
        Ok(Poll::Ready(output)) => match unsafe { drop_future(cell) } {
            None => Ok(output),
            // A panic in the future's destructor is the task's panic, even
            // after `Ready` (as in tokio): the output is dropped.
            Some(panic) => {
                drop_caught(output);
                Err(JoinError::panic(panic))
            }
        },
        // `DropOnUnwind` has dropped the future: the stage is empty.
        Err(panic) => Err(JoinError::panic(panic)),
    };
    // SAFETY: as above; the stage is empty.
    unsafe { complete(cell, result) }
}

/// Polls the future in `stage`. If `poll` panics, the future is dropped as
/// the panic unwinds (see [`DropOnUnwind`]).
///
/// # Safety
/// Runtime thread; the stage holds the future (`flags` has [`FUTURE`]);
/// no other reference into the stage is alive.
unsafe fn poll_stage<F: Future>(stage: *mut Stage<F>, flags: &Cell<u8>, cx: &mut Context<'_>) -> Poll<F::Output> {
    // SAFETY: guaranteed by the caller.
    let future: &mut F = unsafe { &mut (*stage).future };
    // SAFETY: the future lives in a heap cell that is never moved, and is
    // dropped in place by `drop_future` or `DropOnUnwind`.
    let future = unsafe { Pin::new_unchecked(future) };
    let guard = DropOnUnwind { stage, flags };
    let poll = future.poll(cx);
    std::mem::forget(guard);
    poll
}

/// Drops the future in place if `poll` unwinds, while the panic is still
/// unwinding, as tokio's `poll_future` does: its destructors see
/// `std::thread::panicking()`, so a `MutexGuard` it holds is poisoned. A
/// destructor that panics then is a panic during a panic, which aborts the
/// process, as for any value dropped by an unwinding panic. (A future that
/// returns `Ready` is dropped afterwards, by `drop_future`, which catches a
/// panic of its destructor.) Forgotten when `poll` returns.
struct DropOnUnwind<'a, F: Future> {
    /// # Invariant
    /// Points to the stage of a task being polled on this thread, which
    /// holds the future being polled.
    stage: *mut Stage<F>,
    /// The task's flags, where [`FUTURE`] is cleared.
    flags: &'a Cell<u8>,
}

impl<F: Future> Drop for DropOnUnwind<'_, F> {
    fn drop(&mut self) {
        // Cleared first, so the future is never dropped twice.
        self.flags.set(self.flags.get() & !FUTURE);
        // SAFETY: the guard lives only in `poll_stage`, so it is dropped
        // while `Future::poll` unwinds: the borrow of the future passed to it
        // ended with it (the reference `poll_stage` made is not used again),
        // and nothing else reaches the stage, which holds the future.
        // It is dropped in place (it is pinned).
        unsafe { ManuallyDrop::drop(&mut (*self.stage).future) };
    }
}

/// Drops `value`; a panic from its destructor is caught. Returns whether one was.
fn drop_caught<T>(value: T) -> bool {
    catch_unwind(AssertUnwindSafe(move || drop(value))).is_err()
}

/// # Safety
/// As for `poll`.
unsafe fn cancel<F: Future>(ptr: NonNull<Header>) -> RunOutcome {
    // SAFETY: guaranteed by the caller.
    let cell = unsafe { cell::<F>(ptr) };
    if cell.header.state.is_complete() {
        return RunOutcome::AlreadyComplete;
    }
    cell.header.flags.set(cell.header.flags.get() | CANCELLED);
    // SAFETY: guaranteed by the caller.
    let panic = unsafe { drop_future(cell) };
    let error = panic.map_or_else(JoinError::cancelled, JoinError::panic);
    // SAFETY: no borrow of the stage is alive, and it is empty.
    unsafe { complete(cell, Err(error)) }
}

/// Stores the result for the handle (or drops it), marks the task complete
/// and wakes the handle. A panic nobody will see (no handle wants the
/// result, or dropping an unwanted output panicked) is reported unhandled,
/// unless [`panic_counts`] says the task's panics never do.
///
/// # Safety
/// Runtime thread; no borrow of the stage alive; the stage is empty (the
/// future was dropped).
unsafe fn complete<F: Future>(cell: &TaskCell<F>, result: Result<F::Output, JoinError>) -> RunOutcome {
    let header = &cell.header;
    let flags = header.flags.get();
    let interested = flags & JOIN_INTEREST != 0;
    let is_panic = matches!(&result, Err(e) if e.is_panic());
    let mut drop_panicked = false;
    if interested {
        // SAFETY: guaranteed by the caller; the stage is empty, so writing
        // drops nothing.
        unsafe { ptr::write(cell.stage.get(), Stage { output: ManuallyDrop::new(result) }) };
        header.flags.set(flags | OUTPUT);
    } else {
        drop_panicked = drop_caught(result);
    }
    header.state.transition_to_complete();
    if let Some(waker) = header.join_waker.take() {
        waker.wake();
    }
    let unseen = (is_panic && !interested) || drop_panicked;
    RunOutcome::Complete { unhandled_panic: unseen && panic_counts(header) }
}

/// Whether a panic of this task that nobody sees is an unhandled panic: not
/// for a task a `JoinSet` owns (the set handles them), nor for one that was
/// cancelled (the panic came from its destructor, as in tokio).
fn panic_counts(header: &Header) -> bool {
    header.flags.get() & (IN_SET | CANCELLED) == 0
}

/// # Safety
/// `ptr` from `allocate::<F>`, and the last reference was just dropped.
unsafe fn dealloc<F: Future>(ptr: NonNull<Header>) {
    let cell = ptr.cast::<TaskCell<F>>();
    // SAFETY: `allocate::<F>` wrote a `TaskCell<F>` there, and with the last
    // reference gone nothing else can reach it (the reference count's
    // acquire makes every write to it visible here); each part is dropped
    // once, the stage as its flags say.
    let block = unsafe {
        let flags = (*cell.as_ptr()).header.flags.get();
        let stage = (*cell.as_ptr()).stage.get();
        if flags & FUTURE != 0 {
            ManuallyDrop::drop(&mut (*stage).future);
        } else if flags & OUTPUT != 0 {
            ManuallyDrop::drop(&mut (*stage).output);
        }
        let block = (*cell.as_ptr()).header.block;
        ptr::drop_in_place(ptr::addr_of_mut!((*cell.as_ptr()).header));
        block
    };
    // SAFETY: the memory and its block came from `cache::alloc` with this
    // layout, and it is no longer used.
    unsafe { cache::free(cell.cast(), Layout::new::<TaskCell<F>>(), block) };
}

pub(crate) mod cache;
mod owned;
mod refs;

pub(crate) use owned::OwnedTasks;
pub(crate) use refs::{JoinRef, TaskRef};

#[cfg(all(test, not(loom)))]
mod cache_tests;
#[cfg(all(test, loom))]
mod loom_tests;
