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

/// Sorts the move record by `seq` (the seqs are distinct), in O(n) passes:
/// a least-significant-digit radix sort on `seq - min`, 11 bits a pass, as
/// many passes as the seqs' range needs (a burst's seqs are close: two or
/// three). Written out for this one type, so that a program with timers
/// does not link std's whole generic unstable sort (about 5k bytes) for a
/// path that runs only after a burst; faster than that sort on the record
/// (which comes in slot order), and than a heap sort (which cost the
/// 20k-sleeps micro 65 instructions a sleep). The passes are counted
/// first, so the compiler does not unroll all six (2.3k bytes; 1k so).
pub(super) fn sort_by_seq(v: &mut [(u64, usize)]) {
    const BITS: u32 = 11;
    const MASK: u64 = (1 << BITS) - 1;
    if v.len() < 2 {
        return;
    }
    let (mut min, mut max) = (u64::MAX, 0);
    for &(seq, _) in v.iter() {
        min = min.min(seq);
        max = max.max(seq);
    }
    // One pass a digit of the range (at most six).
    let passes = (u64::BITS - (max - min).leading_zeros()).div_ceil(BITS);
    let mut buf = vec![(0, 0); v.len()];
    let mut starts = [0usize; 1 << BITS];
    let (mut src, mut dst) = (&mut *v, &mut buf[..]);
    for pass in 0..passes {
        let shift = pass * BITS;
        starts.fill(0);
        for &(seq, _) in src.iter() {
            starts[((seq - min) >> shift & MASK) as usize] += 1;
        }
        let mut at = 0;
        for start in starts.iter_mut() {
            (*start, at) = (at, at + *start);
        }
        for &entry in src.iter() {
            let digit = ((entry.0 - min) >> shift & MASK) as usize;
            dst[starts[digit]] = entry;
            starts[digit] += 1;
        }
        std::mem::swap(&mut src, &mut dst);
    }
    // After an odd number of passes the sorted record is in `buf`.
    if passes % 2 == 1 {
        v.copy_from_slice(&buf);
    }
}
