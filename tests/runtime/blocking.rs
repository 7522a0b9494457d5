//! `spawn_blocking`.

use std::time::Duration;

use crate::support::run;

#[test]
fn spawn_blocking_returns_its_value() {
    let v = run(|| async { runtime::spawn_blocking(|| 6 * 7).await.unwrap() });
    assert_eq!(v, 42);
}

#[test]
fn spawn_blocking_does_not_block_the_executor() {
    run(|| async {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let blocked = runtime::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(20)).is_ok());
        // The executor keeps running tasks and timers meanwhile.
        runtime::time::sleep(Duration::from_millis(2)).await;
        let other = runtime::spawn(async { 1 }).await.unwrap();
        assert_eq!(other, 1);
        tx.send(()).unwrap();
        assert!(blocked.await.unwrap());
    });
}

#[test]
fn spawn_blocking_panic_reaches_the_handle() {
    run(|| async {
        let err = runtime::spawn_blocking(|| panic!("blocking boom")).await.unwrap_err();
        assert!(err.is_panic());
        assert!(err.to_string().contains("blocking boom"));
    });
}

#[test]
fn spawn_blocking_many_jobs_grow_the_pool_to_its_bound() {
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::{Arc, Barrier};
    let builder = runtime::Builder::new().max_blocking_threads(4);
    let (most, sum) = crate::support::run_with(builder, || async {
        // The first four jobs meet at a barrier: that needs four threads at
        // once. No job ever sees more than four running.
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(Barrier::new(4));
        let jobs: Vec<_> = (0..16)
            .map(|i| {
                let (running, most, barrier) = (running.clone(), most.clone(), barrier.clone());
                runtime::spawn_blocking(move || {
                    let now = running.fetch_add(1, SeqCst) + 1;
                    most.fetch_max(now, SeqCst);
                    if i < 4 {
                        barrier.wait();
                    }
                    running.fetch_sub(1, SeqCst);
                    i
                })
            })
            .collect();
        let mut sum = 0;
        for j in jobs {
            sum += j.await.unwrap();
        }
        (most.load(SeqCst), sum)
    });
    assert_eq!(sum, (0..16).sum::<i32>());
    assert_eq!(most, 4, "the pool grows to its bound of 4 threads and no further");
}

/// Two jobs that each wait (bounded) for the other; `true` if they met.
async fn rendezvous() -> bool {
    use std::sync::mpsc::channel;
    let (a_tx, a_rx) = channel::<()>();
    let (b_tx, b_rx) = channel::<()>();
    let first = runtime::spawn_blocking(move || {
        let _ = a_tx.send(());
        b_rx.recv_timeout(Duration::from_secs(10)).is_ok()
    });
    let second = runtime::spawn_blocking(move || {
        let _ = b_tx.send(());
        a_rx.recv_timeout(Duration::from_secs(10)).is_ok()
    });
    first.await.unwrap() && second.await.unwrap()
}

#[test]
fn spawn_blocking_jobs_that_wait_for_each_other_complete() {
    for round in 0..10 {
        let met = run(|| async {
            // One helper thread, about to go idle; then two jobs back to back.
            runtime::spawn_blocking(|| ()).await.unwrap();
            rendezvous().await
        });
        assert!(met, "round {round}: a job was queued behind the other");
    }
}

/// Calls `spawn_blocking` when dropped, and records what came of it.
struct SpawnBlockingOnDrop(std::sync::mpsc::Sender<bool>);

impl Drop for SpawnBlockingOnDrop {
    fn drop(&mut self) {
        let handle = runtime::spawn_blocking(|| ());
        let _ = self.0.send(handle.is_finished());
    }
}

#[test]
fn spawn_blocking_queued_job_dropped_at_shutdown_may_call_spawn_blocking() {
    use std::sync::mpsc::channel;
    let (dropped_tx, dropped) = channel();
    crate::support::bounded(move || {
        let rt = runtime::Builder::new().max_blocking_threads(1).build().unwrap();
        rt.block_on(async move {
            // The only helper thread runs a job until the runtime drops its tasks.
            let (hold_tx, hold_rx) = channel::<()>();
            let (started_tx, started) = channel();
            runtime::spawn(async move {
                let _hold = hold_tx;
                std::future::pending::<()>().await
            });
            drop(runtime::spawn_blocking(move || {
                started_tx.send(()).unwrap();
                let _ = hold_rx.recv();
            }));
            started.recv_timeout(Duration::from_secs(10)).expect("the first job started");
            // Queued behind it: dropped unrun at shutdown, and its destructor
            // calls spawn_blocking (under no lock of the pool's).
            let value = SpawnBlockingOnDrop(dropped_tx);
            drop(runtime::spawn_blocking(move || drop(value)));
        });
        drop(rt);
    });
    let finished = dropped.recv_timeout(Duration::from_secs(1)).expect("the queued job was dropped");
    assert!(finished, "a task spawned during shutdown is dropped at once");
}

/// Starts a job that waits until the runtime drops its tasks, then sets
/// `done`; returns once the job runs.
async fn job_released_by_shutdown(done: std::sync::Arc<std::sync::atomic::AtomicBool>) {
    let (hold_tx, hold_rx) = std::sync::mpsc::channel::<()>();
    let (started_tx, started) = std::sync::mpsc::channel();
    runtime::spawn(async move {
        let _hold = hold_tx;
        std::future::pending::<()>().await
    });
    drop(runtime::spawn_blocking(move || {
        started_tx.send(()).unwrap();
        let _ = hold_rx.recv();
        done.store(true, std::sync::atomic::Ordering::SeqCst);
    }));
    started.recv_timeout(Duration::from_secs(10)).expect("the job started");
}

#[test]
fn spawn_blocking_running_job_is_awaited_when_the_runtime_drops() {
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use std::sync::Arc;
    let done = Arc::new(AtomicBool::new(false));
    let seen = done.clone();
    crate::support::bounded(move || {
        let rt = runtime::Runtime::new().unwrap();
        rt.block_on(job_released_by_shutdown(done));
        drop(rt);
    });
    assert!(seen.load(SeqCst), "the runtime's drop returned before its helper thread finished");
}

#[test]
fn spawn_blocking_shutdown_timeout_leaves_a_running_job_behind() {
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use std::sync::Arc;
    crate::support::bounded(|| {
        let rt = runtime::Runtime::new().unwrap();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        rt.block_on(async move {
            let (started_tx, started) = std::sync::mpsc::channel();
            drop(runtime::spawn_blocking(move || {
                started_tx.send(()).unwrap();
                let _ = released.recv_timeout(Duration::from_secs(20));
                flag.store(true, SeqCst);
            }));
            started.recv_timeout(Duration::from_secs(10)).expect("the job started");
        });
        // Returns although the job still waits (it is released only below).
        rt.shutdown_timeout(Duration::from_millis(10));
        assert!(!done.load(SeqCst));
        release.send(()).unwrap();
    });
}
