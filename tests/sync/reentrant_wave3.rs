//! Re-entrancy of the third-wave sync types: a waker that, when woken,
//! calls back into the primitive that woke it (sends, locks, sets, waits
//! again). Nothing panics on a `RefCell` borrow and state is consistent.
//!
//! A waker must be `Send + Sync` and these types are not, so the waker runs
//! a callback kept in a thread-local.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use runtime::sync::{broadcast, Barrier, OnceCell, RwLock, SetError, SetOnce};

thread_local! {
    static ON_WAKE: RefCell<Option<Box<dyn FnMut()>>> = const { RefCell::new(None) };
}

/// A waker that runs the thread's `ON_WAKE` callback.
struct CallBack;

impl Wake for CallBack {
    fn wake(self: Arc<Self>) {
        let f = ON_WAKE.with(|w| w.borrow_mut().take());
        if let Some(mut f) = f {
            f();
            ON_WAKE.with(|w| *w.borrow_mut() = Some(f));
        }
    }
}

/// Polls `fut` once with a waker that runs `on_wake` when woken.
fn poll_with_callback<F: Future + ?Sized>(
    fut: std::pin::Pin<&mut F>,
    on_wake: impl FnMut() + 'static,
) -> Poll<F::Output> {
    ON_WAKE.with(|w| *w.borrow_mut() = Some(Box::new(on_wake)));
    let waker = Waker::from(Arc::new(CallBack));
    fut.poll(&mut Context::from_waker(&waker))
}

fn leak<T>(t: T) -> &'static T {
    Box::leak(Box::new(t))
}

#[test]
fn broadcast_waker_that_sends_and_receives_on_the_channel() {
    let (tx, mut rx) = broadcast::channel(4);
    let mut rx2 = tx.subscribe();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let mut recv = Box::pin(rx.recv());
    let (tx2, seen2) = (tx.clone(), seen.clone());
    let poll = poll_with_callback(recv.as_mut(), move || {
        seen2.borrow_mut().push(rx2.try_recv());
        let _ = tx2.send(100); // re-entrant send from inside `send`'s wake-up
    });
    assert!(poll.is_pending());
    assert_eq!(tx.send(1).unwrap(), 2);
    assert_eq!(*seen.borrow(), [Ok(1)]);
    let waker = futures::task::noop_waker();
    assert_eq!(recv.as_mut().poll(&mut Context::from_waker(&waker)), Poll::Ready(Ok(1)));
    drop(recv);
    assert_eq!(rx.try_recv(), Ok(100));
    assert_eq!(tx.len(), 1, "rx2 has yet to read 100");
}

#[test]
fn broadcast_closed_waker_that_subscribes_again() {
    let tx = leak(broadcast::Sender::<u8>::new(2));
    let rx = tx.subscribe();
    let extra = Rc::new(RefCell::new(None));
    let e = extra.clone();
    let mut closed = Box::pin(tx.closed());
    assert!(poll_with_callback(closed.as_mut(), move || *e.borrow_mut() = Some(tx.subscribe())).is_pending());
    drop(rx);
    assert_eq!(tx.receiver_count(), 1, "the waker subscribed");
    let waker = futures::task::noop_waker();
    assert!(closed.as_mut().poll(&mut Context::from_waker(&waker)).is_pending(), "open again");
    drop(extra.borrow_mut().take());
    assert!(closed.as_mut().poll(&mut Context::from_waker(&waker)).is_ready());
}

#[test]
fn rwlock_waker_that_tries_the_lock_when_handed_it() {
    let lock = leak(RwLock::new(0));
    let read = lock.try_read().unwrap();
    let tried = Rc::new(RefCell::new(Vec::new()));
    let t = tried.clone();
    let mut write = Box::pin(lock.write());
    let poll = poll_with_callback(write.as_mut(), move || {
        t.borrow_mut().push((lock.try_read().is_ok(), lock.try_write().is_ok()));
    });
    assert!(poll.is_pending());
    drop(read); // hands every permit to the writer, then wakes it
    assert_eq!(*tried.borrow(), [(false, false)]);
    let waker = futures::task::noop_waker();
    let Poll::Ready(mut guard) = write.as_mut().poll(&mut Context::from_waker(&waker)) else {
        panic!("not handed the lock")
    };
    *guard += 1;
    let read = guard.downgrade();
    assert_eq!(*read, 1);
    assert!(lock.try_read().is_ok());
}

