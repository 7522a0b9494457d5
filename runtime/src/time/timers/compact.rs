//! The compaction half of the deadline store: moving timers to low slots
//! after a burst, with the record that keeps their keys valid (see
//! `timers.rs`, "Memory falls back after a burst").

use super::wheel::{Wheel, LANE, LEVELS};
use super::{TimerKey, Timers, NIL};

impl Timers {
    /// Moves the timers in high slots to free low ones (marking each one
    /// moved), rebuilds the record of moved timers and gives the unused
    /// capacity back. The wheel's lists are linked again after the moves,
    /// in the order they had before.
    #[cold]
    pub(super) fn shrink(&mut self) {
        // Every list, in order: (list code, key) runs.
        let mut lists = Vec::with_capacity(self.entries.len());
        let mut heads = vec![(LANE, self.wheel.lane.head)];
        for level in 0..LEVELS {
            for (slot, list) in self.wheel.lists[level].iter().enumerate() {
                heads.push(((level * 64 + slot) as u16, list.head));
            }
        }
        for (code, mut at) in heads {
            while at != NIL {
                let entry = &self.entries[at];
                lists.push((code, TimerKey { index: at, seq: entry.seq }));
                at = entry.next;
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
        // The lists again, from empty, appended to in the old order; the
        // bounds come out exact.
        let elapsed = self.wheel.elapsed;
        self.wheel = Wheel::new();
        self.wheel.elapsed = elapsed;
        for (code, key) in lists {
            let index = self.find(key).expect("a timer survives compaction");
            self.wheel.append(&mut self.entries, index, code);
            self.wheel.occupy(code, self.entries[index].ns);
        }
    }
}
