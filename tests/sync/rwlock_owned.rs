//! `RwLock`'s owned forms (`read_owned`, `write_owned`, `try_*_owned`) and
//! fairness between tasks: a waiting writer holds back later readers, and
//! a downgrade lets the queued readers in.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use runtime::sync::{OwnedRwLockWriteGuard, RwLock, RwLockWriteGuard};

use crate::task_support::spawn;

#[test]
fn owned_write_waits_for_owned_readers_and_holds_back_later_ones() {
    let lock = Arc::new(RwLock::new(0));
    let r1 = lock.clone().try_read_owned().unwrap();
    let mut w = spawn(lock.clone().write_owned());
    assert_pending!(w.poll());
    assert!(lock.clone().try_read_owned().is_err(), "the waiting writer goes first");
    let mut r2 = spawn(lock.clone().read_owned());
    assert_pending!(r2.poll());
    drop(r1);
    assert!(w.is_woken());
    let mut g = assert_ready!(w.poll());
    *g = 7;
    assert_pending!(r2.poll());
    let r = g.downgrade();
    assert!(r2.is_woken(), "a downgrade lets the queued reader in");
    assert_eq!((*r, *assert_ready!(r2.poll())), (7, 7));
}

#[test]
fn mapped_owned_write_guard_keeps_the_lock_until_dropped() {
    let lock = Arc::new(RwLock::new((1, 2)));
    let g = OwnedRwLockWriteGuard::map(lock.clone().try_write_owned().unwrap(), |t| &mut t.1);
    let mut r = spawn(lock.clone().read_owned());
    assert_pending!(r.poll());
    drop(g);
    assert!(r.is_woken());
    assert_eq!(*assert_ready!(r.poll()), (1, 2));
}

#[test]
fn readers_and_writers_on_tasks_are_served_in_order() {
    crate::support::run(|| async {
        let lock = Rc::new(RwLock::new(Vec::new()));
        let log = Rc::new(RefCell::new(Vec::new()));
        let first = lock.write().await; // held while the tasks queue up
        let mut tasks = Vec::new();
        for (i, writer) in [false, false, true, false, true, false].into_iter().enumerate() {
            let (lock, log) = (lock.clone(), log.clone());
            tasks.push(runtime::spawn(async move {
                if writer {
                    let mut g = lock.write().await;
                    g.push(i);
                    log.borrow_mut().push(format!("w{i}"));
                    runtime::task::yield_now().await; // still held
                } else {
                    let g = lock.read().await;
                    log.borrow_mut().push(format!("r{i}:{}", g.len()));
                    runtime::task::yield_now().await;
                }
            }));
            runtime::task::yield_now().await; // let it queue
        }
        drop(first);
        for t in tasks {
            t.await.unwrap();
        }
        // FIFO: readers 0 and 1 together, then writer 2 alone, reader 3,
        // writer 4, reader 5: no reader overtakes a writer queued before it.
        assert_eq!(*log.borrow(), ["r0:0", "r1:0", "w2", "r3:1", "w4", "r5:2"]);
        assert_eq!(*lock.read().await, [2, 4]);
    })
}

#[test]
fn downgrade_map_on_tasks() {
    crate::support::run(|| async {
        let lock = Rc::new(RwLock::new((0, String::new())));
        let w = lock.write().await;
        let l = lock.clone();
        let reader = runtime::spawn(async move { l.read().await.1.clone() });
        runtime::task::yield_now().await;
        let r = RwLockWriteGuard::downgrade_map(w, |t| &t.1);
        assert_eq!(reader.await.unwrap(), "");
        assert_eq!(*r, "");
    })
}
