//! `PoolBuilder::shutdown_timeout` bounds the whole stop, `spawn_blocking`
//! jobs included (issue 18, item 12).

use std::sync::mpsc;
use std::time::Duration;

use runtime::pool::{Pool, PoolError};

use crate::support::bounded;

#[test]
fn shutdown_timeout_bounds_a_main_that_waits_on_a_running_blocking_job() {
    // The job blocks until the test releases it, after `run` has returned.
    let (release, blocked) = mpsc::channel::<()>();
    let blocked = std::sync::Mutex::new(Some(blocked));
    let error = bounded(move || {
        let pool = Pool::builder()
            .threads(1)
            .stop_on_signals(false)
            .shutdown_timeout(Duration::from_millis(100))
            .build()
            .unwrap();
        let (started_tx, started_rx) = mpsc::channel();
        std::thread::scope(|scope| {
            let pool = &pool;
            scope.spawn(move || {
                // Stop the pool once the job runs.
                started_rx.recv().unwrap();
                pool.shutdown();
            });
            pool.run(move |_| {
                let blocked = blocked.lock().unwrap().take().expect("one main");
                let started = started_tx.clone();
                async move {
                    let job = runtime::spawn_blocking(move || {
                        started.send(()).unwrap();
                        let _ = blocked.recv();
                    });
                    job.await.unwrap();
                }
            })
        })
        .unwrap_err()
    });
    // Before the fix `run` waited for the job without limit, and `bounded` failed.
    assert!(matches!(&error, PoolError::TimedOut { index: 0, thread, .. } if thread == "runtime-pool-0"), "{error:?}");
    drop(release);
}
