//! Spawning tasks, `!Send` futures, scheduling and fairness.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use crate::support::run;

#[test]
fn spawn_runs_a_non_send_future_and_returns_its_output() {
    let out = run(|| async {
        let shared = Rc::new(Cell::new(1));
        let inner = shared.clone();
        let handle = runtime::spawn(async move {
            inner.set(inner.get() + 41);
            Rc::new(inner.get())
        });
        let rc = handle.await.expect("task completes");
        assert_eq!(shared.get(), 42);
        *rc
    });
    assert_eq!(out, 42);
}

#[test]
fn spawn_100_000_tasks_all_complete() {
    let total = run(|| async {
        let handles: Vec<_> = (0..100_000u64).map(|i| runtime::spawn(async move { i })).collect();
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        assert_eq!(runtime::metrics().tasks_alive, 0);
        sum
    });
    assert_eq!(total, 99_999 * 100_000 / 2);
}

#[test]
fn spawn_from_inside_a_task_and_detach() {
    let n = run(|| async {
        let counter = Rc::new(Cell::new(0));
        let c = counter.clone();
        runtime::spawn(async move {
            for _ in 0..10 {
                let c = c.clone();
                drop(runtime::spawn(async move { c.set(c.get() + 1) }));
            }
        });
        while counter.get() < 10 {
            runtime::task::yield_now().await;
        }
        counter.get()
    });
    assert_eq!(n, 10);
}

#[test]
fn spawn_outside_a_runtime_panics_with_how_to_start_one() {
    let err = std::panic::catch_unwind(|| runtime::spawn(async {})).unwrap_err();
    let msg = crate::support::panic_text(err.as_ref());
    assert!(msg.contains("runtime::block_on"), "message was {msg:?}");
}

#[test]
fn runtime_spawn_before_block_on_runs_inside_it() {
    let rt = runtime::Runtime::new().unwrap();
    let handle = rt.spawn(async { 7 });
    assert_eq!(rt.block_on(handle).unwrap(), 7);
}

#[test]
fn block_on_inside_a_runtime_panics() {
    let result = std::panic::catch_unwind(|| runtime::block_on(async { runtime::block_on(async {}) }));
    assert!(result.is_err());
}

#[test]
fn yield_now_lets_other_tasks_run() {
    run(|| async {
        let flag = Rc::new(Cell::new(false));
        let f = flag.clone();
        runtime::spawn(async move { f.set(true) });
        assert!(!flag.get());
        runtime::task::yield_now().await;
        assert!(flag.get());
    });
}

#[test]
fn spawn_busy_yielding_tasks_do_not_starve_timers_or_io() {
    run(|| async {
        let stop = Rc::new(Cell::new(false));
        for _ in 0..4 {
            let stop = stop.clone();
            runtime::spawn(async move {
                while !stop.get() {
                    runtime::task::yield_now().await;
                }
            });
        }
        let (r, w) = crate::support::pipe();
        let r = runtime::io::AsyncFd::new(r).unwrap();
        std::io::Write::write_all(&mut &w, b"x").unwrap();
        let mut buf = [0u8; 1];
        r.read_with(|f| std::io::Read::read(&mut &*f, &mut buf)).await.unwrap();
        runtime::time::sleep(Duration::from_millis(5)).await;
        stop.set(true);
    });
}

#[test]
fn spawn_always_ready_io_task_yields_through_the_budget() {
    run(|| async {
        // The hog writes a byte into a pipe and reads it back, for ever: both
        // fds are always ready, so without the cooperative budget it would
        // never return from its poll and the other task would never run.
        let (r, w) = crate::support::pipe();
        let (r, w) = (runtime::io::AsyncFd::new(r).unwrap(), runtime::io::AsyncFd::new(w).unwrap());
        let hog = runtime::spawn(async move {
            let mut byte = [0u8; 1];
            loop {
                w.write_with(|f| std::io::Write::write(&mut &*f, b"x")).await.unwrap();
                r.read_with(|f| std::io::Read::read(&mut &*f, &mut byte)).await.unwrap();
            }
        });
        let other = runtime::spawn(async { "ran" });
        assert_eq!(other.await.unwrap(), "ran");
        hog.abort();
        assert!(hog.await.unwrap_err().is_cancelled());
    });
}
