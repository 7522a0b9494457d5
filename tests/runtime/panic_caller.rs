//! A misuse panic points at the caller's line (`#[track_caller]`), as
//! tokio's do. The first four are ported from tokio 1.54 `tests/rt_panic.rs`
//! (`current_handle_panic_caller`, `into_panic_panic_caller`,
//! `builder_max_blocking_threads_panic_caller`) and
//! `tests/task_panic.rs` (`spawn_panic_caller`) with every assertion kept;
//! tokio's other `*_panic_caller` tests there are of APIs this runtime does
//! not have (`LocalSet`, `block_in_place`, the multi-thread builder; the
//! `task_local!` ones are at the end; the `AsyncFd` ones of `tests/io_panic.rs`
//! are last). The rest apply the same check to this runtime's other
//! functions that panic on misuse. Each runs alone in a child process,
//! since the panic hook it sets is global.

use std::error::Error;
use std::panic;

use futures::future;
use runtime::pool::Pool;
use runtime::task::JoinSet;
use runtime::{Handle, Runtime};

use crate::support::{isolated, test_panic};

fn current_thread() -> Runtime {
    runtime::Builder::new().build().unwrap()
}

#[test]
fn current_handle_panic_caller() -> Result<(), Box<dyn Error>> {
    isolated("panic_caller::current_handle_panic_caller", || {
        let panic_location_file = test_panic(|| {
            let _ = Handle::current();
        });

        // The panic location should be in this file
        assert_eq!(&panic_location_file.unwrap(), file!());
    });
    Ok(())
}

#[test]
fn into_panic_panic_caller() -> Result<(), Box<dyn Error>> {
    isolated("panic_caller::into_panic_panic_caller", || {
        let panic_location_file = test_panic(move || {
            let rt = current_thread();
            rt.block_on(async {
                let handle = runtime::spawn(future::pending::<()>());

                handle.abort();

                let err = handle.await.unwrap_err();
                assert!(!&err.is_panic());

                let _ = err.into_panic();
            });
        });

        // The panic location should be in this file
        assert_eq!(&panic_location_file.unwrap(), file!());
    });
    Ok(())
}

#[test]
fn spawn_panic_caller() -> Result<(), Box<dyn Error>> {
    isolated("panic_caller::spawn_panic_caller", || {
        let panic_location_file = test_panic(|| {
            runtime::spawn(future::pending::<()>());
        });

        // The panic location should be in this file
        assert_eq!(&panic_location_file.unwrap(), file!());
    });
    Ok(())
}

#[test]
fn builder_max_blocking_threads_panic_caller() -> Result<(), Box<dyn Error>> {
    // tokio's uses `Builder::new_multi_thread()`; this runtime's one builder
    // has the same setting.
    isolated("panic_caller::builder_max_blocking_threads_panic_caller", || {
        let panic_location_file = test_panic(|| {
            let _ = runtime::Builder::new().max_blocking_threads(0).build();
        });

        // The panic location should be in this file
        assert_eq!(&panic_location_file.unwrap(), file!());
    });
    Ok(())
}

/// The same check for this runtime's other misuse panics: `test_path`
/// names the test (for `isolated`), `misuse` makes the panic.
fn panics_here(test_path: &str, misuse: impl FnOnce() + panic::UnwindSafe) {
    isolated(test_path, || {
        let panic_location_file = test_panic(misuse);
        assert_eq!(&panic_location_file.unwrap(), file!());
    });
}

#[test]
fn spawn_blocking_panic_caller() {
    panics_here("panic_caller::spawn_blocking_panic_caller", || {
        runtime::spawn_blocking(|| ());
    });
}

#[test]
fn metrics_panic_caller() {
    panics_here("panic_caller::metrics_panic_caller", || {
        let _ = runtime::metrics();
    });
}

#[test]
fn spawner_panic_caller() {
    panics_here("panic_caller::spawner_panic_caller", || {
        let _ = runtime::spawner();
    });
}

#[test]
fn spawn_in_a_blocking_job_panic_caller() {
    // On a `spawn_blocking` thread `runtime::spawn` panics with its own
    // message; the location is still the caller's. (The job's panic reaches
    // its handle; `resume_unwind` passes it on without a second hook call.)
    panics_here("panic_caller::spawn_in_a_blocking_job_panic_caller", || {
        let rt = current_thread();
        let job = rt.block_on(runtime::spawn_blocking(|| drop(runtime::spawn(async {}))));
        drop(rt);
        panic::resume_unwind(job.unwrap_err().into_panic());
    });
}

