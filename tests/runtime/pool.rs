//! `runtime::Pool`: one runtime per thread, the same main on each, handles
//! across runtimes, and stopping together (shutdown, panic, SIGTERM).
//!
//! Pools in this process do not listen for signals (other tests raise
//! theirs here); the signal and fd tests run in a child process.

use std::time::Duration;

use runtime::pool::{self, Pool, PoolError};
use runtime::time::sleep;

use crate::support::{bounded, fd_count, isolated, isolated_with_env};

/// A pool of `n` runtimes that ignores SIGINT/SIGTERM.
fn pool(n: usize) -> Pool {
    Pool::builder().threads(n).stop_on_signals(false).build().expect("build the pool")
}

fn thread_name() -> String {
    std::thread::current().name().unwrap_or_default().to_owned()
}

#[test]
fn every_runtime_runs_the_main_on_its_own_thread_and_results_come_in_index_order() {
    let names = bounded(|| {
        pool(2)
            .run(|index| async move {
                // Runs on this thread's runtime: its timers work.
                sleep(Duration::from_millis(u64::try_from(2 - index).unwrap())).await;
                (index, thread_name())
            })
            .unwrap()
    });
    assert_eq!(names, [(0, "runtime-pool-0".to_owned()), (1, "runtime-pool-1".to_owned())]);
}

#[test]
fn a_task_on_runtime_0_spawns_work_on_runtime_1_through_its_handle() {
    let results = bounded(|| {
        let pool = pool(2);
        let handles = pool.handles();
        assert_eq!(handles.len(), 2);
        pool.run(move |index| {
            let handles = handles.clone();
            async move {
                if index == 1 {
                    // Returns at once; the runtime keeps serving work sent to it.
                    return None;
                }
                let local = runtime::spawn(async move {
                    let remote = handles[1].spawn(async {
                        sleep(Duration::from_millis(1)).await;
                        (thread_name(), 6 * 7)
                    });
                    remote.await.expect("the task on runtime 1")
                });
                Some(local.await.unwrap())
            }
        })
    });
    let results = results.unwrap();
    assert_eq!(results[0], Some(("runtime-pool-1".to_owned(), 42)));
    assert_eq!(results[1], None);
}

#[test]
fn a_panic_on_one_runtime_stops_the_others_and_names_the_thread() {
    let error = bounded(|| {
        pool(2)
            .run(|index| async move {
                if index == 1 {
                    sleep(Duration::from_millis(1)).await;
                    panic!("boom on purpose");
                }
                pool::stopping().await;
                assert!(pool::is_stopping());
            })
            .unwrap_err()
    });
    match &error {
        PoolError::Panicked { index, thread, message } => {
            assert_eq!((*index, thread.as_str()), (1, "runtime-pool-1"));
            assert!(message.contains("boom on purpose"), "{message}");
        }
        other => panic!("expected a panic, got {other:?}"),
    }
    assert_eq!(error.index(), Some(1));
    assert!(error.to_string().contains("runtime-pool-1"), "{error}");
}

#[test]
fn shutdown_from_another_thread_stops_every_runtime() {
    let results = bounded(|| {
        let pool = pool(2);
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            let pool = &pool;
            scope.spawn(move || {
                // Once both mains wait, stop them from this plain thread.
                for _ in 0..2 {
                    started_rx.recv().unwrap();
                }
                pool.shutdown();
            });
            pool.run(move |index| {
                let started = started_tx.clone();
                async move {
                    assert!(!pool::is_stopping());
                    started.send(()).unwrap();
                    pool::stopping().await;
                    index * 10
                }
            })
        })
    });
    assert_eq!(results.unwrap(), [0, 10]);
}

#[test]
fn a_main_that_ignores_the_stop_is_dropped_at_the_deadline() {
    let error = bounded(|| {
        let pool = Pool::builder()
            .threads(2)
            .stop_on_signals(false)
            .shutdown_timeout(Duration::from_millis(20))
            .build()
            .unwrap();
        pool.shutdown();
        pool.run(|index| async move {
            if index == 0 {
                return;
            }
            loop {
                sleep(Duration::from_millis(5)).await;
            }
        })
        .unwrap_err()
    });
    assert!(matches!(&error, PoolError::TimedOut { index: 1, thread, .. } if thread == "runtime-pool-1"), "{error:?}");
}