#[test]
fn rwlock_waker_that_queues_and_cancels_a_writer() {
    let lock = leak(RwLock::with_max_readers(0, 2));
    let write = lock.try_write().unwrap();
    let waker = futures::task::noop_waker();
    let mut read = Box::pin(lock.read());
    let mut read2 = Box::pin(lock.read());
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    let poll = poll_with_callback(read.as_mut(), move || {
        // Queue a writer and cancel it, from inside the release's wake-ups.
        let mut w = Box::pin(lock.write());
        let waker = futures::task::noop_waker();
        s.borrow_mut().push(w.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
    });
    assert!(poll.is_pending());
    assert!(read2.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
    drop(write); // hands one permit to each reader, then wakes them
    assert_eq!(*seen.borrow(), [true]);
    let Poll::Ready(g1) = read.as_mut().poll(&mut Context::from_waker(&waker)) else { panic!("read not served") };
    let Poll::Ready(g2) = read2.as_mut().poll(&mut Context::from_waker(&waker)) else { panic!("read2 not served") };
    assert!(lock.try_write().is_err());
    drop((g1, g2));
    assert!(lock.try_write().is_ok(), "the cancelled writer kept no permit");
}

#[test]
fn barrier_waker_that_waits_again_joins_the_next_round() {
    let b = leak(Barrier::new(2));
    let mut w1 = Box::pin(b.wait());
    let next_round = Rc::new(RefCell::new(Vec::new()));
    let n = next_round.clone();
    let poll = poll_with_callback(w1.as_mut(), move || {
        let mut again = Box::pin(b.wait());
        let waker = futures::task::noop_waker();
        n.borrow_mut().push(again.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
    });
    assert!(poll.is_pending());
    let waker = futures::task::noop_waker();
    let mut w2 = Box::pin(b.wait());
    let Poll::Ready(r2) = w2.as_mut().poll(&mut Context::from_waker(&waker)) else { panic!("w2 is the leader") };
    assert!(r2.is_leader());
    assert_eq!(*next_round.borrow(), [true], "the waker's wait is in round two, waiting");
    let Poll::Ready(r1) = w1.as_mut().poll(&mut Context::from_waker(&waker)) else { panic!("w1 was released") };
    assert!(!r1.is_leader());
    // Round two has one arrival (the waker's dropped wait): one more completes it.
    let mut w3 = Box::pin(b.wait());
    assert!(matches!(w3.as_mut().poll(&mut Context::from_waker(&waker)), Poll::Ready(r) if r.is_leader()));
}

#[test]
fn once_cell_waker_that_reads_and_sets_the_cell() {
    let cell = leak(OnceCell::new());
    let (tx, rx) = futures::channel::oneshot::channel::<u32>();
    let waker = futures::task::noop_waker();
    let mut init = Box::pin(cell.get_or_init(|| async { rx.await.unwrap() }));
    assert!(init.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    let mut waiter = Box::pin(cell.get_or_init(|| async { unreachable!() }));
    let poll = poll_with_callback(waiter.as_mut(), move || {
        s.borrow_mut().push((cell.get().copied(), cell.set(1)));
    });
    assert!(poll.is_pending());
    tx.send(5).unwrap();
    assert_eq!(init.as_mut().poll(&mut Context::from_waker(&waker)), Poll::Ready(&5));
    assert_eq!(*seen.borrow(), [(Some(5), Err(SetError::AlreadyInitializedError(1)))]);
    assert_eq!(waiter.as_mut().poll(&mut Context::from_waker(&waker)), Poll::Ready(&5));
}

#[test]
fn set_once_waker_that_reads_sets_and_waits_again() {
    let once = leak(SetOnce::new());
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    let mut wait = Box::pin(once.wait());
    let poll = poll_with_callback(wait.as_mut(), move || {
        let mut again = Box::pin(once.wait());
        let waker = futures::task::noop_waker();
        let ready = again.as_mut().poll(&mut Context::from_waker(&waker)).is_ready();
        s.borrow_mut().push((once.get().copied(), once.set(2).is_err(), ready));
    });
    assert!(poll.is_pending());
    once.set(1).unwrap();
    assert_eq!(*seen.borrow(), [(Some(1), true, true)]);
    let waker = futures::task::noop_waker();
    assert_eq!(wait.as_mut().poll(&mut Context::from_waker(&waker)), Poll::Ready(&1));
}
