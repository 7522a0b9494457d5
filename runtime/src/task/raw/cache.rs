//! A per-thread cache of task cells: cells of a size class are carved from
//! blocks of several (one allocation for many tasks), and a freed cell is
//! kept for the next spawn of its class, so that a spawn takes its memory
//! without a trip through the allocator, and a burst of spawns takes one
//! trip per block (that trip, a `malloc` and a `free` per task, was about
//! 350 instructions of the ~2,000 a sleeping task costs with 100,000 alive).
//!
//! - Cells are grouped in size classes of [`GRAIN`] bytes, up to
//!   [`CLASSES`]` × GRAIN`; a cell of a class has the class's size (its
//!   layout's, rounded up) and alignment `GRAIN`, so any free cell of a
//!   class can hold any task of that class. Larger or more aligned cells
//!   bypass the cache, and go to the allocator one by one.
//! - A cell is carved from a *block*: about [`BLOCK_BYTES`] of cells of its
//!   class behind a small head that counts the block's cells not given back
//!   to it (`live`: carved and in use, or kept in some thread's cache, or
//!   not carved yet). A cell given back decrements it; the one that brings
//!   it to zero frees the block. That may happen on any thread (the count
//!   is atomic), so a task's last reference may still be dropped anywhere.
//!   A cell given back to its block is not reused: its memory returns when
//!   all of the block's cells have, so one long-lived task can hold at most
//!   one block's memory (about [`BLOCK_BYTES`]) beyond its own cell.
//! - Cells are carved, and freed cells kept, only on a thread that is
//!   running a runtime ([`open`]: `context::enter` opens it for the
//!   outermost runtime, and [`close`] gives every kept cell and the rest
//!   of every block being carved back when that runtime is left, so a
//!   thread that no longer runs one holds nothing). Elsewhere a cell is
//!   taken from the allocator alone, and a freed cell goes back to its
//!   block (or to the allocator) at once; so does one freed on a thread
//!   whose cache is gone (thread exit).
//! - At most [`BUDGET`] bytes of freed cells are kept per thread; past that
//!   a freed cell goes back to its block.
//!
//! A kept cell is plain memory: the task that used it is gone (its future
//! and output were dropped first), so a cell freed by one runtime's task may
//! serve another runtime's task on this thread; nothing of the old task's
//! thread or type survives. The first word of a kept cell links it to the
//! next one of its class, the second names its block.

use std::alloc::{handle_alloc_error, Layout};
use std::cell::Cell;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The step between size classes, and the alignment of every cached cell.
const GRAIN: usize = 16;
/// Number of size classes: cells of up to `CLASSES * GRAIN` bytes are cached.
const CLASSES: usize = 64;
/// Bytes of freed cells one thread keeps at most.
const BUDGET: usize = 256 * 1024;
/// About the bytes of cells in one block (at least two cells, at most 32).
const BLOCK_BYTES: usize = 4096;

/// The size class of a cell of `layout`, if it has one.
pub(crate) const fn class_of(layout: Layout) -> Option<usize> {
    if cfg!(loom) || layout.align() > GRAIN || layout.size() == 0 || layout.size() > CLASSES * GRAIN {
        None
    } else {
        Some((layout.size() - 1) / GRAIN)
    }
}

/// The layout every cell of `class` has.
fn class_layout(class: usize) -> Layout {
    match Layout::from_size_align((class + 1) * GRAIN, GRAIN) {
        Ok(layout) => layout,
        Err(_) => unreachable!("a size class is a small multiple of its power-of-two alignment"),
    }
}

/// The head of a block, followed by its cells.
#[repr(C, align(16))]
struct Head {
    /// The block's cells not given back to it.
    live: AtomicUsize,
    /// Its cells' class.
    class: usize,
}

/// Where a block's first cell starts (a multiple of `GRAIN`).
const HEAD: usize = std::mem::size_of::<Head>();

/// How many cells a block of `class` holds.
fn cells_per_block(class: usize) -> usize {
    (BLOCK_BYTES / class_layout(class).size()).clamp(2, 32)
}

/// The layout of a block of `class`.
fn block_layout(class: usize) -> Layout {
    let size = HEAD + cells_per_block(class) * class_layout(class).size();
    match Layout::from_size_align(size, GRAIN) {
        Ok(layout) => layout,
        Err(_) => unreachable!("a block is a few KiB, aligned to a small power of two"),
    }
}

/// The block a cell was carved from, or none (a cell from the allocator
/// alone). A task's header keeps it for [`free`].
#[derive(Clone, Copy)]
pub(crate) struct Block(Option<NonNull<Head>>);

