//! Ported from tokio 1.54 `tests/task_join_set.rs` (MIT), every assertion of
//! the tests that apply kept. Differences: tokio's paused clock becomes real
//! milliseconds (`start_paused` belongs to another part of the runtime); the
//! tests of `spawn_on`/`LocalSet`/`LocalRuntime`/task ids are left out
//! (this runtime has none of them: every task is local); `spawn_local`'s
//! tests run on our runtime, where it is the same as `spawn`.

use futures::future::{pending, FutureExt};
use runtime::sync::oneshot;
use runtime::task::JoinSet;
use std::time::Duration;

use crate::support::run;

// Spawn `N` tasks that return their index (`i`).
fn spawn_index_tasks(set: &mut JoinSet<usize>, n: usize) {
    for i in 0..n {
        let rc = std::rc::Rc::new(i);
        set.spawn_local(async move { *rc });
    }
}

// Spawn `N` “pending” tasks that own a `oneshot::Sender`.
fn spawn_pending_tasks(set: &mut JoinSet<()>, receivers: &mut Vec<oneshot::Receiver<()>>, n: usize) {
    for _ in 0..n {
        let (tx, rx) = oneshot::channel::<()>();
        receivers.push(rx);
        set.spawn_local(async move {
            pending::<()>().await;
            drop(tx);
        });
    }
}

async fn drain_joinset_and_assert(mut set: JoinSet<usize>, n: usize) {
    let mut seen = vec![false; n];
    while let Some(res) = set.join_next().await {
        let idx = res.expect("task panicked");
        seen[idx] = true;
    }
    assert!(seen.into_iter().all(|b| b));
    assert!(set.is_empty());
}

async fn await_receivers_and_assert(receivers: Vec<oneshot::Receiver<()>>) {
    for rx in receivers {
        assert!(rx.await.is_err(), "the task should have been aborted and the sender dropped");
    }
}

#[test]
fn test_with_sleep() {
    run(|| async {
        let mut set = JoinSet::new();

        for i in 0..10 {
            set.spawn(async move { i });
            assert_eq!(set.len(), 1 + i);
        }
        set.detach_all();
        assert_eq!(set.len(), 0);

        assert!(set.join_next().await.is_none());

        for i in 0..10 {
            set.spawn(async move {
                runtime::time::sleep(Duration::from_millis(i as u64)).await;
                i
            });
            assert_eq!(set.len(), 1 + i);
        }

        let mut seen = [false; 10];
        while let Some(res) = set.join_next().await.transpose().unwrap() {
            seen[res] = true;
        }

        for was_seen in &seen {
            assert!(was_seen);
        }
        assert!(set.join_next().await.is_none());

        // Do it again.
        for i in 0..10 {
            set.spawn(async move {
                runtime::time::sleep(Duration::from_millis(i as u64)).await;
                i
            });
        }

        let mut seen = [false; 10];
        while let Some(res) = set.join_next().await.transpose().unwrap() {
            seen[res] = true;
        }

        for was_seen in &seen {
            assert!(was_seen);
        }
        assert!(set.join_next().await.is_none());
    })
}

#[test]
fn test_abort_on_drop() {
    run(|| async {
        let mut set = JoinSet::new();
        let mut recvs = Vec::new();

        for _ in 0..16 {
            let (send, recv) = oneshot::channel::<()>();
            recvs.push(recv);

            set.spawn(async {
                // This task will never complete on its own.
                futures::future::pending::<()>().await;
                drop(send);
            });
        }

        drop(set);

        for recv in recvs {
            // The task is aborted soon and we will receive an error.
            assert!(recv.await.is_err());
        }
    })
}

#[test]
fn alternating() {
    run(|| async {
        let mut set = JoinSet::new();

        assert_eq!(set.len(), 0);
        set.spawn(async {});
        assert_eq!(set.len(), 1);
        set.spawn(async {});
        assert_eq!(set.len(), 2);

        for _ in 0..16 {
            let () = set.join_next().await.unwrap().unwrap();
            assert_eq!(set.len(), 1);
            set.spawn(async {});
            assert_eq!(set.len(), 2);
        }
    })
}

#[test]
fn abort_tasks() {
    run(|| async {
        let mut set = JoinSet::new();
        let mut num_canceled = 0;
        let mut num_completed = 0;
        for i in 0..16 {
            let abort = set.spawn(async move {
                runtime::time::sleep(Duration::from_millis(i as u64)).await;
                i
            });

            if i % 2 != 0 {
                // abort odd-numbered tasks.
                abort.abort();
            }
        }
        loop {
            match set.join_next().await {
                Some(Ok(res)) => {
                    num_completed += 1;
                    assert_eq!(res % 2, 0);
                }
                Some(Err(e)) => {
                    assert!(e.is_cancelled());
                    num_canceled += 1;
                }
                None => break,
            }
        }

        assert_eq!(num_canceled, 8);
        assert_eq!(num_completed, 8);
    })
}

#[test]
fn join_all() {
    run(|| async {
        let mut set: JoinSet<i32> = JoinSet::new();

        for _ in 0..5 {
            set.spawn(async { 1 });
        }
        let res: Vec<i32> = set.join_all().await;

        assert_eq!(res.len(), 5);
        for itm in res.into_iter() {
            assert_eq!(itm, 1)
        }
    })
}

