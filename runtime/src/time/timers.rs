//! The deadline store: a min-heap of deadlines over a slab of timers.
//!
//! A timer is a slab entry (deadline, waker, fired flag); the heap holds
//! `(deadline, key, seq)` triples. Removing or resetting a timer does not
//! touch the heap: its old triple goes stale (the entry's `seq` no longer
//! matches) and is skipped when it reaches the top. So that timeout-heavy
//! loops do not grow memory, the heap is rebuilt from the live entries
//! whenever stale triples outnumber live ones.
//!
//! Called by `Sleep` (insert, poll, reset, remove) and by the executor
//! (`next_deadline` for the wait timeout, `fire` after each reactor turn).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use slab::Slab;

/// Identifies one timer in one runtime's store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimerKey {
    index: usize,
    seq: u64,
}

#[derive(Debug)]
struct Entry {
    deadline: Instant,
    /// Matches the heap triple that currently stands for this entry.
    seq: u64,
    waker: Option<Waker>,
    fired: bool,
}

/// All timers of a runtime.
#[derive(Debug, Default)]
pub(crate) struct Timers {
    entries: Slab<Entry>,
    heap: BinaryHeap<Reverse<(Instant, usize, u64)>>,
    next_seq: u64,
}

impl Timers {
    pub(crate) fn new() -> Timers {
        Timers::default()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn insert(&mut self, deadline: Instant, waker: &Waker) -> TimerKey {
        let seq = self.bump_seq();
        let index = self.entries.insert(Entry { deadline, seq, waker: Some(waker.clone()), fired: false });
        self.heap.push(Reverse((deadline, index, seq)));
        TimerKey { index, seq }
    }

    /// `Ready` once the timer has fired; otherwise keeps `cx`'s waker.
    pub(crate) fn poll(&mut self, key: TimerKey, cx: &mut Context<'_>) -> Poll<()> {
        let Some(entry) = self.entry_mut(key) else {
            return Poll::Ready(());
        };
        if entry.fired {
            return Poll::Ready(());
        }
        if !entry.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            entry.waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }

    /// Moves a timer to a new deadline and arms it again. Returns the key it
    /// now has (the old one no longer names it).
    pub(crate) fn reset(&mut self, key: TimerKey, deadline: Instant) -> Option<TimerKey> {
        let seq = self.bump_seq();
        let entry = self.entry_mut(key)?;
        entry.deadline = deadline;
        entry.seq = seq;
        entry.fired = false;
        self.heap.push(Reverse((deadline, key.index, seq)));
        self.compact_if_stale();
        Some(TimerKey { index: key.index, seq })
    }

    pub(crate) fn remove(&mut self, key: TimerKey) {
        if self.entry_mut(key).is_some() {
            self.entries.remove(key.index);
            self.compact_if_stale();
        }
    }

    /// The earliest deadline of a timer that has not fired.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(&Reverse((deadline, index, seq))) = self.heap.peek() {
            if self.is_live(index, seq) {
                return Some(deadline);
            }
            self.heap.pop();
        }
        None
    }

    /// Fires every timer whose deadline has passed, collecting its waker.
    pub(crate) fn fire(&mut self, wakers: &mut Vec<Waker>) {
        if self.heap.is_empty() {
            return;
        }
        let now = Instant::now();
        while let Some(&Reverse((deadline, index, seq))) = self.heap.peek() {
            if deadline > now {
                break;
            }
            self.heap.pop();
            if let Some(entry) = self.entries.get_mut(index).filter(|e| e.seq == seq) {
                entry.fired = true;
                wakers.extend(entry.waker.take());
            }
        }
    }

    /// Forgets every timer (the runtime is shutting down).
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.heap.clear();
    }

    fn bump_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    fn is_live(&self, index: usize, seq: u64) -> bool {
        self.entries.get(index).is_some_and(|e| e.seq == seq && !e.fired)
    }

    fn entry_mut(&mut self, key: TimerKey) -> Option<&mut Entry> {
        self.entries.get_mut(key.index).filter(|e| e.seq == key.seq)
    }

    /// Rebuilds the heap when stale triples outnumber live timers.
    fn compact_if_stale(&mut self) {
        if self.heap.len() > 64 && self.heap.len() > 2 * self.entries.len() {
            let live = self.entries.iter().filter(|(_, e)| !e.fired);
            self.heap = live.map(|(i, e)| Reverse((e.deadline, i, e.seq))).collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;
    use std::time::Duration;

    #[test]
    fn timers_fire_only_expired_in_deadline_order() {
        let mut t = Timers::new();
        let now = Instant::now();
        let late = t.insert(now + Duration::from_secs(60), Waker::noop());
        let early = t.insert(now - Duration::from_millis(1), Waker::noop());
        assert_eq!(t.next_deadline(), Some(now - Duration::from_millis(1)));
        let mut woken = Vec::new();
        t.fire(&mut woken);
        assert_eq!(woken.len(), 1);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(t.poll(early, &mut cx).is_ready());
        assert!(t.poll(late, &mut cx).is_pending());
        assert_eq!(t.next_deadline(), Some(now + Duration::from_secs(60)));
    }

    #[test]
    fn timers_removed_entries_do_not_grow_the_heap() {
        let mut t = Timers::new();
        let far = Instant::now() + Duration::from_secs(3600);
        for _ in 0..100_000 {
            let k = t.insert(far, Waker::noop());
            t.remove(k);
        }
        assert_eq!(t.len(), 0);
        assert!(t.heap.len() <= 128, "heap kept {} stale entries", t.heap.len());
    }

    #[test]
    fn timers_reset_moves_the_deadline() {
        let mut t = Timers::new();
        let now = Instant::now();
        let k = t.insert(now + Duration::from_secs(60), Waker::noop());
        let k = t.reset(k, now - Duration::from_millis(1)).unwrap();
        let mut woken = Vec::new();
        t.fire(&mut woken);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(t.poll(k, &mut cx).is_ready());
        assert_eq!(t.next_deadline(), None);
    }
}
