use super::wheel::{LANE, LEVELS};
use super::*;

/// Each test gets its own id, so its orphan list is its own.
pub(super) fn store() -> Timers {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(u64::MAX / 2);
    Timers::new(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

pub(super) fn noop() -> Waker {
    NOOP.with(Waker::clone)
}

thread_local! {
    /// One waker, so that `will_wake` recognises its clones.
    static NOOP: Waker = Waker::from(std::sync::Arc::new(Flag));
}

#[test]
fn timers_fire_only_expired_in_deadline_order() {
    let mut t = store();
    let now = Instant::now();
    let late = t.insert(now + Duration::from_secs(60), noop());
    let early = t.insert(now - Duration::from_millis(1), noop());
    assert!(t.next_deadline().is_some_and(|d| d <= now), "a deadline that passed is due now");
    let mut woken = Vec::new();
    let _ = t.fire(|| now, &mut woken);
    assert_eq!(woken.len(), 1);
    assert_eq!(t.poll(early, &noop()), TimerPoll::Fired);
    assert_eq!(t.poll(late, &noop()), TimerPoll::Pending);
    assert_eq!(t.next_deadline(), Some(now + Duration::from_secs(60)));
    assert_eq!(t.len(), 1, "a fired timer leaves the store");
}

#[test]
fn timers_fire_at_exactly_the_deadline() {
    let mut t = store();
    let now = Instant::now();
    let k = t.insert(now + Duration::from_nanos(1), noop());
    let mut woken = Vec::new();
    let _ = t.fire(|| now, &mut woken);
    assert!(woken.is_empty());
    let _ = t.fire(|| now + Duration::from_nanos(1), &mut woken);
    assert_eq!(woken.len(), 1);
    assert_eq!(t.poll(k, &noop()), TimerPoll::Fired);
}

#[test]
fn timers_removed_entries_leave_nothing_behind() {
    let mut t = store();
    let far = Instant::now() + Duration::from_secs(3600);
    for _ in 0..100_000 {
        let k = t.insert(far, noop());
        assert!(t.remove(k).is_some());
    }
    assert_eq!(t.len(), 0);
    assert!((0..LEVELS).all(|l| t.wheel.occupied(l) == 0), "a slot still counts as occupied");
    assert!(t.entries.capacity() <= 16);
    check(&t);
}

#[test]
fn timers_reset_moves_the_deadline_and_keeps_the_key() {
    let mut t = store();
    let now = Instant::now();
    let k = t.insert(now + Duration::from_secs(60), noop());
    assert!(t.reset(k, now - Duration::from_millis(1)));
    assert!(t.next_deadline().is_some_and(|d| d <= now));
    let mut woken = Vec::new();
    let _ = t.fire(|| now, &mut woken);
    assert_eq!(woken.len(), 1);
    assert_eq!(t.poll(k, &noop()), TimerPoll::Fired);
    assert_eq!(t.next_deadline(), None);
    assert!(!t.reset(k, now), "a fired timer cannot be reset");
    assert!(t.remove(k).is_none(), "a fired timer's key removes nothing");
}

#[test]
fn timers_hand_back_every_waker_they_let_go() {
    let mut t = store();
    let now = Instant::now();
    let k = t.insert(now + Duration::from_secs(1), noop());
    assert_eq!(t.poll(k, &noop()), TimerPoll::Pending);
    let other = std::task::Waker::from(std::sync::Arc::new(Flag));
    assert_eq!(t.poll(k, &other), TimerPoll::NeedsWaker);
    assert!(t.set_waker(k, other.clone()).is_some(), "the replaced waker comes back");
    assert_eq!(t.poll(k, &other), TimerPoll::Pending);
    assert!(t.remove(k).is_some());
    assert!(t.set_waker(k, other).is_some(), "a waker for a gone timer comes back too");
    t.insert(now, noop());
    assert_eq!(t.clear().len(), 1);
    assert_eq!(t.next_deadline(), None);
}

#[test]
fn timers_remove_keys_sent_from_away() {
    let mut t = store();
    let now = Instant::now();
    let k = t.insert(now + Duration::from_secs(3600), noop());
    super::super::orphans::send(t.orphans_id(), k);
    let mut woken = Vec::new();
    let orphaned = t.fire(|| now, &mut woken);
    assert_eq!(t.len(), 0);
    assert!(woken.is_empty(), "a timer let go of is not woken");
    assert_eq!(orphaned.len(), 1, "its waker comes back, to be dropped");
}

/// Checks every invariant of the store (see `Timers` and `Wheel`).
pub(super) fn check(t: &Timers) {
    // The lane, walked both ways: in order, and every entry marked as in it.
    let (mut lane, mut at, mut prev) = (Vec::new(), t.wheel.lane.head, NIL);
    while at != NIL {
        let entry = &t.entries[at];
        assert_eq!((entry.slot, entry.prev), (LANE, prev), "lane entry {at}");
        if let Some(&(d, s)) = lane.last() {
            assert!((d, s) <= (entry.deadline, entry.seq), "the lane is out of order at {at}");
        }
        lane.push((entry.deadline, entry.seq));
        (prev, at) = (at, entry.next);
    }
    assert_eq!(t.wheel.lane.tail, prev);
    let mut seen = lane.len();
    for level in 0..LEVELS {
        for (slot, list) in t.wheel.lists[level * 64..][..64].iter().enumerate() {
            let (mut at, mut prev) = (list.head, NIL);
            assert_eq!(t.wheel.occupied(level) >> slot & 1 == 1, at != NIL, "occupancy of ({level}, {slot})");
            if at == NIL {
                assert_eq!(t.wheel.bounds[level * 64 + slot], u64::MAX, "an empty slot keeps a bound");
            }
            while at != NIL {
                let entry = &t.entries[at];
                assert_eq!(entry.prev, prev, "links of {at}");
                assert_eq!(usize::from(entry.slot), level * 64 + slot);
                assert_eq!(t.wheel.expected_slot(entry.ns), (level, slot), "timer {at} is in the wrong slot");
                assert_eq!(entry.ns, t.nanos(entry.deadline));
                assert!(t.wheel.bounds[level * 64 + slot] <= entry.ns, "the bound of ({level}, {slot})");
                seen += 1;
                (prev, at) = (at, entry.next);
            }
            assert_eq!(list.tail, prev);
        }
    }
    assert_eq!(seen, t.entries.len(), "a timer is in no list");
    assert!(t.wheel_wake <= t.instant(t.wheel.next_wake()));
    // Every marked timer is found through the record, which is sorted;
    // records of timers that are gone are allowed, but name no live timer.
    assert!(t.moved.windows(2).all(|w| w[0].0 < w[1].0), "the move record is out of order");
    let marked: Vec<_> = t.entries.iter().filter(|(_, e)| e.moved).collect();
    assert_eq!(marked.len(), t.marked);
    assert_eq!(t.moved.is_empty(), t.marked == 0);
    for (slot, entry) in marked {
        assert_eq!(t.find_moved(entry.seq), Some(slot), "marked timer {} is not in the record", entry.seq);
    }
}

/// A deterministic xorshift generator.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Random inserts, resets, removes (live and stale keys) and fires, in
/// phases that grow the store past `SHRINK_ABOVE` and drain it (so it
/// compacts and keys go through `moved`), against a plain list.
#[test]
fn timers_match_a_model_under_random_operations() {
    model(|rng| rng.below(500));
}

/// The same with timers armed nearly in deadline order (a server's one
/// timeout, armed again and again): the timers crowd a few slots, so
/// cancels, resets, fires and compactions run through long lists.
#[test]
fn timers_match_a_model_when_armed_in_deadline_order() {
    model(|rng| 250 + rng.below(2));
}

/// The model test; `ahead` draws how far after the current time a timer
/// is armed.
fn model(ahead: fn(&mut Rng) -> u64) {
    let mut t = store();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let start = Instant::now();
    let at = |ms: u64| start + Duration::from_millis(ms);
    let mut now = 0u64;
    // (key, deadline in ms, arming order) of the live timers.
    let mut live: Vec<(TimerKey, u64, u64)> = Vec::new();
    let mut gone: Vec<TimerKey> = Vec::new();
    let mut armed = 0u64;
    let (mut capacity, mut compactions, mut saw_moved) = (0, 0, false);
    for round in 0..60_000u64 {
        let growing = (round / 5_000) % 2 == 0;
        match rng.below(10) {
            0..=3 if growing || live.is_empty() => {
                let deadline = now + ahead(&mut rng);
                armed += 1;
                live.push((t.insert(at(deadline), noop()), deadline, armed));
            }
            0..=5 if !live.is_empty() => {
                let i = rng.below(live.len() as u64) as usize;
                let (key, ..) = live.swap_remove(i);
                assert!(t.remove(key).is_some());
                gone.push(key);
            }
            6 | 7 if !live.is_empty() => {
                let i = rng.below(live.len() as u64) as usize;
                let deadline = now + rng.below(500);
                assert!(t.reset(live[i].0, at(deadline)));
                live[i].1 = deadline;
            }
            8 if !gone.is_empty() => {
                let key = gone[rng.below(gone.len() as u64) as usize];
                assert_eq!(t.poll(key, &noop()), TimerPoll::Fired);
                assert!(!t.reset(key, at(now)));
                assert!(t.remove(key).is_none());
            }
            _ => {
                now += rng.below(if growing { 3 } else { 40 });
                let due = live.iter().filter(|l| l.1 <= now).count();
                let mut woken = Vec::new();
                let fired_before = t.len();
                let _ = t.fire(|| at(now), &mut woken);
                assert_eq!(woken.len(), due, "round {round}");
                assert_eq!(fired_before - t.len(), due);
                gone.extend(live.iter().filter(|l| l.1 <= now).map(|l| l.0));
                live.retain(|l| l.1 > now);
            }
        }
        if round % 97 == 0 {
            check(&t);
        }
        compactions += usize::from(t.entries.capacity() < capacity);
        capacity = t.entries.capacity();
        saw_moved |= !t.moved.is_empty();
        assert_eq!(t.len(), live.len());
        // Never after the first deadline (earlier only after a cancel, or
        // when a cascade comes first).
        match (t.next_deadline(), live.iter().map(|l| at(l.1)).min()) {
            (None, None) => {}
            (Some(next), Some(first)) => assert!(next <= first, "round {round}: wakes after a deadline"),
            (next, first) => panic!("round {round}: next deadline {next:?}, first timer {first:?}"),
        }
        if gone.len() > 10_000 {
            gone.drain(..5_000);
        }
    }
    check(&t);
    assert!(compactions >= 4 && saw_moved, "the store compacted {compactions} times");
    for (key, ..) in &live {
        assert_eq!(t.poll(*key, &noop()), TimerPoll::Pending, "a live key names its timer");
    }
}

/// Timers due at the same instant fire in the order they were armed.
#[test]
fn timers_due_together_fire_in_arming_order() {
    let mut t = store();
    let now = Instant::now();
    let flags: Vec<_> = (0..50).map(|_| std::sync::Arc::new(Flag)).collect();
    for flag in flags.iter().rev() {
        t.insert(now, Waker::from(flag.clone()));
    }
    let mut woken = Vec::new();
    let _ = t.fire(|| now, &mut woken);
    let order: Vec<_> = woken.iter().map(|w| w.data()).collect();
    let armed: Vec<_> = flags.iter().rev().map(|f| std::sync::Arc::as_ptr(f).cast::<()>()).collect();
    assert_eq!(order, armed);
}

/// Bytes the store holds for its timers (slab and move records).
fn footprint(t: &Timers) -> usize {
    t.entries.capacity() * std::mem::size_of::<Entry>() + t.moved.capacity() * std::mem::size_of::<(u64, usize)>()
}

/// After a burst of 200k timers goes, the store gives its memory back,
/// even with a few of the burst's timers still armed in high slots, and
/// their keys still name them.
#[test]
fn timers_memory_falls_back_after_a_burst() {
    let mut t = store();
    let now = Instant::now();
    let small = footprint(&t);
    let keys: Vec<_> = (0..200_000u64).map(|i| t.insert(now + Duration::from_millis(i % 1_000 + 1), noop())).collect();
    let burst = footprint(&t);
    let survivors: Vec<_> = keys.iter().copied().skip(7).step_by(20_011).collect();
    for key in &keys {
        if !survivors.contains(key) {
            assert!(t.remove(*key).is_some());
        }
    }
    check(&t);
    let after = footprint(&t);
    assert!(after * 100 < burst, "kept {after} bytes of {burst} (empty: {small})");
    assert!(t.entries.capacity() <= SHRINK_ABOVE);
    for key in &survivors {
        assert_eq!(t.poll(*key, &noop()), TimerPoll::Pending);
        assert!(t.reset(*key, now + Duration::from_secs(5)));
    }
    check(&t);
    for key in &survivors {
        assert!(t.remove(*key).is_some());
        assert_eq!(t.poll(*key, &noop()), TimerPoll::Fired);
    }
    assert_eq!(t.len(), 0);
    assert!(t.moved.is_empty());
}

pub(super) struct Flag;

impl std::task::Wake for Flag {
    fn wake(self: std::sync::Arc<Self>) {}
}
