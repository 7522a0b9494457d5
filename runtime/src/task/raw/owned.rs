//! The runtime's owned list: every task whose future is not gone yet, so
//! that shutdown can drop them all. An intrusive circular doubly linked list
//! through each task's header ([`Links`]), as tokio's `OwnedTasks`, instead
//! of a slab: linking and unlinking are a few pointer writes, with no key to
//! look up and no vector to grow.
//!
//! The list holds one counted reference per linked task (the one
//! `State::new` counts for it). The ring closes on a boxed sentinel, so a
//! node is unlinked through its own neighbours alone: removing never needs
//! the list's head, and a node that is not linked (next is null) is left
//! alone. Runtime thread only (the links are plain `Cell`s).

use std::cell::Cell;
use std::fmt;
use std::ptr::{self, NonNull};

use super::{Header, TaskRef};

/// A task's place in the owned list. `next` is null while it is not linked.
pub(crate) struct Links {
    prev: Cell<*const Links>,
    next: Cell<*const Links>,
}

impl Links {
    pub(super) const fn new() -> Links {
        Links { prev: Cell::new(ptr::null()), next: Cell::new(ptr::null()) }
    }
}

/// The tasks a runtime owns.
pub(crate) struct OwnedTasks {
    /// The ring's sentinel, allocated by `new` and freed by `drop` (a raw
    /// pointer, not a `Box`: moving a `Box` would invalidate the pointers the
    /// ring holds to it), so its address stays put when the list moves. Its
    /// `next` is the newest task; with no task it points to itself.
    sentinel: NonNull<Links>,
    len: usize,
}

/// The header holding `links`.
///
/// # Safety
/// `links` is the `links` field of a live task's header.
unsafe fn header_of(links: *const Links) -> NonNull<Header> {
    let offset = std::mem::offset_of!(Header, links);
    // SAFETY: guaranteed by the caller: stepping back by the field's offset
    // stays inside the header's allocation and gives its (non-null) start.
    unsafe { NonNull::new_unchecked(links.byte_sub(offset).cast_mut().cast::<Header>()) }
}

impl OwnedTasks {
    pub(crate) fn new() -> OwnedTasks {
        let sentinel = NonNull::from(Box::leak(Box::new(Links::new())));
        let at: *const Links = sentinel.as_ptr();
        // SAFETY: just allocated, and only shared references (to `Cell`s) are made.
        let links = unsafe { sentinel.as_ref() };
        links.prev.set(at);
        links.next.set(at);
        OwnedTasks { sentinel, len: 0 }
    }

    fn sentinel(&self) -> &Links {
        // SAFETY: allocated by `new`, freed only by `drop`.
        unsafe { self.sentinel.as_ref() }
    }

    /// Tasks linked.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Links `task`, whose reference the list keeps until the task is
    /// removed. A task is linked at most once (it is inserted when spawned).
    pub(crate) fn insert(&mut self, task: TaskRef) {
        // Derived from the header pointer, not from a reference to the
        // field, so that `header_of` may step back from it to the header.
        // SAFETY: `task` keeps the header alive.
        let node: *const Links = unsafe { ptr::addr_of!((*task.ptr.as_ptr()).links) };
        let head: *const Links = self.sentinel.as_ptr();
        let first = self.sentinel().next.get();
        // SAFETY: `first` is the sentinel or a linked task's links, which
        // the list's reference keeps alive; `node` is alive through `task`,
        // whose reference the list now holds.
        unsafe {
            (*node).prev.set(head);
            (*node).next.set(first);
            (*first).prev.set(node);
        }
        self.sentinel().next.set(node);
        self.len += 1;
        std::mem::forget(task);
    }

    /// Unlinks `task`, if it is linked, and returns the list's reference
    /// to it.
    pub(crate) fn try_remove(&mut self, task: &TaskRef) -> Option<TaskRef> {
        // SAFETY: the caller's reference keeps the task alive.
        unsafe { self.unlink(task.ptr) }
    }

    /// Unlinks the oldest task and returns the list's reference to it.
    pub(crate) fn pop(&mut self) -> Option<TaskRef> {
        let last = self.sentinel().prev.get();
        if ptr::eq(last, self.sentinel.as_ptr()) {
            return None;
        }
        // SAFETY: a node other than the sentinel is a linked task's links,
        // and the list's reference keeps that task alive.
        unsafe { self.unlink(header_of(last)) }
    }

    /// # Safety
    /// `ptr` is a live task's header.
    unsafe fn unlink(&mut self, ptr: NonNull<Header>) -> Option<TaskRef> {
        // SAFETY: guaranteed by the caller.
        let links = unsafe { &ptr.as_ref().links };
        let (prev, next) = (links.prev.get(), links.next.get());
        if next.is_null() {
            return None;
        }
        // SAFETY: a linked node's neighbours are the sentinel or linked
        // tasks, alive through the list's references; unlinking through
        // them keeps the ring whole, whichever list it is.
        unsafe {
            (*prev).next.set(next);
            (*next).prev.set(prev);
        }
        links.next.set(ptr::null());
        self.len -= 1;
        // SAFETY: the reference the list held since `insert` is handed over.
        Some(unsafe { TaskRef::from_raw(ptr) })
    }
}

impl Drop for OwnedTasks {
    /// Normally empty by now (shutdown pops every task); otherwise the
    /// list's references are dropped.
    fn drop(&mut self) {
        while let Some(task) = self.pop() {
            drop(task);
        }
        // SAFETY: `new` leaked this box; the ring is empty, so nothing
        // points to the sentinel any more.
        drop(unsafe { Box::from_raw(self.sentinel.as_ptr()) });
    }
}

impl fmt::Debug for OwnedTasks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedTasks").field("len", &self.len).finish()
    }
}
