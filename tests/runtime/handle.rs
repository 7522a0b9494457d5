//! `Handle` (spawn from any thread) and `Spawner` (`LocalSpawn`).

use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use futures::task::{LocalSpawn, LocalSpawnExt, Spawn, SpawnExt};
use runtime::{Builder, Handle, Runtime, UnhandledPanic};

use crate::support::{bounded, panic_text, run};

fn assert_send_sync_clone<T: Send + Sync + Clone>() {}

#[test]
fn handle_is_send_sync_and_clone() {
    assert_send_sync_clone::<Handle>();
}

/// Sets its flag when dropped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn handle_spawn_from_a_std_thread_runs_on_the_runtime_thread() {
    run(|| async {
        let handle = Handle::current();
        let runtime_thread = thread::current().id();
        let other = thread::spawn(move || {
            let task = handle.spawn(async { thread::current().id() });
            futures::executor::block_on(task).unwrap()
        });
        // Wait for the thread off the runtime's thread, so the runtime runs the task.
        let ran_on = runtime::spawn_blocking(move || other.join().unwrap()).await.unwrap();
        assert_eq!(ran_on, runtime_thread);
    });
}

#[test]
fn handle_spawn_from_spawn_blocking_runs_the_task() {
    run(|| async {
        let handle = Handle::current();
        let job = runtime::spawn_blocking(move || {
            let task = handle.spawn(async {
                runtime::time::sleep(Duration::from_millis(1)).await;
                "spawned from a blocking job"
            });
            futures::executor::block_on(task)
        });
        assert_eq!(job.await.unwrap().unwrap(), "spawned from a blocking job");
    });
}

#[test]
fn handle_current_inside_spawn_blocking_is_the_runtime_that_started_the_job() {
    run(|| async {
        let outer = Handle::current();
        let job = runtime::spawn_blocking(move || {
            let handle = Handle::current();
            assert!(handle.same_runtime(&outer));
            let task = handle.spawn(async { runtime::task::yield_now().await });
            futures::executor::block_on(task)
        });
        job.await.unwrap().unwrap();
    });
}

#[test]
fn spawn_inside_spawn_blocking_panics_pointing_to_handle_spawn() {
    run(|| async {
        let job = runtime::spawn_blocking(|| {
            drop(runtime::spawn(async {}));
        });
        let err = job.await.unwrap_err();
        let text = panic_text(&*err.into_panic());
        assert!(text.contains("Handle::current().spawn"), "{text}");
    });
}

#[test]
fn handle_spawn_on_the_runtime_thread_is_an_ordinary_spawn() {
    run(|| async {
        let before = runtime::metrics().tasks_spawned;
        let task = Handle::current().spawn(async { 7 });
        assert_eq!(runtime::metrics().tasks_spawned, before + 1, "spawned at once, not queued");
        assert_eq!(task.await.unwrap(), 7);
    });
}

#[test]
fn handle_from_runtime_spawns_before_block_on_runs() {
    bounded(|| {
        let rt = Runtime::new().unwrap();
        let task = rt.handle().spawn(async { 1 + 1 });
        assert!(!task.is_finished());
        assert_eq!(rt.block_on(task).unwrap(), 2);
        assert!(rt.handle().same_runtime(&rt.block_on(async { Handle::current() })));
    });
}

#[test]
fn handle_spawn_after_the_runtime_is_dropped_is_cancelled() {
    bounded(|| {
        let rt = Runtime::new().unwrap();
        let handle = rt.handle().clone();
        drop(rt);
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(dropped.clone());
        let task = handle.spawn(async move {
            let _flag = flag;
            1
        });
        assert!(dropped.load(Ordering::SeqCst), "the future is dropped at once");
        assert!(task.is_finished());
        let err = futures::executor::block_on(task).unwrap_err();
        assert!(err.is_cancelled());
        assert!(handle.status().unwrap_err().is_shutdown());
        assert!(handle.spawn_with_handle(async {}).is_err());
    });
}

#[test]
fn handle_spawn_queued_when_the_runtime_drops_is_cancelled_and_dropped() {
    bounded(|| {
        let rt = Runtime::new().unwrap();
        let handle = rt.handle().clone();
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(dropped.clone());
        let task = thread::spawn(move || {
            handle.spawn(async move {
                let _flag = flag;
                std::future::pending::<()>().await
            });
        });
        task.join().unwrap();
        // A second task, started and then left pending at the drop.
        let started = rt.handle().spawn(std::future::pending::<()>());
        rt.block_on(runtime::task::yield_now());
        drop(rt);
        assert!(dropped.load(Ordering::SeqCst));
        assert!(futures::executor::block_on(started).unwrap_err().is_cancelled());
    });
}

