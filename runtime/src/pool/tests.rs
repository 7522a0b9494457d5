//! The per-thread stop record: wakers kept while waiting, removed on drop,
//! woken by the job the pool sends.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use super::stop::{self, stopping};
use super::Shared;

fn shared() -> Arc<Shared> {
    let handles = Mutex::new(vec![crate::Handle::current()]);
    let shared = Shared {
        stopping: AtomicBool::new(false),
        handles,
        timeout: Duration::ZERO,
        stop_on_signals: false,
        signals: Mutex::new(None),
    };
    Arc::new(shared)
}

/// Polls `fut` once: whether it was ready.
async fn ready_once<F: Future>(fut: F) -> bool {
    let mut fut = pin!(fut);
    poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx).is_ready())).await
}

#[test]
fn a_stopping_keeps_one_waker_while_it_waits_and_none_once_dropped() {
    crate::block_on(keeps_one_waker());
}

async fn keeps_one_waker() {
    let shared = shared();
    stop::enter(Some(shared.clone()));
    let mut waiting = Box::pin(stopping());
    for _ in 0..3 {
        assert!(!ready_once(waiting.as_mut()).await);
    }
    assert_eq!(stop::waiters(), 1);
    assert!(!ready_once(stopping()).await);
    assert_eq!(stop::waiters(), 1, "a dropped Stopping leaves nothing behind");

    let task = crate::spawn(waiting);
    crate::task::yield_now().await;
    shared.shutdown();
    let woken = crate::time::timeout(Duration::from_secs(10), task).await;
    woken.expect("the shutdown wakes the waiting task").unwrap();
    assert!(super::is_stopping());
    assert_eq!(stop::waiters(), 0);
    stop::enter(None);
}

#[test]
fn outside_a_pool_stopping_never_completes_and_registers_nothing() {
    crate::block_on(async {
        stop::enter(None);
        assert!(!ready_once(stopping()).await);
        assert!(!super::is_stopping());
        assert_eq!(stop::waiters(), 0);
    });
}
