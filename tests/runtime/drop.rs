//! Dropping a runtime drops its tasks inside its context, and leaks nothing.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use crate::support::{fd_count, isolated};

struct InContext(Rc<Cell<Option<bool>>>);

impl Drop for InContext {
    fn drop(&mut self) {
        // Only inside the runtime's context can a destructor reach it.
        let inside = std::panic::catch_unwind(runtime::metrics).is_ok();
        self.0.set(Some(inside));
    }
}

#[test]
fn drop_runtime_drops_pending_tasks_inside_its_context() {
    let seen = Rc::new(Cell::new(None));
    let rt = runtime::Runtime::new().unwrap();
    let guard = InContext(seen.clone());
    rt.spawn(async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    });
    rt.block_on(runtime::task::yield_now());
    assert_eq!(seen.get(), None);
    drop(rt);
    assert_eq!(seen.get(), Some(true));
}

#[test]
fn drop_runtime_drops_never_polled_tasks() {
    let seen = Rc::new(Cell::new(None));
    let rt = runtime::Runtime::new().unwrap();
    let guard = InContext(seen.clone());
    let handle = rt.spawn(async move {
        let _guard = guard;
    });
    drop(rt);
    assert_eq!(seen.get(), Some(true));
    drop(handle);
}

#[test]
fn drop_runtime_cancels_handles_still_held() {
    let rt = runtime::Runtime::new().unwrap();
    let handle = rt.spawn(std::future::pending::<()>());
    drop(rt);
    assert!(handle.is_finished());
    let err = runtime::block_on(handle).unwrap_err();
    assert!(err.is_cancelled());
}

#[test]
fn drop_runtime_with_io_timers_and_tasks_leaks_no_fds() {
    isolated("drop::drop_runtime_with_io_timers_and_tasks_leaks_no_fds", || {
        // Warm up lazily created process-wide fds before counting.
        drop(runtime::Runtime::new().unwrap());
        let before = fd_count();
        for _ in 0..20 {
            let rt = runtime::Runtime::new().unwrap();
            rt.block_on(async {
                let (r, w) = crate::support::pipe();
                let r = runtime::io::AsyncFd::new(r).unwrap();
                runtime::spawn(async move {
                    let _w = w;
                    let _ = r.readable().await;
                    let _ = r.read_with(|f| std::io::Read::read(&mut &*f, &mut [0u8; 8])).await;
                });
                runtime::spawn(runtime::time::sleep(Duration::from_secs(3600)));
                runtime::task::yield_now().await;
            });
        }
        assert_eq!(fd_count(), before);
    });
}

/// Spawns, when dropped, a task that holds a registered pipe: during a
/// runtime's shutdown that task must be dropped too, or the pipe and the
/// runtime (which the pipe's registration keeps alive) leak.
struct SpawnOnDrop;

impl Drop for SpawnOnDrop {
    fn drop(&mut self) {
        let (r, w) = crate::support::pipe();
        let r = runtime::io::AsyncFd::new(r).unwrap();
        let handle = runtime::spawn(async move {
            let _w = w;
            let _ = r.readable().await;
            std::future::pending::<()>().await
        });
        assert!(handle.is_finished(), "a task spawned during shutdown is dropped at once");
    }
}

#[test]
fn drop_runtime_drops_tasks_spawned_during_shutdown() {
    isolated("drop::drop_runtime_drops_tasks_spawned_during_shutdown", || {
        drop(runtime::Runtime::new().unwrap());
        let before = fd_count();
        for _ in 0..10 {
            let rt = runtime::Builder::new().max_blocking_threads(1).build().unwrap();
            rt.block_on(async {
                // A task whose destructor spawns.
                let on_drop = SpawnOnDrop;
                runtime::spawn(async move {
                    let _d = on_drop;
                    std::future::pending::<()>().await
                });
                // A queued blocking job whose destructor spawns, behind a
                // running one that ends when the runtime drops its tasks.
                let (hold_tx, hold_rx) = std::sync::mpsc::channel::<()>();
                let (started_tx, started) = std::sync::mpsc::channel();
                runtime::spawn(async move {
                    let _hold = hold_tx;
                    std::future::pending::<()>().await
                });
                drop(runtime::spawn_blocking(move || {
                    started_tx.send(()).unwrap();
                    let _ = hold_rx.recv();
                }));
                started.recv_timeout(Duration::from_secs(10)).unwrap();
                let on_drop = SpawnOnDrop;
                drop(runtime::spawn_blocking(move || drop(on_drop)));
                runtime::task::yield_now().await;
            });
        }
        assert_eq!(fd_count(), before, "every fd of the dropped runtimes is closed");
    });
}

/// A future that is ready at once and panics when dropped afterwards.
struct PanicOnDropAfterReady;

impl std::future::Future for PanicOnDropAfterReady {
    type Output = u32;

    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<u32> {
        std::task::Poll::Ready(7)
    }
}

impl Drop for PanicOnDropAfterReady {
    fn drop(&mut self) {
        panic!("dropped after ready");
    }
}

#[test]
fn drop_panic_after_ready_reaches_the_join_handle() {
    crate::support::run(|| async {
        let err = runtime::spawn(PanicOnDropAfterReady).await.unwrap_err();
        assert!(err.is_panic());
        assert!(err.to_string().contains("dropped after ready"), "{err}");
    });
}

#[test]
fn drop_panic_after_ready_in_a_detached_task_shuts_down_a_runtime_built_to() {
    let result = crate::support::bounded(|| {
        let rt = runtime::Builder::new().unhandled_panic(runtime::UnhandledPanic::ShutdownRuntime).build().unwrap();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(async {
                drop(runtime::spawn(PanicOnDropAfterReady));
                // Bounded: the runtime panics at its next turn instead.
                runtime::time::sleep(Duration::from_secs(20)).await;
            })
        }))
        .map_err(|p| crate::support::panic_text(p.as_ref()))
    });
    let text = result.expect_err("the unhandled panic shut the runtime down");
    assert!(text.contains("UnhandledPanic::ShutdownRuntime"), "{text}");
}
