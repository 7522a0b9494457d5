//! `runtime::task_local!`: tokio's `tests/task_local.rs` ported (MIT, every
//! assertion kept; `local` ran on tokio's multi-thread runtime and runs on
//! this one's tasks), and the scope's value restored however a poll ends.

use std::cell::Cell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::{Context, Poll};

use runtime::sync::oneshot;
use runtime::task::AccessError;

use crate::support::run;

#[test]
fn local() {
    runtime::task_local! {
        static REQ_ID: u32;
        pub static FOO: bool;
    }
    run(|| async {
        let j1 = runtime::spawn(REQ_ID.scope(1, async move {
            assert_eq!(REQ_ID.get(), 1);
            assert_eq!(REQ_ID.get(), 1);
        }));
        let j2 = runtime::spawn(REQ_ID.scope(2, async move {
            REQ_ID.with(|v| {
                assert_eq!(REQ_ID.get(), 2);
                assert_eq!(*v, 2);
            });
            runtime::time::sleep(std::time::Duration::from_millis(10)).await;
            assert_eq!(REQ_ID.get(), 2);
        }));
        let j3 = runtime::spawn(FOO.scope(true, async move {
            assert!(FOO.get());
        }));
        j1.await.unwrap();
        j2.await.unwrap();
        j3.await.unwrap();
    });
}

#[test]
fn task_local_available_on_abort() {
    runtime::task_local! {
        static KEY: u32;
    }
    struct MyFuture {
        tx_poll: Option<oneshot::Sender<()>>,
        tx_drop: Option<oneshot::Sender<u32>>,
    }
    impl Future for MyFuture {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
            if let Some(tx_poll) = self.tx_poll.take() {
                let _ = tx_poll.send(());
            }
            Poll::Pending
        }
    }
    impl Drop for MyFuture {
        fn drop(&mut self) {
            let _ = self.tx_drop.take().unwrap().send(KEY.get());
        }
    }
    run(|| async {
        let (tx_drop, rx_drop) = oneshot::channel();
        let (tx_poll, rx_poll) = oneshot::channel();
        let h = runtime::spawn(KEY.scope(42, MyFuture { tx_poll: Some(tx_poll), tx_drop: Some(tx_drop) }));
        rx_poll.await.unwrap();
        h.abort();
        assert_eq!(rx_drop.await.unwrap(), 42);
        let err = h.await.unwrap_err();
        if !err.is_cancelled() {
            if let Ok(panic) = err.try_into_panic() {
                std::panic::resume_unwind(panic);
            } else {
                panic!();
            }
        }
    });
}

#[test]
fn task_local_available_on_completion_drop() {
    runtime::task_local! {
        static KEY: u32;
    }
    struct MyFuture {
        tx: Option<oneshot::Sender<u32>>,
    }
    impl Future for MyFuture {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
            Poll::Ready(())
        }
    }
    impl Drop for MyFuture {
        fn drop(&mut self) {
            let _ = self.tx.take().unwrap().send(KEY.get());
        }
    }
    run(|| async {
        let (tx, rx) = oneshot::channel();
        let h = runtime::spawn(KEY.scope(42, MyFuture { tx: Some(tx) }));
        assert_eq!(rx.await.unwrap(), 42);
        h.await.unwrap();
    });
}

runtime::task_local! {
    static DEPTH: u32;
}

/// Outside any scope: `try_with`/`try_get` fail, `with`/`get` panic.
#[test]
fn task_local_outside_a_scope_is_an_access_error() {
    let err: AccessError = DEPTH.try_with(|_| ()).unwrap_err();
    assert_eq!(DEPTH.try_get(), Err(err));
    assert_eq!(err.to_string(), "task-local value not set");
    let panic = catch_unwind(|| DEPTH.get()).unwrap_err();
    let msg = panic.downcast_ref::<String>().map(String::as_str).or(panic.downcast_ref::<&str>().copied());
    assert!(msg.is_some_and(|m| m.contains("outside its scope")), "{msg:?}");
}

