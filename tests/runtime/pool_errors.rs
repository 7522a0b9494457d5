//! How a `Pool` reports what went wrong: a main's `Err` under `try_run`
//! stops the pool and names its thread, and `run` inside a runtime panics
//! instead of blocking it (issue 18, item 16).

use std::error::Error as _;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};

use runtime::pool::{self, Pool, PoolError};
use runtime::Runtime;

use crate::support::{bounded, panic_text};

fn pool(n: usize) -> Pool {
    Pool::builder().threads(n).stop_on_signals(false).build().expect("build the pool")
}

#[test]
fn an_err_from_one_main_stops_the_others_and_names_the_thread() {
    let (error, stopped) = bounded(|| {
        let (stopped_tx, stopped_rx) = std::sync::mpsc::channel();
        let error = pool(3)
            .try_run(move |index| {
                let stopped = stopped_tx.clone();
                async move {
                    if index == 1 {
                        return Err(io::Error::new(io::ErrorKind::AddrInUse, "bind failed on purpose"));
                    }
                    // Only the stop the failure causes ends these mains.
                    pool::stopping().await;
                    stopped.send(index).unwrap();
                    Ok(index)
                }
            })
            .unwrap_err();
        let mut stopped: Vec<usize> = stopped_rx.try_iter().collect();
        stopped.sort_unstable();
        (error, stopped)
    });
    assert_eq!(stopped, [0, 2]);
    match &error {
        PoolError::Failed { index, thread, error } => {
            assert_eq!((*index, thread.as_str()), (1, "runtime-pool-1"));
            assert_eq!(error.to_string(), "bind failed on purpose");
        }
        other => panic!("expected the main's error, got {other:?}"),
    }
    assert_eq!(error.index(), Some(1));
    assert_eq!(error.to_string(), "pool thread runtime-pool-1 failed: bind failed on purpose");
    let source = error.source().expect("the main's error is the source");
    let io = source.downcast_ref::<io::Error>().expect("the main's io::Error");
    assert_eq!(io.kind(), io::ErrorKind::AddrInUse);
}

#[test]
fn try_run_returns_the_ok_values_in_index_order() {
    let values = bounded(|| pool(2).try_run(|index| async move { Ok::<_, io::Error>(index * 10) }));
    assert_eq!(values.unwrap(), [0, 10]);
}

#[test]
fn run_inside_a_runtime_panics_and_says_why() {
    let message = bounded(|| {
        let pool = pool(1);
        let rt = Runtime::new().unwrap();
        let panic = catch_unwind(AssertUnwindSafe(|| rt.block_on(async { pool.run(|index| async move { index }) })))
            .expect_err("Pool::run inside a runtime panics");
        // The pool was not run: it still runs, from outside the runtime.
        assert_eq!(pool.run(|index| async move { index }).unwrap(), [0]);
        panic_text(&*panic)
    });
    assert!(message.contains("cannot run a `Pool` from within a runtime"), "{message}");
    assert!(message.contains("plain `fn main`"), "{message}");
}

#[test]
fn run_from_a_blocking_job_is_fine() {
    let values = crate::support::run(|| async {
        runtime::spawn_blocking(|| pool(2).run(|index| async move { index }).unwrap()).await.unwrap()
    });
    assert_eq!(values, [0, 1]);
}

/// A main that decides the service is done stops its siblings without an
/// error: the pool is shared (`Arc<Pool>`), and `shutdown` from one main
/// completes every main's `stopping()`; `run` then returns every value.
#[test]
fn a_main_stops_its_siblings_through_a_shared_pool() {
    let values = bounded(|| {
        let pool = std::sync::Arc::new(pool(3));
        let shared = pool.clone();
        pool.run(move |index| {
            let pool = shared.clone();
            async move {
                if index == 2 {
                    pool.shutdown();
                }
                pool::stopping().await;
                index
            }
        })
    });
    assert_eq!(values.unwrap(), [0, 1, 2]);
}
