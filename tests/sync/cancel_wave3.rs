//! Cancellation of the third-wave sync types (broadcast, RwLock, Barrier,
//! OnceCell, SetOnce): every waiting future dropped mid-wait loses nothing,
//! and a turn it had been handed passes on.

use std::future::Future;
use std::sync::Arc;

use runtime::sync::{broadcast, Barrier, OnceCell, RwLock, SetOnce};

use crate::task_support::spawn;

#[test]
fn broadcast_recv_dropped_mid_wait_loses_no_value() {
    let (tx, mut rx) = broadcast::channel(4);
    let mut other = tx.subscribe();
    {
        let mut recv = spawn(rx.recv());
        let mut recv_other = spawn(other.recv());
        assert_pending!(recv.poll());
        assert_pending!(recv_other.poll());
        assert_eq!(tx.send(1).unwrap(), 2);
        assert!(recv.is_woken());
        assert!(recv_other.is_woken());
        // Both dropped after being woken, before taking the value.
    }
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(other.try_recv(), Ok(1));
    // A dropped waiter is no longer queued: a new one waits and is woken alone.
    let mut recv = spawn(rx.recv());
    assert_pending!(recv.poll());
    tx.send(2).unwrap();
    assert!(recv.is_woken());
    assert_eq!(assert_ready!(recv.poll()), Ok(2));
    assert_eq!(tx.len(), 1, "`other` has yet to read 2");
}

#[test]
fn broadcast_recv_dropped_every_poll_still_sees_every_value_and_lag() {
    let (tx, mut rx) = broadcast::channel(2);
    for i in 0..3 {
        tx.send(i).unwrap();
    }
    let mut got = Vec::new();
    loop {
        // A fresh future each time, dropped right after one poll.
        let mut recv = spawn(rx.recv());
        match recv.poll() {
            std::task::Poll::Ready(r) => got.push(r),
            std::task::Poll::Pending => break,
        }
    }
    assert_eq!(got, [Err(broadcast::error::RecvError::Lagged(1)), Ok(1), Ok(2)]);
}

#[test]
fn broadcast_closed_dropped_mid_wait_then_a_new_one_completes() {
    let (tx, rx) = broadcast::channel::<u8>(1);
    {
        let mut closed = spawn(tx.closed());
        assert_pending!(closed.poll());
    }
    drop(rx);
    let mut closed = spawn(tx.closed());
    assert_ready!(closed.poll());
}

#[test]
fn rwlock_write_dropped_after_being_handed_the_lock_passes_it_on() {
    let lock = RwLock::new(0);
    let read = lock.try_read().unwrap();
    let mut w1 = spawn(lock.write());
    let mut w2 = spawn(lock.write());
    let mut r = spawn(lock.read());
    assert_pending!(w1.poll());
    assert_pending!(w2.poll());
    assert_pending!(r.poll());
    drop(read);
    assert!(w1.is_woken(), "the first writer is handed every permit");
    assert!(!w2.is_woken());
    drop(w1);
    assert!(w2.is_woken());
    let mut g = assert_ready!(w2.poll());
    *g += 1;
    assert_pending!(r.poll());
    drop(g);
    assert!(r.is_woken());
    assert_eq!(*assert_ready!(r.poll()), 1);
    drop(r);
    assert!(lock.try_write().is_ok(), "no permit was lost");
}

#[test]
fn rwlock_read_dropped_mid_wait_lets_the_readers_behind_it_in() {
    let lock = RwLock::with_max_readers(0, 2);
    let w = lock.try_write().unwrap();
    let mut r1 = spawn(lock.read());
    let mut r2 = spawn(lock.read());
    let mut w2 = spawn(lock.write());
    assert_pending!(r1.poll());
    assert_pending!(r2.poll());
    assert_pending!(w2.poll());
    drop(r1); // never served
    drop(w);
    assert!(r2.is_woken());
    let g = assert_ready!(r2.poll());
    assert_pending!(w2.poll());
    drop(g);
    assert!(w2.is_woken());
    let _w2 = assert_ready!(w2.poll());
}

