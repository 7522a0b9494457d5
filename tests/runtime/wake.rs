//! Wakes from other threads: none may be lost.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;

use crate::support::run;

/// A one-shot flag another thread sets and wakes.
#[derive(Default)]
struct Signal {
    set: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Signal {
    fn fire(&self) {
        self.set.store(true, SeqCst);
        if let Some(w) = self.waker.lock().unwrap().take() {
            w.wake();
        }
    }

    async fn wait(&self) {
        std::future::poll_fn(|cx| {
            *self.waker.lock().unwrap() = Some(cx.waker().clone());
            if self.set.load(SeqCst) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

#[test]
fn wake_10_000_times_from_another_thread_none_lost() {
    let woken = run(|| async {
        let mut count = 0;
        for _ in 0..10_000 {
            let signal = Arc::new(Signal::default());
            let s = signal.clone();
            let task = runtime::spawn(async move { s.wait().await });
            runtime::task::yield_now().await;
            let t = thread::spawn(move || signal.fire());
            task.await.unwrap();
            t.join().unwrap();
            count += 1;
        }
        assert!(runtime::metrics().remote_wakes >= 1);
        count
    });
    assert_eq!(woken, 10_000);
}

#[test]
fn wake_block_on_future_from_another_thread() {
    run(|| async {
        for _ in 0..1_000 {
            let signal = Arc::new(Signal::default());
            let s = signal.clone();
            let t = thread::spawn(move || s.fire());
            signal.wait().await;
            t.join().unwrap();
        }
    });
}

#[test]
fn wake_many_tasks_concurrently_from_many_threads() {
    let done = run(|| async {
        let signals: Vec<Arc<Signal>> = (0..1_000).map(|_| Arc::new(Signal::default())).collect();
        let finished = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = signals
            .iter()
            .map(|s| {
                let (s, f) = (s.clone(), finished.clone());
                runtime::spawn(async move {
                    s.wait().await;
                    f.fetch_add(1, SeqCst);
                })
            })
            .collect();
        runtime::task::yield_now().await;
        let threads: Vec<_> = signals
            .chunks(250)
            .map(|chunk| {
                let chunk = chunk.to_vec();
                thread::spawn(move || chunk.iter().for_each(|s| s.fire()))
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        threads.into_iter().for_each(|t| t.join().unwrap());
        finished.load(SeqCst)
    });
    assert_eq!(done, 1_000);
}

#[test]
fn wake_after_runtime_is_dropped_is_harmless() {
    let signal = Arc::new(Signal::default());
    {
        let rt = runtime::Runtime::new().unwrap();
        let s = signal.clone();
        rt.spawn(async move { s.wait().await });
        rt.block_on(runtime::task::yield_now());
    }
    // The task is gone; its waker (still held by the signal) must not crash.
    thread::spawn(move || signal.fire()).join().unwrap();
}
