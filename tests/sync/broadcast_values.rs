//! When a broadcast value is dropped: once every receiver has seen it, or
//! when it is overwritten, and never while the channel is borrowed (a
//! value's `Drop` may call back into the channel).

use std::cell::RefCell;
use std::rc::Rc;

use runtime::sync::broadcast;

#[test]
fn a_value_is_dropped_once_every_receiver_has_seen_it() {
    let (tx, mut rx1) = broadcast::channel(4);
    let mut rx2 = tx.subscribe();
    let v = Rc::new(());
    tx.send(v.clone()).unwrap();
    assert_eq!(Rc::strong_count(&v), 2);
    drop(rx1.try_recv().unwrap());
    assert_eq!(Rc::strong_count(&v), 2, "rx2 has yet to see it");
    drop(rx2.try_recv().unwrap());
    assert_eq!(Rc::strong_count(&v), 1, "seen by all: the channel let it go");
}

#[test]
fn an_overwritten_value_is_dropped_and_a_late_subscriber_does_not_hold_values() {
    let (tx, _rx) = broadcast::channel(1);
    let (a, b) = (Rc::new(()), Rc::new(()));
    tx.send(a.clone()).unwrap();
    let mut late = tx.subscribe();
    tx.send(b.clone()).unwrap();
    assert_eq!(Rc::strong_count(&a), 1, "overwritten");
    assert_eq!(Rc::strong_count(&b), 2);
    drop(late.try_recv().unwrap());
    assert_eq!(Rc::strong_count(&b), 2, "`_rx` has yet to see it");
}

/// A value whose `Drop` uses the channel it was sent on.
struct CallsBack {
    tx: Rc<RefCell<Option<broadcast::Sender<CallsBack>>>>,
    log: Rc<RefCell<Vec<usize>>>,
}

impl Clone for CallsBack {
    fn clone(&self) -> Self {
        CallsBack { tx: self.tx.clone(), log: self.log.clone() }
    }
}

impl Drop for CallsBack {
    fn drop(&mut self) {
        if let Some(tx) = self.tx.borrow().as_ref() {
            self.log.borrow_mut().push(tx.len() + tx.receiver_count());
            let _ = tx.subscribe(); // takes the channel's borrow mutably
        }
    }
}

#[test]
fn a_values_drop_may_call_back_into_the_channel() {
    let (tx, mut rx) = broadcast::channel(1);
    let slot = Rc::new(RefCell::new(Some(tx.clone())));
    let log = Rc::new(RefCell::new(Vec::new()));
    let value = CallsBack { tx: slot.clone(), log: log.clone() };
    assert!(tx.send(value.clone()).is_ok());
    assert!(tx.send(value.clone()).is_ok()); // overwrites (drops) the first
    assert_eq!(log.borrow().len(), 1);
    assert!(matches!(rx.try_recv(), Err(broadcast::error::TryRecvError::Lagged(1))));
    drop(rx.try_recv().unwrap()); // the clone, then the channel's copy (seen by all)
    assert_eq!(log.borrow().len(), 3);
    assert!(tx.send(value.clone()).is_ok());
    drop(rx); // the last receiver drops the value it had not read
    assert_eq!(log.borrow().len(), 4);
    slot.borrow_mut().take();
    drop(value);
}