#[test]
fn runtime_block_on_nested_panic_caller() {
    panics_here("panic_caller::runtime_block_on_nested_panic_caller", || {
        let outer = current_thread();
        let inner = current_thread();
        outer.block_on(async {
            inner.block_on(async {});
        });
    });
}

#[test]
fn block_on_nested_panic_caller() {
    panics_here("panic_caller::block_on_nested_panic_caller", || {
        runtime::block_on(async {
            runtime::block_on(async {});
        });
    });
}

#[test]
fn join_set_spawn_panic_caller() {
    panics_here("panic_caller::join_set_spawn_panic_caller", || {
        let mut set = JoinSet::new();
        set.spawn(async {});
    });
}

#[test]
fn join_set_spawn_local_panic_caller() {
    panics_here("panic_caller::join_set_spawn_local_panic_caller", || {
        let mut set = JoinSet::new();
        set.spawn_local(async {});
    });
}

#[test]
fn join_set_spawn_blocking_panic_caller() {
    panics_here("panic_caller::join_set_spawn_blocking_panic_caller", || {
        let mut set = JoinSet::new();
        set.spawn_blocking(|| ());
    });
}

#[test]
fn pool_run_in_a_runtime_panic_caller() {
    panics_here("panic_caller::pool_run_in_a_runtime_panic_caller", || {
        let pool = Pool::builder().threads(1).stop_on_signals(false).build().unwrap();
        current_thread().block_on(async {
            let _ = pool.run(|_| async {});
        });
    });
}

#[test]
fn pool_try_run_in_a_runtime_panic_caller() {
    panics_here("panic_caller::pool_try_run_in_a_runtime_panic_caller", || {
        let pool = Pool::builder().threads(1).stop_on_signals(false).build().unwrap();
        current_thread().block_on(async {
            let _ = pool.try_run(|_| async { Ok::<(), std::io::Error>(()) });
        });
    });
}

runtime::task_local! {
    static KEY: u32;
}

// tokio 1.54 `tests/task_panic.rs`: `local_key_sync_scope_panic_caller`,
// `local_key_with_panic_caller`, `local_key_get_panic_caller`.

#[test]
fn local_key_sync_scope_panic_caller() {
    panics_here("panic_caller::local_key_sync_scope_panic_caller", || {
        KEY.sync_scope(1, || {
            KEY.with(|_| {
                // Entering the scope while the key is borrowed panics.
                KEY.sync_scope(1, || {});
            });
        });
    });
}

#[test]
fn local_key_with_panic_caller() {
    panics_here("panic_caller::local_key_with_panic_caller", || {
        KEY.with(|_| {});
    });
}

#[test]
fn local_key_get_panic_caller() {
    panics_here("panic_caller::local_key_get_panic_caller", || {
        KEY.get();
    });
}

/// Never registered: each call below panics first, outside a runtime.
struct MockFd;

impl std::os::fd::AsRawFd for MockFd {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        0
    }
}

// tokio's `tests/io_panic.rs` has these four for a runtime built without its
// I/O driver; this runtime always has one, so the misuse here is calling
// them outside a runtime. The assertion is the same.
#[test]
fn async_fd_new_panic_caller() {
    panics_here("panic_caller::async_fd_new_panic_caller", || {
        let _ = runtime::io::AsyncFd::new(MockFd);
    });
}

#[test]
fn async_fd_with_interest_panic_caller() {
    panics_here("panic_caller::async_fd_with_interest_panic_caller", || {
        let _ = runtime::io::AsyncFd::with_interest(MockFd, runtime::io::Interest::READABLE);
    });
}

#[test]
fn async_fd_try_new_panic_caller() {
    panics_here("panic_caller::async_fd_try_new_panic_caller", || {
        let _ = runtime::io::AsyncFd::try_new(MockFd);
    });
}

#[test]
fn async_fd_try_with_interest_panic_caller() {
    panics_here("panic_caller::async_fd_try_with_interest_panic_caller", || {
        let _ = runtime::io::AsyncFd::try_with_interest(MockFd, runtime::io::Interest::READABLE);
    });
}
