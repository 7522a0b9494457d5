//! A per-thread cache of freed task cells, so that a spawn after a task was
//! freed takes its memory back without a trip through the allocator (that
//! trip was about a quarter of a spawn and join).
//!
//! - Cells are grouped in size classes of [`GRAIN`] bytes, up to
//!   [`CLASSES`]` × GRAIN`; a cell of a class is allocated with the class's
//!   layout (its size rounded up, aligned to `GRAIN`), so any freed cell of
//!   a class can hold any task of that class. Larger or more aligned cells
//!   bypass the cache.
//! - A freed cell is kept only on a thread that is running a runtime
//!   ([`open`]: `context::enter` opens it for the outermost runtime, and
//!   [`close`] returns every cached cell to the allocator when that runtime
//!   is left, so a thread that no longer runs one holds nothing). The last
//!   reference to a task dropped on any other thread (a waker sent away)
//!   frees its cell to the allocator at once. A cell freed on a thread whose
//!   cache is gone (thread exit) goes to the allocator too.
//! - At most [`BUDGET`] bytes are kept per thread; past that a freed cell
//!   goes to the allocator.
//!
//! A cached cell is plain memory: the task that used it is gone (its future
//! and output were dropped first), so a cell freed by one runtime's task may
//! serve another runtime's task on this thread; nothing of the old task's
//! thread or type survives. The first word of a cached cell links it to the
//! next one of its class.

use std::alloc::{handle_alloc_error, Layout};
use std::cell::Cell;
use std::ptr::{self, NonNull};

/// The step between size classes, and the alignment of every cached cell.
const GRAIN: usize = 16;
/// Number of size classes: cells of up to `CLASSES * GRAIN` bytes are cached.
const CLASSES: usize = 64;
/// Bytes of freed cells one thread keeps at most.
const BUDGET: usize = 256 * 1024;

/// The size class of a cell of `layout`, if it has one.
pub(crate) const fn class_of(layout: Layout) -> Option<usize> {
    if cfg!(loom) || layout.align() > GRAIN || layout.size() == 0 || layout.size() > CLASSES * GRAIN {
        None
    } else {
        Some((layout.size() - 1) / GRAIN)
    }
}

/// The layout every cell of `class` is allocated with.
fn class_layout(class: usize) -> Layout {
    match Layout::from_size_align((class + 1) * GRAIN, GRAIN) {
        Ok(layout) => layout,
        Err(_) => unreachable!("a size class is a small multiple of its power-of-two alignment"),
    }
}

struct Cache {
    /// A runtime runs on this thread: freed cells may be kept.
    open: Cell<bool>,
    /// Bytes of cells kept.
    bytes: Cell<usize>,
    /// The first free cell of each class (null: none); each cell's first
    /// word points to the next.
    bins: [Cell<*mut u8>; CLASSES],
}

thread_local! {
    static CACHE: Cache = const {
        Cache { open: Cell::new(false), bytes: Cell::new(0), bins: [const { Cell::new(ptr::null_mut()) }; CLASSES] }
    };
}

impl Cache {
    fn pop(&self, class: usize) -> Option<NonNull<u8>> {
        let bin = &self.bins[class];
        let head = NonNull::new(bin.get())?;
        // SAFETY: a cell in a bin is a live allocation of the class's layout
        // that only this cache reaches; `push` wrote the next link, aligned,
        // into its first word.
        bin.set(unsafe { head.as_ptr().cast::<*mut u8>().read() });
        self.bytes.set(self.bytes.get() - class_layout(class).size());
        Some(head)
    }

    /// Keeps `cell` if the cache is open and has room; whether it did.
    ///
    /// # Safety
    /// `cell` was allocated with `class_layout(class)` and nothing uses it.
    unsafe fn push(&self, class: usize, cell: NonNull<u8>) -> bool {
        let size = class_layout(class).size();
        if !self.open.get() || self.bytes.get() + size > BUDGET {
            return false;
        }
        let bin = &self.bins[class];
        // SAFETY: the caller gives the cell up; it is at least GRAIN bytes
        // and GRAIN-aligned, so it holds a pointer.
        unsafe { cell.as_ptr().cast::<*mut u8>().write(bin.get()) };
        bin.set(cell.as_ptr());
        self.bytes.set(self.bytes.get() + size);
        true
    }

    /// Returns every kept cell to the allocator.
    fn trim(&self) {
        for (class, bin) in self.bins.iter().enumerate() {
            let mut cell = bin.replace(ptr::null_mut());
            while !cell.is_null() {
                // SAFETY: as in `pop`: a kept cell of this class, which only
                // this cache reaches; it is freed with the layout it was
                // allocated with.
                unsafe {
                    let next = cell.cast::<*mut u8>().read();
                    std::alloc::dealloc(cell, class_layout(class));
                    cell = next;
                }
            }
        }
        self.bytes.set(0);
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        self.trim();
    }
}

/// Memory for a task cell of `layout` (nonzero size): a cached cell of its
/// class if there is one, else a new allocation.
#[inline]
pub(crate) fn alloc(layout: Layout) -> NonNull<u8> {
    let layout = match class_of(layout) {
        Some(class) => {
            if let Ok(Some(cell)) = CACHE.try_with(|cache| cache.pop(class)) {
                return cell;
            }
            class_layout(class)
        }
        None => layout,
    };
    // SAFETY: `layout` has a nonzero size (the caller's, or a class's).
    let cell = unsafe { std::alloc::alloc(layout) };
    NonNull::new(cell).unwrap_or_else(|| handle_alloc_error(layout))
}

/// Gives back a cell [`alloc`] returned: kept for the next task of its class
/// if this thread's cache is open and has room, else freed.
///
/// # Safety
/// `cell` came from `alloc(layout)` with this `layout`, and nothing uses it
/// any more.
#[inline]
pub(crate) unsafe fn free(cell: NonNull<u8>, layout: Layout) {
    let layout = match class_of(layout) {
        Some(class) => {
            // SAFETY: `alloc` allocated a cell of this class with its layout.
            if CACHE.try_with(|cache| unsafe { cache.push(class, cell) }).unwrap_or(false) {
                return;
            }
            class_layout(class)
        }
        None => layout,
    };
    // SAFETY: the caller's guarantee; `alloc` used this layout.
    unsafe { std::alloc::dealloc(cell.as_ptr(), layout) };
}

/// A runtime starts running on this thread: freed cells may be kept.
pub(crate) fn open() {
    let _ = CACHE.try_with(|cache| cache.open.set(true));
}

/// No runtime runs on this thread any more: every kept cell is freed, and
/// cells freed from now on go straight to the allocator.
pub(crate) fn close() {
    let _ = CACHE.try_with(|cache| {
        cache.open.set(false);
        cache.trim();
    });
}

/// Cells kept on this thread (for tests).
#[cfg(test)]
pub(crate) fn kept() -> usize {
    CACHE.with(|cache| {
        let mut n = 0;
        for bin in &cache.bins {
            let mut cell = bin.get();
            while !cell.is_null() {
                n += 1;
                // SAFETY: as in `Cache::pop`.
                cell = unsafe { cell.cast::<*mut u8>().read() };
            }
        }
        n
    })
}
