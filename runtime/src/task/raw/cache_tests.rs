//! Tests of the blocks task cells are carved from (`raw/cache.rs`): a burst
//! of cells comes from one allocation, a block counts the cells not given
//! back to it, and it is freed when the last one comes back, on whatever
//! thread. They call the cache directly (no runtime), so they run under
//! Miri, which also checks that every block is freed, and only once:
//! `cargo +nightly miri test -p runtime --lib task::`.

use std::alloc::Layout;
use std::ptr::NonNull;

use super::cache::{self, alloc, block_cells, free, kept, live_in, Block};

/// A task-sized cell layout.
const LAYOUT: Layout = match Layout::from_size_align(200, 8) {
    Ok(layout) => layout,
    Err(_) => panic!("a small layout"),
};

/// A cell taken from the cache, with its block.
struct Taken(NonNull<u8>, Block);

impl Taken {
    fn new() -> Taken {
        let (cell, block) = alloc(LAYOUT);
        Taken(cell, block)
    }

    fn give_back(self) {
        // SAFETY: from `alloc(LAYOUT)`, unused, given back once.
        unsafe { free(self.0, LAYOUT, self.1) }
    }
}

// SAFETY: a cell is plain memory that nothing else uses; a test moves one
// it holds to another thread to free it there.
unsafe impl Send for Taken {}

#[test]
fn task_cache_blocks_carve_a_burst_from_one_allocation() {
    let per_block = block_cells(LAYOUT).expect("a task-sized cell has a class");
    assert!(per_block >= 2);
    cache::open();
    let cells: Vec<Taken> = (0..per_block).map(|_| Taken::new()).collect();
    for pair in cells.windows(2) {
        let step = pair[1].0.as_ptr() as usize - pair[0].0.as_ptr() as usize;
        assert!(step >= LAYOUT.size() && step < LAYOUT.size() + 16, "adjacent cells, {step} bytes apart");
        assert_eq!(live_in(pair[0].1), live_in(pair[1].1), "one block");
    }
    assert_eq!(live_in(cells[0].1), Some(per_block), "every cell of the block is out");
    let next = Taken::new();
    assert_eq!(live_in(next.1), Some(per_block), "a new block, its first cell carved");
    for cell in cells {
        cell.give_back();
    }
    assert_eq!(kept(), per_block, "freed cells are kept for the next spawns");
    next.give_back();
    cache::close();
    assert_eq!(kept(), 0, "closing gives every kept cell back (Miri: and frees both blocks)");
}

#[test]
fn task_cache_blocks_outlive_the_cache_until_their_last_cell_comes_back() {
    cache::open();
    let first = Taken::new();
    let second = Taken::new();
    let per_block = block_cells(LAYOUT).expect("a class");
    assert_eq!(live_in(first.1), Some(per_block));
    cache::close();
    assert_eq!(live_in(first.1), Some(2), "closing gave the uncarved cells back");
    first.give_back();
    assert_eq!(kept(), 0, "a closed cache keeps nothing");
    assert_eq!(live_in(second.1), Some(1), "the first cell went back to its block");
    // The last cell comes back on another thread, which frees the block.
    std::thread::spawn(move || second.give_back()).join().unwrap();
}

#[test]
fn task_cache_blocks_are_not_carved_outside_a_runtime() {
    cache::close();
    let cell = Taken::new();
    assert_eq!(live_in(cell.1), None, "a closed cache takes from the allocator");
    cell.give_back();
    assert_eq!(kept(), 0);
}