// Also shows that a panic of a task the set owns never trips
// `UnhandledPanic::ShutdownRuntime` (which `run` sets).
#[test]
fn task_panics() {
    run(|| async {
        let mut set: JoinSet<()> = JoinSet::new();

        let (tx, mut rx) = oneshot::channel();
        assert_eq!(set.len(), 0);

        set.spawn(async move {
            runtime::time::sleep(Duration::from_millis(20)).await;
            tx.send(()).unwrap();
        });
        assert_eq!(set.len(), 1);

        set.spawn(async {
            runtime::time::sleep(Duration::from_millis(1)).await;
            panic!();
        });
        assert_eq!(set.len(), 2);

        let panic = runtime::spawn(set.join_all()).await.unwrap_err();
        assert!(rx.try_recv().is_err());
        assert!(panic.is_panic());
    })
}

#[test]
fn abort_all() {
    run(|| async {
        let mut set: JoinSet<()> = JoinSet::new();

        for _ in 0..5 {
            set.spawn(futures::future::pending());
        }
        for _ in 0..5 {
            set.spawn(async {
                runtime::time::sleep(Duration::from_millis(1)).await;
            });
        }

        // The join set will now have 5 pending tasks and 5 ready tasks.
        runtime::time::sleep(Duration::from_millis(20)).await;

        set.abort_all();
        assert_eq!(set.len(), 10);

        let mut count = 0;
        while let Some(res) = set.join_next().await {
            if let Err(err) = res {
                assert!(err.is_cancelled());
            }
            count += 1;
        }
        assert_eq!(count, 10);
        assert_eq!(set.len(), 0);
    })
}

// This ensures that `join_next` works correctly when the coop budget is
// exhausted.
#[test]
fn join_set_coop() {
    run(|| async {
        // Large enough to trigger coop.
        const TASK_NUM: u32 = 1000;

        // tokio's is a `static`; ours is `!Sync`, so a leaked one.
        let sem: &'static runtime::sync::Semaphore = Box::leak(Box::new(runtime::sync::Semaphore::const_new(0)));

        let mut set = JoinSet::new();

        for _ in 0..TASK_NUM {
            set.spawn(async {
                sem.add_permits(1);
            });
        }

        // Wait for all tasks to complete.
        let _ = sem.acquire_many(TASK_NUM).await.unwrap();

        let mut count = 0;
        let mut coop_count = 0;
        loop {
            match set.join_next().now_or_never() {
                Some(Some(Ok(()))) => {}
                Some(Some(Err(err))) => panic!("failed: {err}"),
                None => {
                    coop_count += 1;
                    runtime::task::yield_now().await;
                    continue;
                }
                Some(None) => break,
            }

            count += 1;
        }
        assert!(coop_count >= 1);
        assert_eq!(count, TASK_NUM);
    })
}

#[test]
fn try_join_next() {
    run(|| async {
        const TASK_NUM: u32 = 1000;

        let (send, recv) = runtime::sync::watch::channel(());

        let mut set = JoinSet::new();

        for _ in 0..TASK_NUM {
            let mut recv = recv.clone();
            set.spawn(async move { recv.changed().await.unwrap() });
        }
        drop(recv);

        assert!(set.try_join_next().is_none());

        send.send_replace(());
        send.closed().await;

        let mut count = 0;
        loop {
            match set.try_join_next() {
                Some(Ok(())) => {
                    count += 1;
                }
                Some(Err(err)) => panic!("failed: {err}"),
                None => {
                    break;
                }
            }
        }

        assert_eq!(count, TASK_NUM);
    })
}

#[test]
fn extend() {
    run(|| async {
        let mut set: JoinSet<_> = (0..5).map(|i| async move { i }).collect();

        set.extend((5..10).map(|i| async move { i }));

        let mut seen = [false; 10];
        while let Some(res) = set.join_next().await {
            let idx = res.unwrap();
            seen[idx] = true;
        }

        for s in &seen {
            assert!(s);
        }
    })
}

mod spawn_local {
    use super::*;

    #[test]
    #[should_panic(expected = "there is no runtime on this thread")]
    fn panic_outside_any_runtime() {
        let mut set = JoinSet::new();
        set.spawn_local(async {});
    }

    /// Spawn several tasks, and then join all tasks.
    #[test]
    fn spawn_then_join_next() {
        run(|| async {
            const N: usize = 8;

            let mut set = JoinSet::new();
            spawn_index_tasks(&mut set, N);

            assert!(set.try_join_next().is_none());
            drain_joinset_and_assert(set, N).await;
        })
    }

    /// Spawn several pending-forever tasks, and then shutdown the [`JoinSet`].
    #[test]
    fn spawn_then_shutdown() {
        run(|| async {
            const N: usize = 8;

            let mut set = JoinSet::new();
            let mut receivers = Vec::new();

            spawn_pending_tasks(&mut set, &mut receivers, N);

            assert!(set.try_join_next().is_none());
            set.shutdown().await;
            assert!(set.is_empty());

            await_receivers_and_assert(receivers).await;
        })
    }

    /// Spawn several pending-forever tasks, and then drop the [`JoinSet`].
    #[test]
    fn spawn_then_drop() {
        run(|| async {
            const N: usize = 8;
            let mut set = JoinSet::new();
            let mut receivers = Vec::new();

            spawn_pending_tasks(&mut set, &mut receivers, N);

            assert!(set.try_join_next().is_none());
            drop(set);

            await_receivers_and_assert(receivers).await;
        })
    }
}
