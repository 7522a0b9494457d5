//! Runtime shutdown wakes every task the reactor holds a waker for (it
//! then gets the "runtime gone" error) and drops those wakers: a waker that
//! owns its own source would otherwise keep a cycle core → slot → waker →
//! source → core alive, leaking the fd and the memory (tokio issue 3481).
//!
//! Ports of tokio's tests/io_driver_drop.rs, every assertion kept. The one
//! change: tokio polls the foreign task outside any runtime and gets
//! `Pending`; here a source polled where its runtime is not running fails at
//! once (docs/FROM_TOKIO.md), so the first poll runs inside the runtime's
//! `block_on`, where the reactor takes the waker as tokio's does.

#![allow(unsafe_code)]

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Wake, Waker};
use std::time::Duration;

use net::TcpListener;
use runtime::Runtime;

use crate::support::bounded;
use crate::util::{child_role, run_child};

fn rt() -> Runtime {
    Runtime::new().unwrap()
}

fn listener_in(rt: &Runtime) -> TcpListener {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    rt.block_on(async { TcpListener::from_std(listener).unwrap() })
}

/// tokio-test's `task::spawn`: a future polled by hand, with a waker that
/// records whether it was woken.
struct MockTask {
    future: Pin<Box<dyn Future<Output = ()>>>,
    woken: Arc<Woken>,
}

struct Woken(AtomicBool);

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl MockTask {
    fn spawn(future: impl Future<Output = ()> + 'static) -> MockTask {
        MockTask { future: Box::pin(future), woken: Arc::new(Woken(AtomicBool::new(false))) }
    }

    fn poll(&mut self) -> Poll<()> {
        self.woken.0.store(false, Ordering::SeqCst);
        let waker = Waker::from(self.woken.clone());
        self.future.as_mut().poll(&mut Context::from_waker(&waker))
    }

    fn is_woken(&self) -> bool {
        self.woken.0.load(Ordering::SeqCst)
    }
}

/// tokio's `io_driver_drop::tcp_doesnt_block`.
#[test]
fn tcp_doesnt_block() {
    bounded(|| {
        let rt = rt();
        let listener = listener_in(&rt);
        drop(rt);
        let mut task = MockTask::spawn(async move {
            assert!(listener.accept().await.is_err());
        });
        assert!(task.poll().is_ready());
    });
}

/// tokio's `io_driver_drop::drop_wakes`.
#[test]
fn drop_wakes() {
    bounded(|| {
        let rt = rt();
        let listener = listener_in(&rt);
        let mut task = MockTask::spawn(async move {
            assert!(listener.accept().await.is_err());
        });
        assert!(rt.block_on(async { task.poll() }).is_pending());
        drop(rt);
        assert!(task.is_woken());
        assert!(task.poll().is_ready());
    });
}

/// A waker that keeps the registration alive, to recreate the cycle of
/// tokio issue 3481. Our `TcpListener` is `!Send`, so this is a waker of
/// this thread (an `Rc` behind a hand-made vtable) instead of an `ArcWake`.
struct RegistrationWaker {
    _listener: Rc<TcpListener>,
    dropped: Rc<Cell<bool>>,
}

impl Drop for RegistrationWaker {
    fn drop(&mut self) {
        self.dropped.set(true);
    }
}

const VTABLE: RawWakerVTable = RawWakerVTable::new(clone_raw, drop_raw, noop_raw, drop_raw);

fn clone_raw(data: *const ()) -> RawWaker {
    // SAFETY: `data` came from `Rc::into_raw` in `registration_waker` and is
    // still counted (this waker is alive).
    unsafe { Rc::increment_strong_count(data.cast::<RegistrationWaker>()) };
    RawWaker::new(data, &VTABLE)
}

fn noop_raw(_: *const ()) {}

fn drop_raw(data: *const ()) {
    // SAFETY: each live waker holds one count of the `Rc` behind `data`.
    unsafe { Rc::decrement_strong_count(data.cast::<RegistrationWaker>()) };
}

/// A waker owning `task`. It never leaves this thread (the reactor that
/// stores it is this thread's), which is what an `Rc` inside asks.
/// (`wake` is a no-op, like tokio's test's `wake_by_ref`; the vtable's
/// `wake` consumes the waker, so it drops like `drop`.)
fn registration_waker(task: &Rc<RegistrationWaker>) -> Waker {
    let data = Rc::into_raw(task.clone()).cast::<()>();
    // SAFETY: the vtable keeps the `Rc` count for every waker (clone adds one,
    // wake and drop release one) and the waker stays on this thread.
    unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) }
}

/// tokio's `io_driver_drop::shutdown_drops_waker_holding_registration`.
#[test]
fn shutdown_drops_waker_holding_registration() {
    bounded(|| {
        let rt = rt();
        let listener = Rc::new(listener_in(&rt));
        let dropped = Rc::new(Cell::new(false));
        let task = Rc::new(RegistrationWaker { _listener: listener.clone(), dropped: dropped.clone() });
        {
            let waker = registration_waker(&task);
            let mut cx = Context::from_waker(&waker);
            assert!(rt.block_on(async { listener.poll_accept(&mut cx) }).is_pending());
        }
        drop(listener);
        drop(task);
        assert!(!dropped.get());
        drop(rt);
        assert!(dropped.get());
    });
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// The same cycle, counted in fds (in a child, where no other test opens
/// any): a runtime and a listener whose waker owns it leave none behind.
#[test]
fn shutdown_with_a_waker_owning_its_source_leaks_no_fd() {
    const NAME: &str = "shutdown_wakes::shutdown_with_a_waker_owning_its_source_leaks_no_fd";
    if child_role(NAME).is_none() {
        return run_child(NAME, "", Duration::from_secs(30));
    }
    // A first runtime and listener, plainly dropped: libkqueue opens fds
    // for its own process-wide state at its first use and keeps them.
    drop(listener_in(&rt()));
    let before = open_fds();
    for _ in 0..10 {
        let rt = rt();
        let listener = Rc::new(listener_in(&rt));
        let task = Rc::new(RegistrationWaker { _listener: listener.clone(), dropped: Rc::default() });
        let waker = registration_waker(&task);
        assert!(rt.block_on(async { listener.poll_accept(&mut Context::from_waker(&waker)) }).is_pending());
        drop((waker, task, listener, rt));
    }
    assert_eq!(open_fds(), before, "every runtime's and listener's fd is closed");
}

/// After the shutdown, a poll that would wait fails and keeps no waker:
/// one that owns its source would close the same cycle again.
#[test]
fn a_poll_after_shutdown_keeps_no_waker() {
    bounded(|| {
        let rt = rt();
        let listener = Rc::new(listener_in(&rt));
        drop(rt);
        let dropped = Rc::new(Cell::new(false));
        let task = Rc::new(RegistrationWaker { _listener: listener.clone(), dropped: dropped.clone() });
        let waker = registration_waker(&task);
        let poll = listener.poll_accept(&mut Context::from_waker(&waker));
        assert!(matches!(poll, Poll::Ready(Err(_))));
        drop((waker, task, listener));
        assert!(dropped.get());
    });
}
