//! Metrics: counters move, and the epoll invariant holds.

use std::io::{Read, Write};

use runtime::io::AsyncFd;

use crate::support::{pipe, run_with};

#[test]
fn metrics_epoll_counts_one_change_syscall_per_change() {
    let m = run_with(runtime::Builder::new().driver(runtime::Driver::Epoll), || async {
        let before = runtime::metrics();
        let mut fds = Vec::new();
        for _ in 0..50 {
            let (r, w) = pipe();
            fds.push((AsyncFd::new(r).unwrap(), w));
        }
        let (r, w) = &fds[0];
        (&*w).write_all(b"z").unwrap();
        r.read_with(|f| (&*f).read(&mut [0u8; 1])).await.unwrap();
        drop(fds);
        runtime::time::sleep(std::time::Duration::from_millis(1)).await;
        let after = runtime::metrics();
        assert_eq!(after.changes - before.changes, 100, "50 adds and 50 deletes");
        after
    });
    assert_eq!(m.driver, "epoll");
    assert_eq!(m.change_syscalls, m.changes);
    assert!(m.wait_syscalls >= 1);
    assert!(m.ticks >= m.wait_syscalls);
    assert_eq!(m.failed_change_turns, 0);
}

#[test]
fn metrics_count_tasks_polls_and_events() {
    let m = run_with(runtime::Builder::new(), || async {
        let (r, w) = pipe();
        let r = AsyncFd::new(r).unwrap();
        let reader = runtime::spawn(async move { r.read_with(|f| (&*f).read(&mut [0u8; 4])).await.unwrap() });
        runtime::task::yield_now().await;
        (&w).write_all(b"abcd").unwrap();
        assert_eq!(reader.await.unwrap(), 4);
        runtime::metrics()
    });
    assert_eq!(m.tasks_spawned, 1);
    assert_eq!(m.tasks_alive, 0);
    assert!(m.polls >= 2, "{m:?}");
    assert!(m.events >= 1, "{m:?}");
}

#[test]
fn metrics_outside_a_runtime_panics_and_runtime_metrics_work_anywhere() {
    assert!(std::panic::catch_unwind(runtime::metrics).is_err());
    let rt = runtime::Runtime::new().unwrap();
    rt.spawn(async {});
    assert_eq!(rt.metrics().tasks_spawned, 1);
    assert_eq!(rt.metrics().tasks_alive, 1);
}

#[test]
fn builder_rejects_an_unknown_driver_name_in_the_environment() {
    crate::support::isolated_with_env(
        "metrics::builder_rejects_an_unknown_driver_name_in_the_environment",
        &[("RUNTIME_DRIVER", "io_uring")],
        || {
            let err = runtime::Builder::new().build().unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
            assert!(err.to_string().contains("RUNTIME_DRIVER"), "{err}");
            // An explicit choice overrides the variable.
            assert!(runtime::Builder::new().driver(runtime::Driver::Epoll).build().is_ok());
        },
    );
}