#[test]
fn rwlock_owned_write_dropped_mid_wait_loses_no_permit() {
    let lock = Arc::new(RwLock::new(0));
    let read = lock.clone().try_read_owned().unwrap();
    {
        let mut w = spawn(lock.clone().write_owned());
        assert_pending!(w.poll());
        let mut r = spawn(lock.clone().read_owned());
        assert_pending!(r.poll(), "a waiting writer holds back later readers");
    }
    let _r2 = lock.clone().try_read_owned().unwrap();
    drop(read);
    drop(_r2);
    assert!(lock.try_write().is_ok());
}

#[test]
fn barrier_wait_dropped_after_arriving_still_counts_as_tokio() {
    let b = Barrier::new(2);
    {
        let mut w1 = spawn(b.wait());
        assert_pending!(w1.poll());
    }
    let mut w2 = spawn(b.wait());
    assert!(assert_ready!(w2.poll()).is_leader());
    // The next round starts empty.
    let mut w3 = spawn(b.wait());
    assert_pending!(w3.poll());
}

#[test]
fn once_cell_initialiser_dropped_mid_init_lets_the_next_waiter_run_its_own() {
    let cell = OnceCell::new();
    let mut first = spawn(cell.get_or_init(std::future::pending::<u32>));
    let mut second = spawn(cell.get_or_init(|| async { 2 }));
    assert_pending!(first.poll());
    assert_pending!(second.poll());
    assert!(cell.set(9).unwrap_err().is_initializing_err());
    drop(first);
    assert!(second.is_woken());
    assert_eq!(*assert_ready!(second.poll()), 2);
    assert_eq!(cell.get(), Some(&2));
}

#[test]
fn once_cell_waiter_dropped_mid_wait_loses_nothing() {
    let cell = OnceCell::new();
    let (tx, rx) = futures::channel::oneshot::channel::<u32>();
    let mut first = spawn(cell.get_or_init(|| async { rx.await.unwrap() }));
    assert_pending!(first.poll());
    {
        let mut waiter = spawn(cell.get_or_init(|| async { unreachable!() }));
        assert_pending!(waiter.poll());
    }
    let mut waiter = spawn(cell.get_or_init(|| async { unreachable!() }));
    assert_pending!(waiter.poll());
    tx.send(5).unwrap();
    assert_eq!(*assert_ready!(first.poll()), 5);
    assert!(waiter.is_woken());
    assert_eq!(*assert_ready!(waiter.poll()), 5);
}

#[test]
fn set_once_wait_dropped_mid_wait_loses_nothing() {
    let once = SetOnce::new();
    {
        let mut w = spawn(once.wait());
        assert_pending!(w.poll());
    }
    let mut w = spawn(once.wait());
    assert_pending!(w.poll());
    once.set(3).unwrap();
    assert!(w.is_woken());
    assert_eq!(*assert_ready!(w.poll()), 3);
}

#[test]
fn dropping_every_future_mid_wait_leaves_each_type_usable() {
    crate::support::run(|| async {
        let (tx, mut rx) = broadcast::channel::<u32>(2);
        let lock = RwLock::new(0);
        let barrier = Barrier::new(2);
        let cell = OnceCell::<u32>::new();
        let once = SetOnce::<u32>::new();
        let guard = lock.try_write().unwrap();
        {
            let waits: Vec<std::pin::Pin<Box<dyn Future<Output = ()> + '_>>> = vec![
                Box::pin(async { drop(rx.recv().await) }),
                Box::pin(async { drop(lock.read().await) }),
                Box::pin(async { drop(lock.write().await) }),
                Box::pin(async {
                    let _ = barrier.wait().await;
                }),
                Box::pin(async {
                    let _ = cell.get_or_init(std::future::pending).await;
                }),
                Box::pin(async {
                    let _ = once.wait().await;
                }),
                Box::pin(tx.closed()),
            ];
            for w in waits {
                let mut w = spawn(w);
                assert_pending!(w.poll());
            }
        }
        drop(guard);
        tx.send(1).unwrap();
        assert_eq!(rx.recv().await, Ok(1));
        *lock.write().await += 1;
        assert_eq!(*lock.read().await, 1);
        assert!(barrier.wait().await.is_leader(), "the dropped wait had arrived");
        assert_eq!(*cell.get_or_init(|| async { 4 }).await, 4);
        once.set(5).unwrap();
        assert_eq!(*once.wait().await, 5);
    })
}
