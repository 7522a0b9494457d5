//! Tests of the unsafe task core (allocation, reference counts, the waker
//! vtable, the injection queue) that make only the driver's own system
//! calls, so they run under Miri:
//! `cargo +nightly miri test -p runtime task::tests`.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use crate::{block_on, spawn, Runtime};

mod cache;
mod output;
mod owned;

/// Counts drops, to check each future and output is dropped exactly once.
struct Tracked(Rc<Cell<u32>>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn task_output_is_read_once_and_dropped_once() {
    let drops = Rc::new(Cell::new(0));
    let d = drops.clone();
    let out = block_on(async move { spawn(async move { Tracked(d) }).await.unwrap() });
    assert_eq!(drops.get(), 0);
    drop(out);
    assert_eq!(drops.get(), 1);
}

#[test]
fn task_future_dropped_once_on_abort_and_on_shutdown() {
    let drops = Rc::new(Cell::new(0));
    let rt = Runtime::new().unwrap();
    let (a, b) = (Tracked(drops.clone()), Tracked(drops.clone()));
    let aborted = rt.spawn(async move {
        let _a = a;
        std::future::pending::<()>().await
    });
    let _pending = rt.spawn(async move {
        let _b = b;
        std::future::pending::<()>().await
    });
    rt.block_on(async {
        crate::task::yield_now().await;
        aborted.abort();
        assert!(aborted.await.unwrap_err().is_cancelled());
    });
    assert_eq!(drops.get(), 1);
    drop(rt);
    assert_eq!(drops.get(), 2);
}

#[test]
fn task_panic_is_caught_and_its_output_dropped_with_the_handle() {
    block_on(async {
        let err = spawn(async { panic!("inside a task") }).await.unwrap_err();
        assert!(err.is_panic());
        drop(spawn(async { panic!("detached") }));
        crate::task::yield_now().await;
    });
}

#[test]
fn task_waker_clones_outlive_the_task_and_the_runtime() {
    let stash: Rc<Cell<Option<Waker>>> = Rc::new(Cell::new(None));
    let s = stash.clone();
    block_on(async move {
        spawn(std::future::poll_fn(move |cx| {
            s.set(Some(cx.waker().clone()));
            Poll::Ready(())
        }))
        .await
        .unwrap();
    });
    let waker = stash.take().expect("waker kept");
    let clone = waker.clone();
    waker.wake();
    clone.wake_by_ref();
    drop(clone);
}

#[test]
fn task_woken_from_another_thread_runs_again() {
    let out = block_on(async {
        let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
        let fired = Arc::new(AtomicBool::new(false));
        let (s, f) = (slot.clone(), fired.clone());
        let task = spawn(std::future::poll_fn(move |cx| {
            if f.load(SeqCst) {
                return Poll::Ready(7);
            }
            *s.lock().unwrap() = Some(cx.waker().clone());
            Poll::Pending
        }));
        crate::task::yield_now().await;
        let t = std::thread::spawn(move || {
            fired.store(true, SeqCst);
            let waker = slot.lock().unwrap().take().expect("task stored its waker");
            waker.wake();
        });
        let out = task.await.unwrap();
        t.join().unwrap();
        out
    });
    assert_eq!(out, 7);
}

#[test]
fn task_many_spawns_and_yields() {
    let sum = block_on(async {
        let handles: Vec<_> = (0..50u32)
            .map(|i| {
                spawn(async move {
                    crate::task::yield_now().await;
                    i
                })
            })
            .collect();
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, 49 * 50 / 2);
}

#[test]
#[cfg(feature = "time")]
fn task_woken_by_a_timer_takes_the_local_wake_path() {
    let out = block_on(async {
        let sleeper = spawn(async {
            crate::time::sleep(std::time::Duration::from_micros(1500)).await;
            "slept"
        });
        sleeper.await.unwrap()
    });
    assert_eq!(out, "slept");
}

/// Ready at once; its destructor then panics.
struct PanicOnDrop;

impl std::future::Future for PanicOnDrop {
    type Output = Tracked;

    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> Poll<Tracked> {
        Poll::Ready(Tracked(Rc::new(Cell::new(0))))
    }
}

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("destructor after ready");
    }
}

#[test]
fn task_panic_in_destructor_after_ready_is_the_tasks_panic() {
    block_on(async {
        let err = spawn(PanicOnDrop).await.err().expect("the destructor panicked");
        assert!(err.is_panic());
    });
    // Detached, it is an unhandled panic, never lost.
    let rt = crate::Builder::new().unhandled_panic(crate::UnhandledPanic::ShutdownRuntime).build().unwrap();
    let shut_down = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            drop(spawn(PanicOnDrop));
            for _ in 0..3 {
                crate::task::yield_now().await;
            }
        })
    }));
    assert!(shut_down.is_err());
}

/// Panics in `poll`; its destructor records whether the thread was panicking.
struct PanicInPoll(Rc<Cell<Option<bool>>>);

impl std::future::Future for PanicInPoll {
    type Output = ();

    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> Poll<()> {
        panic!("in poll");
    }
}

impl Drop for PanicInPoll {
    fn drop(&mut self) {
        self.0.set(Some(std::thread::panicking()));
    }
}

#[test]
fn task_panic_in_poll_drops_the_future_while_unwinding_once() {
    let seen = Rc::new(Cell::new(None));
    let s = seen.clone();
    block_on(async move {
        let err = spawn(PanicInPoll(s)).await.unwrap_err();
        assert!(err.is_panic());
    });
    assert_eq!(seen.get(), Some(true));
}
