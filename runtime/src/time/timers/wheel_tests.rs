//! The wheel itself (its timers armed behind a later one in the lane, so
//! that they go to the wheel): levels, cascades, deadlines to the nanosecond, a
//! deadline far beyond a level's reach, cancels and resets around a fire,
//! and many timers in one slot.

use std::time::Duration;

use super::tests::{check, noop, store};
use super::wheel::{LANE, LEVELS, TICK_NS};
use super::*;

/// A store whose lane holds one timer a millennium ahead, so that every
/// timer armed before that goes to the wheel; and that timer's key.
fn wheel_store() -> (Timers, TimerKey) {
    let mut t = store();
    let sentinel = t.origin + Duration::from_secs(86400 * 365 * 1000);
    let key = t.insert(sentinel, noop());
    (t, key)
}

/// Plays the executor with a paused clock: jumps to `next_deadline` and
/// fires, until the store is empty or `steps` jumps were made. Returns
/// each timer's key with the instant it fired at, and the jumps made.
fn run_down(t: &mut Timers, keys: &[TimerKey], steps: usize) -> (Vec<Option<Instant>>, usize) {
    let mut fired_at = vec![None; keys.len()];
    let mut jumps = 0;
    while let Some(next) = t.next_deadline() {
        assert!(jumps < steps, "{jumps} jumps and {} timers still armed", t.len());
        jumps += 1;
        let mut woken = Vec::new();
        let _ = t.fire(|| next, &mut woken);
        for (i, key) in keys.iter().enumerate() {
            if fired_at[i].is_none() && t.poll(*key, &noop()) == TimerPoll::Fired {
                fired_at[i] = Some(next);
            }
        }
        check(t);
    }
    (fired_at, jumps)
}

/// A timer goes to the level its distance names: up to 64 ticks ahead to
/// level 0, up to 64^2 to level 1, and so on up to the top.
#[test]
fn wheel_timers_go_to_the_level_of_their_distance() {
    let (mut t, _) = wheel_store();
    let origin = t.origin;
    for level in 0..LEVELS {
        // Just inside level `level`'s reach from tick 0.
        let ticks = 64u64.pow(level as u32 + 1) - 1;
        let Some(deadline) = origin.checked_add(Duration::from_nanos(ticks.saturating_mul(TICK_NS))) else {
            continue;
        };
        t.insert(deadline, noop());
        assert_ne!(t.wheel.occupied(level), 0, "nothing on level {level}");
        assert!((level + 1..LEVELS).all(|l| t.wheel.occupied(l) == 0), "level {level} went too high");
    }
    check(&t);
}

/// Timers from one tick to years ahead, at odd nanoseconds, each fire at
/// exactly their deadline when the clock jumps from one next deadline to
/// the next (auto-advance), after at most one cascade per level.
#[test]
fn wheel_cascades_fire_every_timer_at_its_nanosecond() {
    let (mut t, sentinel) = wheel_store();
    let start = t.origin + Duration::from_nanos(12_345);
    let mut keys = Vec::new();
    let mut deadlines = Vec::new();
    let mut ns = 777u64;
    for i in 0..2_000u64 {
        // Spread over 14 orders of magnitude: 1 µs to about 3 years.
        ns = ns.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let ahead = (ns >> 20) % 10u64.pow((i % 14) as u32 + 3);
        let deadline = start + Duration::from_nanos(ahead + 1);
        keys.push(t.insert(deadline, noop()));
        deadlines.push(deadline);
    }
    assert!(t.remove(sentinel).is_some());
    check(&t);
    let (fired_at, jumps) = run_down(&mut t, &keys, keys.len() * (LEVELS + 1));
    for (i, at) in fired_at.iter().enumerate() {
        assert_eq!(*at, Some(deadlines[i]), "timer {i} fired off its deadline");
    }
    let distinct = {
        let mut d = deadlines.clone();
        d.sort();
        d.dedup();
        d.len()
    };
    assert!(jumps >= distinct && jumps <= distinct * LEVELS, "{jumps} jumps for {distinct} deadlines");
}

/// A deadline thirty years ahead (what `sleep(Duration::MAX)` arms), far
/// beyond any level's slot width, fires then and not a nanosecond before,
/// even when the clock passes every level's reach on the way.
#[test]
fn wheel_far_deadline_fires_neither_early_nor_late() {
    let (mut t, sentinel) = wheel_store();
    let now = t.origin;
    let far = now.far_future();
    let near = now + Duration::from_millis(3);
    let (kfar, knear) = (t.insert(far, noop()), t.insert(near, noop()));
    assert!(t.remove(sentinel).is_some());
    let mut woken = Vec::new();
    for step in [Duration::from_millis(3), Duration::from_secs(86400), Duration::from_secs(86400 * 365 * 29)] {
        let _ = t.fire(|| now + step, &mut woken);
        check(&t);
    }
    assert_eq!(woken.len(), 1);
    assert_eq!(t.poll(knear, &noop()), TimerPoll::Fired);
    let _ = t.fire(|| far - Duration::from_nanos(1), &mut woken);
    assert_eq!(t.poll(kfar, &noop()), TimerPoll::Pending, "fired a nanosecond early");
    assert_eq!(t.next_deadline(), Some(far));
    let _ = t.fire(|| far, &mut woken);
    assert_eq!(t.poll(kfar, &noop()), TimerPoll::Fired);
    // Beyond what a `u64` of nanoseconds holds (in the wheel, behind a
    // later timer in the lane): it fires neither early nor late.
    let beyond = now + Duration::from_secs(u64::MAX / 1_000_000_000 + 10);
    let later = t.insert(beyond + Duration::from_secs(1), noop());
    let k = t.insert(beyond, noop());
    assert_ne!(t.entries[k.index].slot, LANE);
    let _ = t.fire(|| beyond - Duration::from_secs(5), &mut woken);
    assert_eq!(t.poll(k, &noop()), TimerPoll::Pending);
    let _ = t.fire(|| beyond, &mut woken);
    assert_eq!(t.poll(k, &noop()), TimerPoll::Fired);
    assert_eq!(t.poll(later, &noop()), TimerPoll::Pending);
}

