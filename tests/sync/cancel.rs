//! Cancellation safety: a waiting future that is dropped after it was
//! chosen (woken) passes its wake-up on, so nothing is lost.

use runtime::sync::{mpsc, Mutex, Notify, Semaphore};

use crate::task_support::spawn;

#[test]
fn semaphore_acquire_dropped_after_being_served_passes_the_permit_on() {
    let sem = Semaphore::new(0);
    let mut a = spawn(sem.acquire());
    let mut b = spawn(sem.acquire());
    assert_pending!(a.poll());
    assert_pending!(b.poll());
    sem.add_permits(1);
    assert!(a.is_woken());
    assert!(!b.is_woken());
    drop(a);
    assert!(b.is_woken());
    let permit = assert_ready_ok!(b.poll());
    assert_eq!(sem.available_permits(), 0);
    drop(permit);
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn semaphore_acquire_many_dropped_while_partly_served_gives_back_what_it_had() {
    let sem = Semaphore::new(1);
    let mut many = spawn(sem.acquire_many(3));
    assert_pending!(many.poll());
    assert_eq!(sem.available_permits(), 0, "the waiter at the front holds the free permit");
    let mut one = spawn(sem.acquire());
    assert_pending!(one.poll());
    drop(many);
    assert!(one.is_woken());
    let _permit = assert_ready_ok!(one.poll());
}

#[test]
fn mutex_lock_dropped_after_being_handed_the_lock_passes_it_on() {
    let m = Mutex::new(0);
    let guard = m.try_lock().unwrap();
    let mut a = spawn(m.lock());
    let mut b = spawn(m.lock());
    assert_pending!(a.poll());
    assert_pending!(b.poll());
    drop(guard);
    assert!(a.is_woken());
    drop(a);
    assert!(b.is_woken());
    let mut g = assert_ready!(b.poll());
    *g += 1;
    drop(g);
    assert_eq!(*m.try_lock().unwrap(), 1);
}

#[test]
fn notified_dropped_after_notify_one_chose_it_passes_it_on() {
    let notify = Notify::new();
    let mut a = spawn(notify.notified());
    let mut b = spawn(notify.notified());
    assert_pending!(a.poll());
    assert_pending!(b.poll());
    notify.notify_one();
    assert!(a.is_woken());
    assert!(!b.is_woken());
    drop(a);
    assert!(b.is_woken());
    assert_ready!(b.poll());
}

#[test]
fn mpsc_reserve_dropped_after_being_given_the_slot_passes_it_on() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    tx.try_send(1).unwrap();
    let mut a = spawn(tx.reserve());
    let mut b = spawn(tx.reserve());
    assert_pending!(a.poll());
    assert_pending!(b.poll());
    assert_eq!(rx.try_recv(), Ok(1));
    assert!(a.is_woken());
    drop(a);
    assert!(b.is_woken());
    let permit = assert_ready_ok!(b.poll());
    permit.send(2);
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn mpsc_recv_dropped_loses_no_message() {
    let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
    {
        let mut recv = spawn(rx.recv());
        assert_pending!(recv.poll());
        tx.send(7).unwrap();
        assert!(recv.is_woken());
    }
    assert_eq!(rx.try_recv(), Ok(7));
}
