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
