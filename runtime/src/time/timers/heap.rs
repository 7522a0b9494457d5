//! The heap half of the deadline store: sifting nodes and keeping each
//! entry's record of where its node sits (see `timers.rs`).

use super::Timers;
use crate::time::instant::Instant;

/// One heap node; ordered by `(deadline, seq)`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Node {
    pub(super) deadline: Instant,
    pub(super) seq: u64,
    /// The timer's slab slot.
    pub(super) index: usize,
}

impl Node {
    #[inline]
    pub(super) fn before(&self, other: &Node) -> bool {
        (self.deadline, self.seq) < (other.deadline, other.seq)
    }
}

impl Timers {
    /// Takes the node at heap position `pos` out of the heap.
    pub(super) fn heap_remove(&mut self, pos: usize) {
        self.heap.swap_remove(pos);
        if let Some(&last) = self.heap.get(pos) {
            // The last node filled the hole: put it in its place.
            if pos == 0 {
                self.sift_down_from_root(last);
            } else if last.before(&self.heap[(pos - 1) / 2]) {
                self.sift_up(pos);
            } else {
                self.sift_down(pos);
            }
        }
    }

    pub(super) fn sift_up(&mut self, mut pos: usize) {
        let node = self.heap[pos];
        while pos > 0 {
            let parent = (pos - 1) / 2;
            if !node.before(&self.heap[parent]) {
                break;
            }
            self.place(pos, self.heap[parent]);
            pos = parent;
        }
        self.place(pos, node);
    }

    pub(super) fn sift_down(&mut self, mut pos: usize) {
        let node = self.heap[pos];
        while let Some(child) = self.earlier_child(pos) {
            if !self.heap[child].before(&node) {
                break;
            }
            self.place(pos, self.heap[child]);
            pos = child;
        }
        self.place(pos, node);
    }

    /// Fills the hole at the root with `node` (the heap's last, so most
    /// likely one that belongs near the bottom): as std's `BinaryHeap::pop`,
    /// moves the hole down to a leaf along the earlier children, one
    /// comparison a level, then sifts `node` up from there.
    pub(super) fn sift_down_from_root(&mut self, node: Node) {
        let mut pos = 0;
        while let Some(child) = self.earlier_child(pos) {
            self.place(pos, self.heap[child]);
            pos = child;
        }
        self.place(pos, node);
        self.sift_up(pos);
    }

    /// The child of heap position `pos` that comes first, if it has one.
    #[inline]
    fn earlier_child(&self, pos: usize) -> Option<usize> {
        let (left, right) = (2 * pos + 1, 2 * pos + 2);
        match self.heap.get(right) {
            Some(r) if r.before(&self.heap[left]) => Some(right),
            _ if left < self.heap.len() => Some(left),
            _ => None,
        }
    }

    /// Puts `node` at heap position `pos` and tells its entry.
    #[inline]
    pub(super) fn place(&mut self, pos: usize, node: Node) {
        #[cfg(test)]
        {
            self.sift_steps += 1;
        }
        self.heap[pos] = node;
        self.entries[node.index].pos = pos;
    }
}