// SAFETY: a block is reached only through its atomic count and its class,
// which never changes; it is freed by whoever brings the count to zero.
unsafe impl Send for Block {}
// SAFETY: as for `Send`.
unsafe impl Sync for Block {}

impl Block {
    /// Gives `n` of the block's cells back (none of them used any more);
    /// the last frees the block.
    ///
    /// # Safety
    /// The block is live and the caller holds `n` of its cells.
    unsafe fn give_back(head: NonNull<Head>, n: usize) {
        // SAFETY: the block is live while the caller holds cells of it.
        let (live, class) = unsafe { (&(*head.as_ptr()).live, (*head.as_ptr()).class) };
        // Release: this holder's last use of its cells happens before the
        // free. Acquire: the free, by whoever brings the count to zero,
        // happens after every other holder's. (As one `AcqRel`, not a
        // `Release` and a later `fence(Acquire)`: ThreadSanitizer does not
        // model fences; on x86 it is the same `lock xadd`.)
        if live.fetch_sub(n, Ordering::AcqRel) == n {
            // SAFETY: no cell of the block is held any more; the block was
            // allocated with this layout.
            unsafe { std::alloc::dealloc(head.as_ptr().cast(), block_layout(class)) };
        }
    }
}

/// The block being carved for one class: the next cell and how many are left.
#[derive(Clone, Copy)]
struct Carving {
    head: *mut Head,
    next: *mut u8,
    left: usize,
}

const NOT_CARVING: Carving = Carving { head: ptr::null_mut(), next: ptr::null_mut(), left: 0 };

struct Cache {
    /// A runtime runs on this thread: cells may be carved and freed cells kept.
    open: Cell<bool>,
    /// Bytes of cells kept.
    bytes: Cell<usize>,
    /// The first free cell of each class (null: none); each cell's first
    /// word points to the next, its second to its block (or is null).
    bins: [Cell<*mut u8>; CLASSES],
    /// The block each class carves from.
    carving: [Cell<Carving>; CLASSES],
}

thread_local! {
    static CACHE: Cache = const {
        Cache {
            open: Cell::new(false),
            bytes: Cell::new(0),
            bins: [const { Cell::new(ptr::null_mut()) }; CLASSES],
            carving: [const { Cell::new(NOT_CARVING) }; CLASSES],
        }
    };
}

impl Cache {
    /// A cell of `class`: a kept one, or carved (only while open).
    #[inline]
    fn take(&self, class: usize) -> Option<(NonNull<u8>, Block)> {
        let bin = &self.bins[class];
        if let Some(head) = NonNull::new(bin.get()) {
            // SAFETY: a cell in a bin is a cell of the class that only this
            // cache reaches; `push` wrote its two words, aligned.
            let (next, block) =
                unsafe { (head.as_ptr().cast::<*mut u8>().read(), head.as_ptr().cast::<Block>().add(1).read()) };
            bin.set(next);
            self.bytes.set(self.bytes.get() - class_layout(class).size());
            return Some((head, block));
        }
        if !self.open.get() {
            return None;
        }
        self.carve(class)
    }

    /// The next cell of the class's block, starting a new block if needed.
    #[inline]
    fn carve(&self, class: usize) -> Option<(NonNull<u8>, Block)> {
        let slot = &self.carving[class];
        let mut carving = slot.get();
        if carving.left == 0 {
            carving = Self::new_block(class);
        }
        let cell = NonNull::new(carving.next)?;
        // SAFETY: `left` cells remain from `next` on, each of the class's
        // size: the next one starts inside the block or just past it.
        carving.next = unsafe { carving.next.add(class_layout(class).size()) };
        carving.left -= 1;
        slot.set(carving);
        Some((cell, Block(NonNull::new(carving.head))))
    }

    /// A new block of `class`, all of its cells live (not carved yet).
    #[cold]
    fn new_block(class: usize) -> Carving {
        let layout = block_layout(class);
        // SAFETY: a block has a nonzero size.
        let base = unsafe { std::alloc::alloc(layout) };
        if base.is_null() {
            handle_alloc_error(layout);
        }
        let cells = cells_per_block(class);
        let head = base.cast::<Head>();
        // SAFETY: the block starts with room for its head, aligned.
        unsafe { head.write(Head { live: AtomicUsize::new(cells), class }) };
        // SAFETY: the cells start `HEAD` bytes into the block.
        Carving { head, next: unsafe { base.add(HEAD) }, left: cells }
    }

