//! The compaction half of the deadline store: moving timers to low slots
//! after a burst, with the record that keeps their keys valid (see
//! `timers.rs`, "Memory falls back after a burst").

use super::wheel::LEVELS;
use super::{TimerKey, Timers, NIL};

impl Timers {
    /// Moves the timers in high slots to free low ones (marking each one
    /// moved), rebuilds the record of moved timers and gives the unused
    /// capacity back. The wheel's lists are linked again after the moves,
    /// in the order they had before.
    #[cold]
    pub(super) fn shrink(&mut self) {
        // Every list, in order: (wheel slot, key) runs.
        let mut lists = Vec::with_capacity(self.entries.len());
        for level in 0..LEVELS {
            for (slot, list) in self.wheel.lists[level].iter().enumerate() {
                let mut at = list.head;
                while at != NIL {
                    let entry = &self.entries[at];
                    lists.push((level, slot, TimerKey { index: at, seq: entry.seq }));
                    at = entry.next;
                }
            }
        }
        self.entries.compact(|entry, _from, _to| {
            entry.moved = true;
            true
        });
        self.moved.clear();
        self.moved.extend(self.entries.iter().filter(|(_, e)| e.moved).map(|(slot, e)| (e.seq, slot)));
        self.moved.sort_unstable();
        self.marked = self.moved.len();
        self.moved.shrink_to_fit();
        // The lists again, emptied and then appended to in the old order;
        // occupancy and bounds come out as they were.
        for &(level, slot, _) in &lists {
            let _ = self.wheel.take(level, slot);
        }
        for (level, slot, key) in lists {
            let index = self.find(key).expect("a timer survives compaction");
            self.wheel.append(&mut self.entries, index, level, slot);
            let bound = &mut self.wheel.bounds[level][slot];
            *bound = (*bound).min(self.entries[index].deadline);
        }
    }
}
