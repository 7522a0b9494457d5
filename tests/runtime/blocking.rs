//! `spawn_blocking`.

use std::time::{Duration, Instant};

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
    let builder = runtime::Builder::new().max_blocking_threads(4);
    let out = crate::support::run_with(builder, || async {
        let start = Instant::now();
        let jobs: Vec<_> = (0..16)
            .map(|i| {
                runtime::spawn_blocking(move || {
                    std::thread::sleep(Duration::from_millis(20));
                    i
                })
            })
            .collect();
        let mut sum = 0;
        for j in jobs {
            sum += j.await.unwrap();
        }
        (sum, start.elapsed())
    });
    assert_eq!(out.0, (0..16).sum::<i32>());
    // 16 jobs of 20 ms on at most 4 threads take at least 4 rounds.
    assert!(out.1 >= Duration::from_millis(80), "{:?}", out.1);
}
