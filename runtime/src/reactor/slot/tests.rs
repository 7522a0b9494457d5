//! Unit tests of `Slot`.

use super::*;
use crate::sys::libc;
use std::sync::Arc;
use std::task::Wake;

impl Slot {
    /// How many tasks wait in `dir`.
    fn waiters(&self, dir: Direction) -> usize {
        let first = match dir {
            Direction::Read => self.reader.is_some(),
            Direction::Write => self.writer.is_some(),
        };
        usize::from(first) + self.more.as_ref().map_or(0, |m| m.count(dir))
    }
}

struct Flag(std::sync::atomic::AtomicUsize);
impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn slot_starts_assumed_ready_for_operations_but_not_for_queries() {
    let slot = Slot::new(1);
    assert!(slot.is_ready(Direction::Read));
    assert!(slot.is_ready(Direction::Write));
    assert!(!slot.is_known_ready(Direction::Read), "a guess is never shown to a query");
    assert!(!slot.is_known_ready(Direction::Write));
}

#[test]
fn slot_would_block_clears_the_guess_and_an_edge_makes_it_known() {
    let mut slot = Slot::new(1);
    slot.clear(Direction::Read);
    assert!(!slot.is_ready(Direction::Read));
    assert!(slot.is_ready(Direction::Write), "the other direction keeps its guess");
    let mut woken = Vec::new();
    slot.on_event(Readiness::READABLE, &mut |w| woken.push(w));
    assert!(slot.is_ready(Direction::Read) && slot.is_known_ready(Direction::Read));
    assert!(!slot.is_known_ready(Direction::Write));
}

#[test]
fn slot_clear_then_event_releases_only_that_direction() {
    let mut slot = Slot::new(1);
    slot.clear(Direction::Read);
    slot.clear(Direction::Write);
    assert!(!slot.is_ready(Direction::Read));
    let flag = Arc::new(Flag(0.into()));
    let waker = Waker::from(flag.clone());
    slot.set_waker(Direction::Read, &waker, None);
    slot.set_waker(Direction::Write, &waker, None);
    let mut woken = Vec::new();
    slot.on_event(Readiness::READABLE, &mut |w| woken.push(w));
    assert_eq!(woken.len(), 1);
    assert!(slot.is_ready(Direction::Read));
    assert!(!slot.is_ready(Direction::Write));
    assert!(slot.writer.is_some());
}

#[test]
fn slot_clear_keeping_closed_keeps_the_end_of_stream() {
    let mut slot = Slot::new(1);
    let mut woken = Vec::new();
    slot.on_event(Readiness::READ_CLOSED, &mut |w| woken.push(w));
    slot.clear_keeping_closed(Direction::Read);
    assert!(slot.is_ready(Direction::Read), "the end of stream must stay visible");
    slot.clear(Direction::Read);
    assert!(!slot.is_ready(Direction::Read));
}