#[test]
fn a_pool_runs_once_and_needs_a_thread() {
    bounded(|| {
        let pool = pool(1);
        assert_eq!(pool.run(|index| async move { index }).unwrap(), [0]);
        assert!(matches!(pool.run(|_| async {}), Err(PoolError::AlreadyRun)));
        assert!(pool.handles().is_empty());
        let error = Pool::builder().threads(0).build().unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    });
}

/// How many CPUs this thread may run on, from `sched_getaffinity`.
fn allowed_cpus() -> usize {
    #[allow(unsafe_code)]
    // SAFETY: a zeroed cpu_set_t is the empty set; the kernel writes within
    // the size passed; CPU_COUNT reads the set it is given.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        assert_eq!(libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set), 0);
        usize::try_from(libc::CPU_COUNT(&set)).unwrap()
    }
}

#[test]
fn threads_default_to_the_allowed_cpus_and_may_be_pinned() {
    let allowed = allowed_cpus();
    bounded(move || {
        let pool = Pool::builder().pin_to_cores(true).stop_on_signals(false).build().unwrap();
        let counts = pool.run(|_| async { std::thread::available_parallelism().unwrap().get() }).unwrap();
        assert_eq!(counts.len(), allowed);
        // Each pinned thread may run on exactly one CPU.
        assert!(counts.iter().all(|&n| n == 1), "{counts:?}");
    });
}

#[test]
fn sigterm_stops_every_runtime() {
    isolated("pool::sigterm_stops_every_runtime", || {
        let pool = Pool::builder().threads(2).build().unwrap();
        let results = pool.run(|index| async move {
            if index == 0 {
                // The pool's handlers are installed before the mains start.
                #[allow(unsafe_code)]
                // SAFETY: kill with our own pid and a valid signal number.
                let sent = unsafe { libc::kill(libc::getpid(), libc::SIGTERM) };
                assert_eq!(sent, 0);
            }
            pool::stopping().await;
            index
        });
        assert_eq!(results.unwrap(), [0, 1]);
    });
}

#[test]
fn fds_return_to_their_baseline_after_run_returns() {
    isolated("pool::fds_return_to_their_baseline_after_run_returns", || {
        // A first pool installs the process-wide signal pipe, which stays.
        Pool::builder().threads(1).build().unwrap().run(|_| async {}).unwrap();
        let baseline = fd_count();
        let pool = Pool::builder().threads(2).build().unwrap();
        assert!(fd_count() > baseline, "each runtime holds its driver's fds");
        let results = pool.run(|index| async move {
            // Leave a socket and a timer behind in a detached task.
            let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            drop(runtime::spawn(async move {
                sleep(Duration::from_secs(3600)).await;
                drop(socket);
            }));
            index
        });
        assert_eq!(results.unwrap(), [0, 1]);
        assert_eq!(fd_count(), baseline);
    });
}

#[test]
fn every_runtime_keeps_the_driver_runtime_driver_chooses() {
    // Whatever RUNTIME_DRIVER says in this process (the suite runs under both).
    let expected = runtime::Runtime::new().unwrap().metrics().driver;
    let drivers = bounded(|| pool(2).run(|_| async { runtime::metrics().driver }).unwrap());
    assert_eq!(drivers, [expected, expected]);
    // And a choice made in the environment reaches every runtime of a pool.
    isolated_with_env(
        "pool::every_runtime_keeps_the_driver_runtime_driver_chooses",
        &[("RUNTIME_DRIVER", "epoll")],
        || {
            let drivers = pool(2).run(|_| async { runtime::metrics().driver }).unwrap();
            assert_eq!(drivers, ["epoll", "epoll"]);
        },
    );
}

#[test]
fn a_task_panic_under_shutdown_runtime_stops_the_pool_too() {
    let error = bounded(|| {
        let each = runtime::Builder::new().unhandled_panic(runtime::UnhandledPanic::ShutdownRuntime);
        let pool = Pool::builder().threads(2).stop_on_signals(false).runtime(each).build().unwrap();
        pool.run(|index| async move {
            if index == 0 {
                // A detached task's panic, which this runtime's settings make fatal.
                drop(runtime::spawn(async { panic!("task panic on purpose") }));
            }
            pool::stopping().await;
        })
        .unwrap_err()
    });
    assert!(matches!(&error, PoolError::Panicked { index: 0, .. }), "{error:?}");
}