#[test]
fn handle_spawn_abort_from_the_spawning_thread_cancels_the_task() {
    run(|| async {
        let handle = Handle::current();
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(dropped.clone());
        let other = thread::spawn(move || {
            let task = handle.spawn(async move {
                let _flag = flag;
                std::future::pending::<()>().await
            });
            task.abort();
            futures::executor::block_on(task)
        });
        let result = runtime::spawn_blocking(move || other.join().unwrap()).await.unwrap();
        assert!(result.unwrap_err().is_cancelled());
        assert!(dropped.load(Ordering::SeqCst));
    });
}

#[test]
fn handle_spawn_abort_handle_from_the_spawning_thread_cancels_the_task() {
    run(|| async {
        let handle = Handle::current();
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(dropped.clone());
        let other = thread::spawn(move || {
            let task = handle.spawn(async move {
                let _flag = flag;
                std::future::pending::<()>().await
            });
            let abort = task.abort_handle();
            assert!(!abort.is_finished());
            abort.clone().abort();
            let result = futures::executor::block_on(task);
            (result, abort.is_finished())
        });
        let (result, finished) = runtime::spawn_blocking(move || other.join().unwrap()).await.unwrap();
        assert!(result.unwrap_err().is_cancelled());
        assert!(finished, "the abort handle sees the task end");
        assert!(dropped.load(Ordering::SeqCst));
    });
}

#[test]
fn handle_spawn_panic_reaches_the_join_handle() {
    run(|| async {
        let handle = Handle::current();
        let other = thread::spawn(move || futures::executor::block_on(handle.spawn(async { panic!("boom") })));
        let err = runtime::spawn_blocking(move || other.join().unwrap()).await.unwrap().unwrap_err();
        assert!(err.is_panic());
        assert_eq!(panic_text(&*err.into_panic()), "boom");
    });
}

#[test]
fn handle_spawn_panic_nobody_awaits_shuts_the_runtime_down() {
    let panicked = bounded(|| {
        let rt = Builder::new().unhandled_panic(UnhandledPanic::ShutdownRuntime).build().unwrap();
        let handle = rt.handle().clone();
        thread::spawn(move || drop(handle.spawn(async { panic!("nobody awaits this") }))).join().unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(runtime::time::sleep(Duration::from_secs(10)))
        }));
        outcome.is_err()
    });
    assert!(panicked, "the unhandled panic of a remotely spawned task shuts the runtime down");
}

#[test]
fn handle_current_outside_a_runtime_panics_and_try_current_errs() {
    let err = Handle::try_current().unwrap_err();
    assert!(err.is_missing_context());
    assert!(!err.is_thread_local_destroyed());
    let panic = std::panic::catch_unwind(Handle::current).unwrap_err();
    assert!(panic_text(&*panic).contains("no runtime"), "{}", panic_text(&*panic));
}

#[test]
fn handle_implements_futures_spawn() {
    run(|| async {
        let handle = Handle::current();
        let other = thread::spawn(move || {
            let task = handle.spawn_with_handle(async { "through SpawnExt" }).unwrap();
            futures::executor::block_on(task)
        });
        assert_eq!(runtime::spawn_blocking(move || other.join().unwrap()).await.unwrap(), "through SpawnExt");
    });
}

#[test]
fn spawner_implements_local_spawn_for_not_send_futures() {
    run(|| async {
        let spawner = runtime::spawner();
        let shared = Rc::new(5);
        let value = shared.clone();
        let task = spawner.spawn_local_with_handle(async move { *value * 2 }).unwrap();
        assert_eq!(task.await, 10);
        assert!(spawner.status_local().is_ok());
    });
}

#[test]
fn spawner_after_its_runtime_is_dropped_reports_shutdown() {
    bounded(|| {
        let rt = Runtime::new().unwrap();
        let spawner = rt.block_on(async { runtime::spawner() });
        drop(rt);
        assert!(spawner.status_local().unwrap_err().is_shutdown());
        assert!(spawner.spawn_local(async {}).unwrap_err().is_shutdown());
    });
}

#[test]
fn handle_spawn_blocking_from_a_std_thread_runs_on_the_pool() {
    run(|| async {
        let handle = Handle::current();
        let runtime_thread = thread::current().id();
        let other = thread::spawn(move || {
            let ok = futures::executor::block_on(handle.spawn_blocking(move || thread::current().id()));
            let panicked = futures::executor::block_on(handle.spawn_blocking(|| panic!("in the pool")));
            (ok.unwrap(), panic_text(&*panicked.unwrap_err().into_panic()))
        });
        let (ran_on, text) = runtime::spawn_blocking(move || other.join().unwrap()).await.unwrap();
        assert_ne!(ran_on, runtime_thread);
        assert_eq!(text, "in the pool");
    });
}
