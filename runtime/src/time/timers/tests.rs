use super::*;
use std::time::Duration;

/// Each test gets its own id, so its orphan list is its own.
fn store() -> Timers {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(u64::MAX / 2);
    Timers::new(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

fn noop() -> Waker {
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
    assert_eq!(t.next_deadline(), Some(now - Duration::from_millis(1)));
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
fn timers_removed_entries_do_not_grow_the_heap() {
    let mut t = store();
    let far = Instant::now() + Duration::from_secs(3600);
    for _ in 0..100_000 {
        let k = t.insert(far, noop());
        assert!(t.remove(k).is_some());
    }
    assert_eq!(t.len(), 0);
    assert!(t.heap.len() <= 128, "heap kept {} stale entries", t.heap.len());
}

#[test]
fn timers_reset_moves_the_deadline_and_old_keys_name_nothing() {
    let mut t = store();
    let now = Instant::now();
    let old = t.insert(now + Duration::from_secs(60), noop());
    let k = t.reset(old, now - Duration::from_millis(1)).unwrap();
    assert!(t.remove(old).is_none(), "a stale key removes nothing");
    let mut woken = Vec::new();
    let _ = t.fire(|| now, &mut woken);
    assert_eq!(woken.len(), 1);
    assert_eq!(t.poll(k, &noop()), TimerPoll::Fired);
    assert_eq!(t.next_deadline(), None);
    assert_eq!(t.reset(k, now), None, "a fired timer cannot be reset");
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

struct Flag;

impl std::task::Wake for Flag {
    fn wake(self: std::sync::Arc<Self>) {}
}
