//! A task's panic: its future is dropped while the panic unwinds (so its
//! destructors see `std::thread::panicking()` and poison the locks they
//! hold), and which panics count as unhandled under
//! `UnhandledPanic::ShutdownRuntime` (`support::run` builds every runtime so).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll};

use runtime::sync::oneshot;
use runtime::task::{yield_now, JoinSet};

use crate::support::{bounded, run};

/// Ported from tokio 1.54 `tests/rt_common.rs` `panic_in_task`, every
/// assertion kept: the destructor of a future that panicked in `poll` runs
/// while the panic unwinds.
#[test]
fn panic_in_task() {
    struct Boom(Option<oneshot::Sender<()>>);

    impl Future for Boom {
        type Output = ();

        fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
            panic!();
        }
    }

    impl Drop for Boom {
        fn drop(&mut self) {
            assert!(std::thread::panicking());
            self.0.take().unwrap().send(()).unwrap();
        }
    }

    // The panic is unhandled (nobody awaits the handle): `Ignore` keeps the
    // runtime up, as tokio's default does.
    bounded(|| {
        let rt = runtime::Runtime::new().unwrap();
        let (tx, rx) = oneshot::channel();
        rt.spawn(Boom(Some(tx)));
        rt.block_on(rx).unwrap();
    });
}

#[test]
fn task_panic_poisons_a_mutex_guard_the_future_holds() {
    static LOCK: Mutex<u32> = Mutex::new(0);
    run(|| async {
        let guard = LOCK.lock().unwrap();
        let err = runtime::spawn(PanicsHolding::<MutexGuard<'static, u32>>(guard)).await.unwrap_err();
        assert!(err.is_panic());
        assert!(LOCK.is_poisoned(), "the guard was dropped after the panic was caught");
    });
}

/// Panics when dropped, unless it is dropped by an unwinding panic.
struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            panic!("destructor of a cancelled task");
        }
    }
}

async fn pending_holding_panic_on_drop() {
    let _bomb = PanicOnDrop;
    std::future::pending::<()>().await;
}

#[test]
fn join_set_dropped_unjoined_whose_task_destructor_panics_does_not_shut_down() {
    let out = run(|| async {
        let mut set = JoinSet::new();
        let abort = set.spawn(pending_holding_panic_on_drop());
        yield_now().await;
        drop(set);
        while !abort.is_finished() {
            yield_now().await;
        }
        for _ in 0..3 {
            yield_now().await;
        }
        "still running"
    });
    assert_eq!(out, "still running");
}

#[test]
fn join_set_abort_all_then_drop_whose_task_destructor_panics_does_not_shut_down() {
    let out = run(|| async {
        let mut set = JoinSet::new();
        let abort = set.spawn(pending_holding_panic_on_drop());
        yield_now().await;
        set.abort_all();
        while !abort.is_finished() {
            yield_now().await;
        }
        // The panic is stored in the set, which is dropped unjoined.
        drop(set);
        for _ in 0..3 {
            yield_now().await;
        }
        "still running"
    });
    assert_eq!(out, "still running");
}

/// As tokio's `cancel_task`: the destructor's panic goes into the
/// `JoinError`, and is never an unhandled panic, handle or not.
#[test]
fn aborted_task_destructor_panic_is_in_its_join_error() {
    run(|| async {
        let handle = runtime::spawn(pending_holding_panic_on_drop());
        yield_now().await;
        handle.abort();
        let err = handle.await.unwrap_err();
        assert!(err.is_panic());
        assert_eq!(crate::support::panic_text(err.into_panic().as_ref()), "destructor of a cancelled task");
    });
}

#[test]
fn aborted_detached_task_destructor_panic_does_not_shut_down() {
    let out = run(|| async {
        let handle = runtime::spawn(pending_holding_panic_on_drop());
        yield_now().await;
        let abort = handle.abort_handle();
        abort.abort();
        drop(handle);
        while !abort.is_finished() {
            yield_now().await;
        }
        // And a handle dropped with that panic unread.
        let handle = runtime::spawn(pending_holding_panic_on_drop());
        yield_now().await;
        handle.abort();
        while !handle.is_finished() {
            yield_now().await;
        }
        drop(handle);
        for _ in 0..3 {
            yield_now().await;
        }
        "still running"
    });
    assert_eq!(out, "still running");
}

/// `detach_all` gives its tasks up: a later panic of one is unhandled, as
/// for any task whose handle was dropped.
#[test]
fn join_set_detached_task_panic_still_shuts_down() {
    let result = bounded(|| {
        std::panic::catch_unwind(|| {
            let rt = runtime::Builder::new().unhandled_panic(runtime::UnhandledPanic::ShutdownRuntime).build().unwrap();
            rt.block_on(async {
                let mut set = JoinSet::new();
                let (tx, rx) = oneshot::channel::<()>();
                set.spawn(async move {
                    let _ = rx.await;
                    panic!("after detach_all");
                });
                yield_now().await;
                set.detach_all();
                drop(tx);
                runtime::time::sleep(std::time::Duration::from_secs(3600)).await;
            })
        })
    });
    let msg = crate::support::panic_text(result.unwrap_err().as_ref());
    assert!(msg.contains("ShutdownRuntime"), "{msg}");
}

/// Records whether the thread was panicking when it was dropped.
struct SeesPanicking(std::sync::mpsc::Sender<bool>);

impl Drop for SeesPanicking {
    fn drop(&mut self) {
        let _ = self.0.send(std::thread::panicking());
    }
}

/// Panics in `poll`, holding its field.
struct PanicsHolding<T>(#[allow(dead_code)] T);

impl<T> Future for PanicsHolding<T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        panic!("while holding");
    }
}

#[test]
fn handle_spawn_panic_drops_the_future_while_it_unwinds() {
    run(|| async {
        let handle = runtime::Handle::current();
        let (tx, rx) = std::sync::mpsc::channel();
        let other = std::thread::spawn(move || {
            // A hand-written future: an `async` block would drop its own
            // locals while the panic unwinds through it.
            let task = handle.spawn(PanicsHolding(SeesPanicking(tx)));
            futures::executor::block_on(task).unwrap_err().is_panic()
        });
        assert!(runtime::spawn_blocking(move || other.join().unwrap()).await.unwrap());
        assert!(rx.try_recv().unwrap(), "dropped after the panic was caught");
    });
}

/// Says it is being dropped, then panics (unless already panicking).
struct SignalThenPanicOnDrop(std::sync::mpsc::Sender<()>);

impl Drop for SignalThenPanicOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(());
        if !std::thread::panicking() {
            panic!("destructor of a cancelled remote task");
        }
    }
}

#[test]
fn handle_spawn_aborted_detached_destructor_panic_does_not_shut_down() {
    let out = run(|| async {
        let handle = runtime::Handle::current();
        let (tx, dropped) = std::sync::mpsc::channel();
        let other = std::thread::spawn(move || {
            let bomb = SignalThenPanicOnDrop(tx);
            let task = handle.spawn(async move {
                let _bomb = bomb;
                std::future::pending::<()>().await;
            });
            task.abort();
        });
        runtime::spawn_blocking(move || other.join().unwrap()).await.unwrap();
        while dropped.try_recv().is_err() {
            yield_now().await;
        }
        for _ in 0..3 {
            yield_now().await;
        }
        "still running"
    });
    assert_eq!(out, "still running");
}