/// Nested scopes of one key see their own value; each outer value comes
/// back when the inner scope ends, and none is left after the outer one.
#[test]
fn task_local_nested_scopes_restore_the_outer_value() {
    run(|| async {
        DEPTH
            .scope(1, async {
                DEPTH.scope(2, async { assert_eq!(DEPTH.get(), 2) }).await;
                assert_eq!(DEPTH.get(), 1);
                assert_eq!(DEPTH.sync_scope(3, || DEPTH.get()), 3);
                assert_eq!(DEPTH.get(), 1);
            })
            .await;
        assert!(DEPTH.try_get().is_err());
    });
}

/// Two tasks interleave on one thread, each in its own scope of one key:
/// each poll sees its own task's value.
#[test]
fn task_local_interleaved_tasks_each_see_their_own_value() {
    run(|| async {
        let mut handles = Vec::new();
        for id in 0..4u32 {
            handles.push(runtime::spawn(DEPTH.scope(id, async move {
                for _ in 0..10 {
                    assert_eq!(DEPTH.get(), id);
                    runtime::task::yield_now().await;
                }
                id
            })));
        }
        for (id, handle) in handles.into_iter().enumerate() {
            assert_eq!(handle.await.unwrap(), id as u32);
        }
    });
}

/// A scoped future that panics in its poll: the scope's value is gone
/// from the thread-local afterwards, and an outer value is back.
#[test]
fn task_local_panic_in_a_scope_restores_the_outer_value() {
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    DEPTH.sync_scope(1, || {
        let mut fut = pin!(DEPTH.scope(2, async {
            assert_eq!(DEPTH.get(), 2);
            panic!("boom in the scope");
        }));
        let panicked = catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(&mut cx)));
        assert!(panicked.is_err());
        assert_eq!(DEPTH.get(), 1);
    });
    assert!(DEPTH.try_get().is_err());
}

/// A scoped future dropped mid-wait (never completed) drops its inner
/// future inside the scope, and leaves the thread-local as it found it.
#[test]
fn task_local_dropped_mid_wait_restores_and_drops_inside_the_scope() {
    struct SeesKey(Rc<Cell<Option<u32>>>);
    impl Drop for SeesKey {
        fn drop(&mut self) {
            self.0.set(DEPTH.try_get().ok());
        }
    }
    let seen = Rc::new(Cell::new(None));
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    let guard = SeesKey(seen.clone());
    let mut fut = Box::pin(DEPTH.scope(5, async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    }));
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    assert!(DEPTH.try_get().is_err());
    drop(fut);
    assert_eq!(seen.get(), Some(5));
    assert!(DEPTH.try_get().is_err());
}

/// `take_value` drops an unfinished future first (inside the scope), then
/// hands the value back.
#[test]
fn task_local_take_value_after_and_before_completion() {
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut done = pin!(DEPTH.scope(7, async { DEPTH.get() }));
    assert_eq!(done.as_mut().poll(&mut cx), Poll::Ready(7));
    assert_eq!(done.as_mut().take_value(), Some(7));
    assert_eq!(done.as_mut().take_value(), None);
    let mut pending = pin!(DEPTH.scope(8, std::future::pending::<()>()));
    assert!(pending.as_mut().poll(&mut cx).is_pending());
    assert_eq!(pending.as_mut().take_value(), Some(8));
}

/// Entering a scope of a key while that key's value is borrowed (inside
/// `with`) panics, as in tokio, and the borrowed value is untouched.
#[test]
fn task_local_scope_inside_with_of_the_same_key_panics() {
    DEPTH.sync_scope(1, || {
        DEPTH.with(|v| {
            let panicked = catch_unwind(|| DEPTH.sync_scope(2, || ()));
            assert!(panicked.is_err());
            assert_eq!(*v, 1);
        });
        assert_eq!(DEPTH.get(), 1);
    });
}