    /// Keeps `cell` if the cache is open and has room; whether it did.
    ///
    /// # Safety
    /// `cell` is a cell of `class` (from `block`) and nothing uses it.
    unsafe fn push(&self, class: usize, cell: NonNull<u8>, block: Block) -> bool {
        let size = class_layout(class).size();
        if !self.open.get() || self.bytes.get() + size > BUDGET {
            return false;
        }
        let bin = &self.bins[class];
        // SAFETY: the caller gives the cell up; it is at least GRAIN bytes
        // and GRAIN-aligned, so it holds two pointers.
        unsafe {
            cell.as_ptr().cast::<*mut u8>().write(bin.get());
            cell.as_ptr().cast::<Block>().add(1).write(block);
        }
        bin.set(cell.as_ptr());
        self.bytes.set(self.bytes.get() + size);
        true
    }

    /// Gives every kept cell, and the uncarved rest of every block being
    /// carved, back.
    fn trim(&self) {
        for (class, bin) in self.bins.iter().enumerate() {
            let mut cell = bin.replace(ptr::null_mut());
            while !cell.is_null() {
                // SAFETY: as in `take`: a kept cell of this class, which only
                // this cache reaches, given back once.
                unsafe {
                    let next = cell.cast::<*mut u8>().read();
                    let block = cell.cast::<Block>().add(1).read();
                    give_back(NonNull::new_unchecked(cell), class, block);
                    cell = next;
                }
            }
        }
        self.bytes.set(0);
        for slot in &self.carving {
            let carving = slot.replace(NOT_CARVING);
            if let Some(head) = NonNull::new(carving.head).filter(|_| carving.left > 0) {
                // SAFETY: the uncarved cells are this cache's to give back.
                unsafe { Block::give_back(head, carving.left) };
            }
        }
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        self.trim();
    }
}

/// Returns a cell nothing uses to its block, or to the allocator.
///
/// # Safety
/// `cell` is a cell of `class` from `block` (from the allocator if none),
/// unused, given back once.
unsafe fn give_back(cell: NonNull<u8>, class: usize, block: Block) {
    match block.0 {
        // SAFETY: the caller holds this cell of the block.
        Some(head) => unsafe { Block::give_back(head, 1) },
        // SAFETY: such a cell came from the allocator with this layout.
        None => unsafe { std::alloc::dealloc(cell.as_ptr(), class_layout(class)) },
    }
}

/// Memory for a task cell of `layout` (nonzero size), and its block: a kept
/// cell of its class, a carved one, or a new allocation.
#[inline]
pub(crate) fn alloc(layout: Layout) -> (NonNull<u8>, Block) {
    let layout = match class_of(layout) {
        Some(class) => {
            if let Ok(Some(got)) = CACHE.try_with(|cache| cache.take(class)) {
                return got;
            }
            class_layout(class)
        }
        None => layout,
    };
    // SAFETY: `layout` has a nonzero size (the caller's, or a class's).
    let cell = unsafe { std::alloc::alloc(layout) };
    (NonNull::new(cell).unwrap_or_else(|| handle_alloc_error(layout)), Block(None))
}

/// Gives back a cell [`alloc`] returned: kept for the next task of its class
/// if this thread's cache is open and has room, else back to its block (or
/// the allocator).
///
/// # Safety
/// `cell` and `block` came from `alloc(layout)` with this `layout`, and
/// nothing uses the cell any more.
#[inline]
pub(crate) unsafe fn free(cell: NonNull<u8>, layout: Layout, block: Block) {
    match class_of(layout) {
        Some(class) => {
            // SAFETY: `alloc` gave a cell of this class, of `block`.
            if CACHE.try_with(|cache| unsafe { cache.push(class, cell, block) }).unwrap_or(false) {
                return;
            }
            // SAFETY: the caller's guarantee.
            unsafe { give_back(cell, class, block) }
        }
        // SAFETY: the caller's guarantee; `alloc` used this layout.
        None => unsafe { std::alloc::dealloc(cell.as_ptr(), layout) },
    }
}

/// A runtime starts running on this thread: cells may be carved and freed
/// cells kept.
pub(crate) fn open() {
    let _ = CACHE.try_with(|cache| cache.open.set(true));
}

/// No runtime runs on this thread any more: every kept cell, and the rest
/// of every block being carved, is given back, and cells freed from now on
/// go straight back.
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
                // SAFETY: as in `Cache::take`.
                cell = unsafe { cell.cast::<*mut u8>().read() };
            }
        }
        n
    })
}

/// The cells of `block` not given back to it (for tests).
#[cfg(test)]
pub(crate) fn live_in(block: Block) -> Option<usize> {
    // SAFETY: the caller holds a cell of the block, so it is live.
    block.0.map(|head| unsafe { (*head.as_ptr()).live.load(Ordering::Relaxed) })
}

/// How many cells a block of `layout`'s class holds (for tests).
#[cfg(test)]
pub(crate) fn block_cells(layout: Layout) -> Option<usize> {
    class_of(layout).map(cells_per_block)
}
