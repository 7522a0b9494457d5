//! `JoinHandle`: output, abort, is_finished, panics.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use runtime::time::sleep;

use crate::support::run;

#[test]
fn join_abort_gives_is_cancelled_and_drops_the_future() {
    run(|| async {
        let dropped = Rc::new(Cell::new(false));
        let guard = DropFlag(dropped.clone());
        let handle = runtime::spawn(async move {
            let _guard = guard;
            sleep(Duration::from_secs(3600)).await;
        });
        runtime::task::yield_now().await;
        assert!(!handle.is_finished());
        handle.abort();
        let err = handle.await.unwrap_err();
        assert!(err.is_cancelled());
        assert!(!err.is_panic());
        assert!(dropped.get());
    });
}

#[test]
fn join_abort_before_first_poll_never_runs_the_future() {
    run(|| async {
        let ran = Rc::new(Cell::new(false));
        let r = ran.clone();
        let handle = runtime::spawn(async move { r.set(true) });
        handle.abort();
        assert!(handle.await.unwrap_err().is_cancelled());
        assert!(!ran.get());
    });
}

#[test]
fn join_abort_after_completion_keeps_the_output() {
    run(|| async {
        let handle = runtime::spawn(async { 5 });
        while !handle.is_finished() {
            runtime::task::yield_now().await;
        }
        handle.abort();
        assert_eq!(handle.await.unwrap(), 5);
    });
}

#[test]
fn join_panicking_task_gives_is_panic_and_the_runtime_keeps_serving() {
    run(|| async {
        let bad = runtime::spawn(async { panic!("boom") });
        let err = bad.await.unwrap_err();
        assert!(err.is_panic());
        assert!(err.to_string().contains("boom"));
        let payload = err.into_panic();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
        // The runtime still runs tasks and timers.
        let good = runtime::spawn(async {
            sleep(Duration::from_millis(1)).await;
            "still serving"
        });
        assert_eq!(good.await.unwrap(), "still serving");
    });
}

#[test]
fn join_detached_panic_is_ignored_by_default() {
    let rt = runtime::Runtime::new().unwrap();
    let out = rt.block_on(async {
        drop(runtime::spawn(async { panic!("nobody listens") }));
        sleep(Duration::from_millis(2)).await;
        "survived"
    });
    assert_eq!(out, "survived");
}

#[test]
fn join_detached_panic_shuts_down_a_runtime_built_to() {
    let result = crate::support::bounded(|| {
        std::panic::catch_unwind(|| {
            let rt = runtime::Builder::new().unhandled_panic(runtime::UnhandledPanic::ShutdownRuntime).build().unwrap();
            rt.block_on(async {
                drop(runtime::spawn(async { panic!("background failure") }));
                sleep(Duration::from_secs(3600)).await;
            })
        })
    });
    let msg = crate::support::panic_text(result.unwrap_err().as_ref());
    assert!(msg.contains("ShutdownRuntime"), "{msg}");
}

#[test]
fn join_handle_dropped_with_unseen_panic_shuts_down_a_runtime_built_to() {
    let result = crate::support::bounded(|| {
        std::panic::catch_unwind(|| {
            let rt = runtime::Builder::new().unhandled_panic(runtime::UnhandledPanic::ShutdownRuntime).build().unwrap();
            rt.block_on(async {
                let handle = runtime::spawn(async { panic!("unseen") });
                while !handle.is_finished() {
                    runtime::task::yield_now().await;
                }
                drop(handle);
                sleep(Duration::from_secs(3600)).await;
            })
        })
    });
    assert!(result.is_err());
}

#[test]
fn join_handle_awaited_from_another_task() {
    run(|| async {
        let first = runtime::spawn(async {
            sleep(Duration::from_millis(2)).await;
            1
        });
        let second = runtime::spawn(async move { first.await.unwrap() + 1 });
        assert_eq!(second.await.unwrap(), 2);
    });
}

#[test]
fn join_output_dropped_when_handle_is_dropped() {
    run(|| async {
        let dropped = Rc::new(Cell::new(false));
        let flag = DropFlag(dropped.clone());
        let handle = runtime::spawn(async move { flag });
        while !handle.is_finished() {
            runtime::task::yield_now().await;
        }
        assert!(!dropped.get(), "output is kept for the handle");
        drop(handle);
        assert!(dropped.get());
    });
}

struct DropFlag(Rc<Cell<bool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}
