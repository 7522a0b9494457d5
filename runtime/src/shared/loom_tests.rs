//! Loom models of the injection queue and its wake flag (`--cfg loom`; see
//! `runtime/src/loom.rs`).
//!
//! The driver's wait is modelled by reading the real eventfd: a wait with a
//! write pending returns at once; one without sleeps until the next write.
//! The model lets the pushing threads finish while the driver "sleeps", and
//! fails if a pushed task is then still queued with no write to end the wait.

use std::collections::VecDeque;
use std::future;
use std::sync::Arc;

use loom::thread;

use super::{Injected, Shared};
use crate::config::UnhandledPanic;
use crate::driver::{Driver, Poller};
use crate::task::raw::{allocate, JoinRef, TaskRef};

fn shared() -> Arc<Shared> {
    let mut poller = Poller::new(Driver::Epoll, 1).expect("epoll_create1");
    let remote = poller.remote_waker().expect("eventfd");
    Arc::new(Shared::new(remote, UnhandledPanic::Ignore))
}

/// A pending task of `shared`: its run-queue entry, ready to be injected,
/// and the references the runtime's thread keeps.
fn task(shared: &Arc<Shared>) -> (Injected, (TaskRef, JoinRef<()>)) {
    let (owned, entry, join) = allocate(future::pending::<()>(), shared.clone());
    (Injected(entry), (owned, join))
}

/// Each pusher injects one task from its own thread.
fn push_from_threads(shared: &Arc<Shared>, entries: Vec<Injected>) -> Vec<thread::JoinHandle<()>> {
    let spawn = |entry: Injected| {
        let shared = shared.clone();
        thread::spawn(move || {
            let Injected(task) = entry;
            // A push that races `close` hands the task back: dropped here.
            drop(shared.push_remote(task));
        })
    };
    entries.into_iter().map(spawn).collect()
}

#[test]
fn loom_inject_remote_push_always_wakes_the_driver() {
    loom::model(|| {
        let shared = shared();
        let (a, keep_a) = task(&shared);
        let (b, keep_b) = task(&shared);
        let mut pushers = Some(push_from_threads(&shared, vec![a, b]));

        let mut queue = VecDeque::new();
        loop {
            let spawns = shared.drain_into(&mut queue);
            assert!(spawns.is_empty(), "no spawn was queued");
            if queue.len() == 2 {
                break;
            }
            if shared.remote.take_wakes() {
                continue; // the wait returns at once
            }
            // Asleep until the next write: let every pusher finish.
            let Some(pushers) = pushers.take() else {
                panic!("a push was lost: {} of 2 tasks drained and no wake is pending", queue.len());
            };
            pushers.into_iter().for_each(|p| p.join().unwrap());
        }
        drop((queue, keep_a, keep_b));
        if let Some(pushers) = pushers {
            pushers.into_iter().for_each(|p| p.join().unwrap());
        }
        assert_eq!(Arc::strong_count(&shared), 1, "a task reference leaked");
    });
}

#[test]
fn loom_inject_push_racing_close_drops_the_task() {
    loom::model(|| {
        let shared = shared();
        let (a, keep_a) = task(&shared);
        let pushers = push_from_threads(&shared, vec![a]);
        let closed = shared.close();
        pushers.into_iter().for_each(|p| p.join().unwrap());
        drop((closed, keep_a));
        let (tasks, spawns) = shared.close();
        assert!(tasks.is_empty() && spawns.is_empty(), "a task was queued after the queue closed");
        assert_eq!(Arc::strong_count(&shared), 1, "a task reference leaked");
    });
}