#[test]
fn slot_every_waiter_of_a_direction_is_woken_once() {
    let mut slot = Slot::new(1);
    slot.clear(Direction::Read);
    slot.clear(Direction::Write);
    let flags: Vec<_> = (0..3).map(|_| Arc::new(Flag(0.into()))).collect();
    let writer_flag = Arc::new(Flag(0.into()));
    let mut ids = [0; 3];
    for (flag, id) in flags.iter().zip(&mut ids) {
        let waker = Waker::from(flag.clone());
        slot.set_waker(Direction::Read, &waker, Some(&mut *id));
        slot.set_waker(Direction::Read, &waker.clone(), Some(&mut *id));
    }
    slot.set_waker(Direction::Write, &Waker::from(writer_flag.clone()), Some(&mut 0));
    assert_eq!(slot.waiters(Direction::Read), 3, "one entry per future, however often it polls");
    assert_eq!(slot.waiters(Direction::Write), 1);
    let mut woken = Vec::new();
    slot.on_event(Readiness::READABLE, &mut |w| woken.push(w));
    woken.into_iter().for_each(Waker::wake);
    for flag in &flags {
        assert_eq!(flag.0.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
    assert_eq!(slot.waiters(Direction::Read), 0);
    assert_eq!(slot.waiters(Direction::Write), 1, "the writer still waits");
    assert_eq!(writer_flag.0.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[test]
fn slot_one_waiter_per_direction_never_allocates() {
    let mut slot = Slot::new(1);
    let (a, b) = (Waker::from(Arc::new(Flag(0.into()))), Waker::from(Arc::new(Flag(0.into()))));
    let mut woken = Vec::new();
    for round in 0..100 {
        slot.clear(Direction::Read);
        slot.clear(Direction::Write);
        // A different task each round, one future per direction.
        let waker = if round % 2 == 0 { &a } else { &b };
        let (mut read, mut write) = (0, 0);
        slot.set_waker(Direction::Read, waker, Some(&mut read));
        slot.set_waker(Direction::Read, waker, Some(&mut read));
        slot.set_waker(Direction::Write, waker, Some(&mut write));
        slot.on_event(Readiness::READABLE.union(Readiness::WRITABLE), &mut |w| woken.push(w));
    }
    assert_eq!(woken.len(), 200);
    assert!(slot.more.is_none(), "the first waiter's field is enough");
}

#[test]
fn slot_poll_callers_keep_only_the_last_per_direction() {
    let mut slot = Slot::new(1);
    slot.clear(Direction::Read);
    let (first, last, waiter) = (Arc::new(Flag(0.into())), Arc::new(Flag(0.into())), Arc::new(Flag(0.into())));
    slot.set_waker(Direction::Read, &Waker::from(waiter.clone()), Some(&mut 0));
    slot.set_waker(Direction::Read, &Waker::from(first.clone()), None);
    slot.set_waker(Direction::Read, &Waker::from(last.clone()), None);
    slot.set_waker(Direction::Write, &Waker::from(first.clone()), None);
    assert_eq!(slot.waiter_count(), 3);
    let mut woken = Vec::new();
    slot.on_event(Readiness::READABLE, &mut |w| woken.push(w));
    woken.into_iter().for_each(Waker::wake);
    let count = |f: &Arc<Flag>| f.0.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!((count(&first), count(&last), count(&waiter)), (0, 1, 1));
    assert_eq!(slot.waiters(Direction::Write), 1, "the write caller still waits");
}

#[test]
fn slot_unlink_removes_only_that_futures_entries_in_both_directions() {
    let mut slot = Slot::new(1);
    slot.clear(Direction::Read);
    slot.clear(Direction::Write);
    let wakers: Vec<_> = (0..3).map(|_| Waker::from(Arc::new(Flag(0.into())))).collect();
    let mut ids = [0; 3];
    for (waker, id) in wakers.iter().zip(&mut ids) {
        slot.set_waker(Direction::Read, waker, Some(&mut *id));
        slot.set_waker(Direction::Write, waker, Some(&mut *id));
    }
    assert!(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2], "each future its own identity: {ids:?}");
    let gone = slot.unlink(ids[0]);
    assert!(gone.iter().all(Option::is_some), "the first fields");
    assert_eq!(slot.unlink(ids[2]).iter().flatten().count(), 2, "from `more`");
    assert_eq!(slot.unlink(ids[2]).iter().flatten().count(), 0, "once");
    assert_eq!((slot.waiters(Direction::Read), slot.waiters(Direction::Write)), (1, 1));
    let mut woken = Vec::new();
    slot.on_event(Readiness::READABLE, &mut |w| woken.push(w));
    assert_eq!(woken.len(), 1);
    assert_eq!(slot.unlink(ids[1]).iter().flatten().count(), 1, "the write entry only");
    assert_eq!(slot.waiter_count(), 0);
}

#[test]
fn slot_error_releases_both_waiters() {
    let mut slot = Slot::new(1);
    let waker = Waker::from(Arc::new(Flag(0.into())));
    slot.set_waker(Direction::Read, &waker, None);
    slot.set_waker(Direction::Write, &waker, None);
    let mut woken = Vec::new();
    slot.on_error(io::Error::from_raw_os_error(libc::EBADF), false, &mut |w| woken.push(w));
    assert_eq!(woken.len(), 2);
    assert!(slot.error.is_some());
}

#[test]
fn slot_a_future_whose_entry_is_in_more_is_never_stored_twice() {
    let mut slot = Slot::new(1);
    slot.clear(Direction::Read);
    let (a, b) = (Waker::from(Arc::new(Flag(0.into()))), Waker::from(Arc::new(Flag(0.into()))));
    let (mut first, mut second) = (0, 0);
    slot.set_waker(Direction::Read, &a, Some(&mut first));
    slot.set_waker(Direction::Read, &b, Some(&mut second));
    let _ = slot.unlink(first);
    // The first field is free; the second future polls again.
    slot.set_waker(Direction::Read, &b, Some(&mut second));
    assert_eq!(slot.waiters(Direction::Read), 1);
    assert_eq!(slot.unlink(second).iter().flatten().count(), 1);
    assert_eq!(slot.waiter_count(), 0);
}

#[test]
fn slot_an_id_whose_entry_an_edge_released_never_names_the_entry_that_took_its_place() {
    let mut slot = Slot::new(1);
    slot.clear(Direction::Read);
    let wakers: Vec<_> = (0..3).map(|_| Waker::from(Arc::new(Flag(0.into())))).collect();
    let (mut first, mut stale, mut late) = (0, 0, 0);
    slot.set_waker(Direction::Read, &wakers[0], Some(&mut first));
    slot.set_waker(Direction::Read, &wakers[1], Some(&mut stale));
    let mut woken = Vec::new();
    slot.on_event(Readiness::READABLE, &mut |w| woken.push(w));
    assert_eq!(woken.len(), 2);
    slot.clear(Direction::Read);
    slot.set_waker(Direction::Read, &wakers[0], Some(&mut first));
    // Takes the key the released entry had.
    slot.set_waker(Direction::Read, &wakers[2], Some(&mut late));
    assert_ne!(late, stale);
    assert_eq!(slot.unlink(stale).iter().flatten().count(), 0, "the stale id names nothing");
    assert_eq!(slot.waiters(Direction::Read), 2);
    assert_eq!(slot.unlink(late).iter().flatten().count(), 1);
    assert_eq!(slot.unlink(first).iter().flatten().count(), 1);
    assert_eq!(slot.waiter_count(), 0);
}

#[test]
fn slot_many_waiters_each_unlink_their_own_entry() {
    let mut slot = Slot::new(1);
    slot.clear(Direction::Read);
    slot.clear(Direction::Write);
    let flags: Vec<_> = (0..1000).map(|_| Arc::new(Flag(0.into()))).collect();
    let mut ids = vec![0; flags.len()];
    for (flag, id) in flags.iter().zip(&mut ids) {
        let waker = Waker::from(flag.clone());
        slot.set_waker(Direction::Read, &waker, Some(&mut *id));
        slot.set_waker(Direction::Write, &waker, Some(&mut *id));
    }
    assert_eq!(slot.waiter_count(), 2000);
    // Every other future gives up; the rest are woken by one edge each way.
    for id in ids.iter().step_by(2) {
        assert_eq!(slot.unlink(*id).iter().flatten().count(), 2);
    }
    let mut woken = Vec::new();
    slot.on_event(Readiness::READABLE.union(Readiness::WRITABLE), &mut |w| woken.push(w));
    woken.into_iter().for_each(Waker::wake);
    let count = |f: &Arc<Flag>| f.0.load(std::sync::atomic::Ordering::SeqCst);
    for (i, flag) in flags.iter().enumerate() {
        assert_eq!(count(flag), if i % 2 == 0 { 0 } else { 2 }, "future {i}");
    }
    assert_eq!(slot.waiter_count(), 0);
}
