//! The firing half of the deadline store: walking the wheel's slots and
//! the lane's front up to `now` (see `timers.rs`).

use std::task::Waker;

use super::wheel::TICK_SHIFT;
use super::{Instant, Timers, NIL};

impl Timers {
    /// Walks the wheel's slots up to `now` and the lane's front: cascades,
    /// fires, and sets `wheel_wake` again.
    pub(super) fn fire_due(&mut self, now: Instant, wakers: &mut Vec<Waker>) {
        let now_tick = self.nanos(now) >> TICK_SHIFT;
        let mut lane_tick = self.lane_tick();
        while let Some((level, slot)) = self.wheel.first() {
            let start = self.wheel.start(level, slot);
            if start > now_tick {
                break;
            }
            self.wheel.elapsed = start;
            let mut at = self.wheel.take(level, slot);
            // Cascade: each timer goes to a lower level (its tick is at or
            // after `start`, in this slot's range).
            if level > 0 {
                self.wheel.cascade(&mut self.entries, at, level);
                continue;
            }
            // The lane's timers due before this tick go first.
            if lane_tick < start {
                self.fire_lane(self.instant((start << TICK_SHIFT) - 1), wakers);
                lane_tick = self.lane_tick();
            }
            // A tick that has passed: all its timers are due.
            if start < now_tick {
                while at != NIL {
                    let next = self.entries[at].next;
                    self.fire_one(at, wakers);
                    at = next;
                }
                continue;
            }
            // The current tick: those due fire, the others go back.
            while at != NIL {
                let (next, ns) = (self.entries[at].next, self.entries[at].ns);
                if self.entries[at].deadline <= now {
                    self.fire_one(at, wakers);
                } else {
                    self.wheel.link(&mut self.entries, at, ns);
                }
                at = next;
            }
            break;
        }
        // Every slot before `now_tick` is done; those after it stay put.
        self.wheel.elapsed = self.wheel.elapsed.max(now_tick);
        self.fire_lane(now, wakers);
        let _ = self.next_deadline();
        self.maybe_shrink();
    }

    /// The tick of the lane's first deadline (`u64::MAX` if it is empty).
    fn lane_tick(&self) -> u64 {
        match self.entries.get(self.wheel.lane.head) {
            Some(first) => self.nanos(first.deadline) >> TICK_SHIFT,
            None => u64::MAX,
        }
    }

    /// Fires the lane's timers due at or before `through`.
    #[inline]
    fn fire_lane(&mut self, through: Instant, wakers: &mut Vec<Waker>) {
        loop {
            let head = self.wheel.lane.head;
            match self.entries.get(head) {
                Some(entry) if entry.deadline <= through => {}
                _ => return,
            }
            self.unlink(head);
            self.fire_one(head, wakers);
        }
    }

    /// Takes the timer in slot `index` (in no list) out and its waker to
    /// `wakers` (one copy for the three places that fire).
    #[inline(never)]
    fn fire_one(&mut self, index: usize, wakers: &mut Vec<Waker>) {
        wakers.push(self.release(index));
    }
}
