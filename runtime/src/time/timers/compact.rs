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
        self.moved.sort_unstable();
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
