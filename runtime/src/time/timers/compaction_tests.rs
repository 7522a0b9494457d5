//! Keys that outlive compactions: the sorted move record (`moved`) and the
//! wheel's lists linked again after the slab moves their timers.

use super::tests::{check, noop, store};
use super::*;
use std::time::Duration;

/// Arms `n` timers in slots past the ones already used, so that removing
/// them makes the store compact, and returns their keys.
fn burst(t: &mut Timers, now: Instant, n: u64) -> Vec<TimerKey> {
    (0..n).map(|i| t.insert(now + Duration::from_secs(3_600 + i % 977), noop())).collect()
}

/// A timer moved by one compaction and then by another is still found,
/// re-armed, and cancelled by the key it was armed with; and once every
/// moved timer is gone the record is dropped.
#[test]
fn timers_keys_survive_two_compactions() {
    let mut t = store();
    let now = Instant::now();
    let first = burst(&mut t, now, 4_000);
    // Survivors in high slots, so the compaction moves them.
    let survivors: Vec<_> = first.iter().copied().rev().step_by(997).collect();
    for key in first.iter().filter(|k| !survivors.contains(k)) {
        assert!(t.remove(*key).is_some());
    }
    check(&t);
    assert!(t.marked > 0, "the first compaction moved none of the survivors");
    let second = burst(&mut t, now, 4_000);
    for key in &second {
        assert!(t.remove(*key).is_some());
    }
    check(&t);
    for (i, key) in survivors.iter().enumerate() {
        assert_eq!(t.poll(*key, &noop()), TimerPoll::Pending, "survivor {i}");
        assert!(t.reset(*key, now + Duration::from_millis(i as u64 + 1)), "re-armed after compaction");
    }
    check(&t);
    let mut woken = Vec::new();
    let _ = t.fire(|| now + Duration::from_millis(1), &mut woken);
    assert_eq!(woken.len(), 1, "the re-armed deadlines hold");
    assert_eq!(t.poll(survivors[0], &noop()), TimerPoll::Fired);
    for key in &survivors[1..] {
        assert!(t.remove(*key).is_some(), "cancelled after compaction");
        assert_eq!(t.poll(*key, &noop()), TimerPoll::Fired);
    }
    assert_eq!(t.len(), 0);
    assert!(t.moved.is_empty() && t.marked == 0, "the record goes with the last moved timer");
}

/// A moved timer's record outlives it; a new timer armed in the slot the
/// record names is not mistaken for it, and the old key removes nothing.
#[test]
fn timers_a_gone_moved_timer_does_not_name_its_slots_next_timer() {
    let mut t = store();
    let now = Instant::now();
    let keys = burst(&mut t, now, 2_000);
    let (moved_a, moved_b) = (keys[1_999], keys[1_998]);
    for key in &keys[..1_998] {
        assert!(t.remove(*key).is_some());
    }
    assert_eq!(t.marked, 2);
    assert!(t.remove(moved_a).is_some());
    assert_eq!(t.marked, 1, "one moved timer left, so the record stays");
    // The freed low slot takes a new timer; the gone timer's record names it.
    let fresh = t.insert(now + Duration::from_secs(1), noop());
    assert_eq!(t.poll(moved_a, &noop()), TimerPoll::Fired);
    assert!(!t.reset(moved_a, now), "a gone timer's key re-arms nothing");
    assert!(t.remove(moved_a).is_none(), "and cancels nothing");
    assert_eq!(t.poll(fresh, &noop()), TimerPoll::Pending);
    assert_eq!(t.poll(moved_b, &noop()), TimerPoll::Pending);
    check(&t);
    assert!(t.remove(moved_b).is_some());
    assert!(t.remove(fresh).is_some());
    assert!(t.moved.is_empty());
}

/// Timers at every level from the first to the fourth (65 µs to 18
/// minutes ahead), armed out of order, drained so the store compacts while
/// they are spread over many slots: the lists keep their links both ways,
/// and everything fires once, in deadline order.
#[test]
fn timers_compaction_keeps_every_level_linked() {
    let mut t = store();
    let now = Instant::now();
    let at = |us: u64| now + Duration::from_micros(us);
    let mut keys = Vec::new();
    for i in 0..6_000u64 {
        // Spread over 100 µs .. 1000 s, out of order.
        let us = 100 + (i * 7_919) % 6_000 * 10u64.pow((i % 4) as u32 + 1) % 1_000_000_000;
        keys.push((t.insert(at(us), noop()), us));
    }
    let levels = (0..super::wheel::LEVELS).filter(|&l| t.wheel.occupied(l) != 0).count();
    assert!(levels >= 4, "the timers sit on {levels} levels");
    // Drop all but every 50th, low slots first, so the high ones move.
    let mut kept = Vec::new();
    for (i, (key, deadline)) in keys.into_iter().enumerate() {
        if i % 50 == 49 {
            kept.push((key, deadline));
        } else {
            assert!(t.remove(key).is_some());
        }
    }
    check(&t);
    assert!(t.marked > 0 && t.entries.capacity() < 6_000, "the store did not compact");
    kept.sort_by_key(|&(_, d)| d);
    let mut deadlines: Vec<u64> = kept.iter().map(|&(_, d)| d).collect();
    deadlines.dedup();
    for deadline in deadlines {
        assert!(t.next_deadline().is_some_and(|next| next <= at(deadline)));
        let mut woken = Vec::new();
        let _ = t.fire(|| at(deadline), &mut woken);
        let due: Vec<_> = kept.iter().filter(|&&(_, d)| d == deadline).collect();
        assert_eq!(woken.len(), due.len(), "deadline {deadline} µs: a timer fired early, or late");
        for &&(key, _) in &due {
            assert_eq!(t.poll(key, &noop()), TimerPoll::Fired, "deadline {deadline} µs");
        }
        check(&t);
    }
    assert_eq!(t.len(), 0);
    assert!(t.moved.is_empty());
}

/// The move record's radix sort orders by `seq` as std's sort does, for
/// every length up to 64 and for a few larger ones, whatever the input order
/// and however far apart the seqs are (one pass to all six).
#[test]
fn timers_move_record_sorts_by_seq() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for len in (0..64).chain([100, 257, 1_000, 4_096]) {
        for pattern in 0..6 {
            let mut seqs: Vec<u64> = match pattern {
                4 => (0..len as u64).map(|i| (i << 40) + next() % 1_000).collect(),
                5 => (0..len as u64).map(|i| u64::MAX - i * (u64::MAX / 4_099)).collect(),
                _ => (0..len as u64).map(|i| i * 3 + 1).collect(),
            };
            match pattern {
                0 | 5 => {}
                1 => seqs.reverse(),
                _ => {
                    for i in (1..seqs.len()).rev() {
                        seqs.swap(i, (next() % (i as u64 + 1)) as usize);
                    }
                }
            }
            let mut v: Vec<(u64, usize)> = seqs.iter().map(|&s| (s, (s as usize) ^ 0x55)).collect();
            let mut want = v.clone();
            want.sort_unstable();
            compact::sort_by_seq(&mut v);
            assert_eq!(v, want, "length {len}, pattern {pattern}");
        }
    }
}
