//! The compaction half of the deadline store: moving timers to low slots
//! after a burst, with the record that keeps their keys valid (see
//! `timers.rs`, "Memory falls back after a burst").

use super::{Lane, TimerKey, Timers, IN_LANE, NIL};

impl Timers {
    /// Moves the timers in high slots to free low ones (marking each one
    /// moved), rebuilds the record of moved timers and gives the unused
    /// capacity back. Lane links are fixed after the moves, from the lane's
    /// order taken before them.
    #[cold]
    pub(super) fn shrink(&mut self) {
        let mut lane = Vec::new();
        let mut slot = self.lane.head;
        while slot != NIL {
            let entry = &self.entries[slot];
            lane.push(TimerKey { index: slot, seq: entry.seq });
            slot = entry.next;
        }
        let Timers { entries, heap, .. } = self;
        entries.compact(|entry, _from, to| {
            if entry.pos != IN_LANE {
                heap[entry.pos].index = to;
            }
            entry.moved = true;
            true
        });
        self.moved.clear();
        self.moved.extend(self.entries.iter().filter(|(_, e)| e.moved).map(|(slot, e)| (e.seq, slot)));
        self.moved.sort_unstable();
        self.marked = self.moved.len();
        self.moved.shrink_to_fit();
        let (mut prev, mut first) = (NIL, NIL);
        for key in lane {
            let slot = self.find(key).expect("a lane timer survives compaction");
            let entry = &mut self.entries[slot];
            (entry.prev, entry.next) = (prev, NIL);
            match prev {
                NIL => first = slot,
                _ => self.entries[prev].next = slot,
            }
            prev = slot;
        }
        self.lane = Lane { head: first, tail: prev };
        self.heap.shrink_to_fit();
    }
}
