//! The compaction half of the deadline store: moving timers to low slots
//! after a burst, with the record that keeps their keys valid (see
//! `timers.rs`, "Memory falls back after a burst").

use super::wheel::LANE;
use super::{Timers, NIL};

impl Timers {
    /// Moves the timers in high slots to free low ones (marking each one
    /// moved), rebuilds the record of moved timers and gives the unused
    /// capacity back. The wheel's lists are linked again after the moves,
    /// in the order they had before.
    #[cold]
    pub(super) fn shrink(&mut self) {
        // Every list, in order: (list code, slot) runs.
        let mut lists = Vec::with_capacity(self.entries.len());
        let heads = std::iter::once((LANE, self.wheel.lane.head));
        for (code, mut at) in heads.chain(self.wheel.lists.iter().enumerate().map(|(c, l)| (c as u16, l.head))) {
            while at != NIL {
                lists.push((code, at));
                at = self.entries[at].next;
            }
        }
        // Where each moved timer went, by the slot it left.
        let mut to_of = vec![NIL; self.entries.capacity()];
        self.entries.compact(|entry, from, to| {
            entry.moved = true;
            to_of[from] = to;
            true
        });
        self.moved.clear();
        self.moved.extend(self.entries.iter().filter(|(_, e)| e.moved).map(|(slot, e)| (e.seq, slot)));
        sort_by_seq(&mut self.moved);
        self.marked = self.moved.len();
        self.moved.shrink_to_fit();
        // The lists again, from empty, appended to in the old order; the
        // bounds come out exact.
        let elapsed = self.wheel.elapsed;
        self.wheel.reset();
        self.wheel.elapsed = elapsed;
        for (code, from) in lists {
            let index = match to_of[from] {
                NIL => from,
                to => to,
            };
            self.wheel.append(&mut self.entries, index, code);
            self.wheel.occupy(code, self.entries[index].ns);
        }
    }
}

/// Sorts the move record by `seq` (the seqs are distinct), in place, in
/// O(n log n): a heap sort written out for this one type, so that a program
/// with timers does not link std's whole generic unstable sort (about 5k
/// bytes) for a path that runs only after a burst.
pub(super) fn sort_by_seq(v: &mut [(u64, usize)]) {
    // Builds a max-heap, then moves its top to the end, one by one.
    for start in (0..v.len() / 2).rev() {
        sift_down(v, start, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

/// Moves `v[at]` down the heap `v[..len]` until neither child is greater.
fn sift_down(v: &mut [(u64, usize)], mut at: usize, len: usize) {
    loop {
        let mut child = 2 * at + 1;
        if child >= len {
            return;
        }
        if child + 1 < len && v[child + 1].0 > v[child].0 {
            child += 1;
        }
        if v[at].0 >= v[child].0 {
            return;
        }
        v.swap(at, child);
        at = child;
    }
}