/// Timers cancelled and reset between fires of one slot (in the turn
/// before, and by keys sent from away, which `fire` removes first) are
/// not fired, and a timer fired in a slot scan is gone for its key.
#[test]
fn wheel_cancel_and_reset_around_a_fire() {
    let (mut t, sentinel) = wheel_store();
    let now = t.origin + Duration::from_millis(5);
    // Ten timers in one tick, 1 ns apart.
    let keys: Vec<_> = (0..10u64).map(|i| t.insert(now + Duration::from_nanos(i), noop())).collect();
    let first = t.wheel.expected_slot(t.nanos(now));
    assert_eq!(first, t.wheel.expected_slot(t.nanos(now) + 9), "all in one slot");
    assert!(t.remove(keys[0]).is_some());
    super::super::orphans::send(t.orphans_id(), keys[2]);
    let mut woken = Vec::new();
    let orphaned = t.fire(|| now + Duration::from_nanos(4), &mut woken);
    assert_eq!((woken.len(), orphaned.len()), (3, 1), "1, 3 and 4 fire; 2 was sent back");
    assert!(t.remove(keys[1]).is_none(), "a fired timer cannot be cancelled");
    assert!(!t.reset(keys[3], now), "nor reset");
    // Later and earlier, within the slot and out of it.
    assert!(t.reset(keys[5], now + Duration::from_secs(10)));
    assert!(t.reset(keys[9], now + Duration::from_nanos(4)));
    assert!(t.remove(keys[6]).is_some());
    check(&t);
    woken.clear();
    let _ = t.fire(|| now + Duration::from_nanos(4), &mut woken);
    assert_eq!(woken.len(), 1, "9, reset to a deadline that passed");
    let _ = t.fire(|| now + Duration::from_nanos(8), &mut woken);
    assert_eq!(woken.len(), 3, "7 and 8");
    assert_eq!(t.poll(keys[5], &noop()), TimerPoll::Pending);
    let _ = t.fire(|| now + Duration::from_secs(10), &mut woken);
    assert_eq!((woken.len(), t.len()), (4, 1));
    assert!(t.remove(sentinel).is_some());
    check(&t);
}

/// A reset to an earlier deadline moves a timer out of a high slot and
/// fires it then; a reset to a later one keeps it from firing before.
#[test]
fn wheel_reset_earlier_and_later() {
    let (mut t, sentinel) = wheel_store();
    let now = t.origin;
    let hour = t.insert(now + Duration::from_secs(3600), noop());
    let soon = t.insert(now + Duration::from_micros(100), noop());
    assert!(t.reset(hour, now + Duration::from_micros(70)));
    assert!(t.reset(soon, now + Duration::from_secs(7200)));
    assert!([hour, soon].iter().all(|k| t.entries[k.index].slot != LANE));
    assert!(t.remove(sentinel).is_some());
    check(&t);
    let (fired_at, _) = run_down(&mut t, &[hour, soon], 40);
    assert_eq!(fired_at, vec![Some(now + Duration::from_micros(70)), Some(now + Duration::from_secs(7200))]);
}

/// 100,000 timers in one slot (one deadline each, in a tick) fire whole,
/// in the order they were armed; and so do 100,000 cascaded into one.
#[test]
fn wheel_many_timers_in_one_slot() {
    for ahead in [Duration::from_micros(10), Duration::from_secs(40)] {
        let (mut t, sentinel) = wheel_store();
        let now = t.origin + ahead;
        let wakers: Vec<Waker> = (0..100_000).map(|_| Waker::from(std::sync::Arc::new(super::tests::Flag))).collect();
        for (i, waker) in wakers.iter().enumerate() {
            t.insert(now + Duration::from_nanos(i as u64 % 7), waker.clone());
        }
        assert!(t.remove(sentinel).is_some());
        let mut woken = Vec::new();
        let _ = t.fire(|| now + Duration::from_nanos(6), &mut woken);
        assert_eq!(woken.len(), wakers.len());
        let first_off = woken.iter().zip(&wakers).position(|(a, b)| !a.will_wake(b));
        assert_eq!(first_off, None, "{ahead:?}: fired out of arming order");
        assert_eq!(t.len(), 0);
        check(&t);
    }
}
