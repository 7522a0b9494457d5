//! `AbortHandle`, `FusedFuture` for `JoinHandle`, and the `JoinSet` panic rule.

use futures::future::FusedFuture;
use runtime::task::JoinSet;

use crate::support::run;

#[test]
fn join_handle_is_a_fused_future_for_select() {
    run(|| async {
        let mut done = runtime::spawn(async { 1 });
        let mut never = runtime::spawn(std::future::pending::<i32>());
        assert!(!done.is_terminated());
        // No `.fuse()`: `select!` needs `FusedFuture + Unpin`.
        let value = futures::select! {
            r = done => r.unwrap(),
            r = never => r.unwrap(),
        };
        assert_eq!(value, 1);
        assert!(done.is_terminated());
        assert!(!never.is_terminated());
        never.abort();
        assert!(never.await.unwrap_err().is_cancelled());
    })
}

#[test]
fn abort_handle_aborts_the_task_and_sees_it_finish() {
    run(|| async {
        let handle = runtime::spawn(std::future::pending::<()>());
        let abort = handle.abort_handle().clone();
        assert!(!abort.is_finished());
        abort.abort();
        assert!(handle.await.unwrap_err().is_cancelled());
        assert!(abort.is_finished());
        assert!(format!("{abort:?}").contains("finished: true"));
    })
}

#[test]
fn abort_handle_outlives_its_join_handle() {
    run(|| async {
        let (tx, rx) = runtime::sync::oneshot::channel::<()>();
        let handle = runtime::spawn(async move {
            let _tx = tx;
            std::future::pending::<()>().await;
        });
        let abort = handle.abort_handle();
        drop(handle);
        abort.abort();
        // The task's future (and the sender in it) is dropped.
        assert!(rx.await.is_err());
        assert!(abort.is_finished());
    })
}

#[test]
fn join_set_abort_handle_of_a_finished_task_does_nothing() {
    run(|| async {
        let mut set = JoinSet::new();
        let abort = set.spawn(async { 7 });
        assert_eq!(set.join_next().await.unwrap().unwrap(), 7);
        assert!(abort.is_finished());
        abort.abort();
        assert!(set.join_next().await.is_none());
    })
}

// `run` uses `UnhandledPanic::ShutdownRuntime`: a panic the set still holds
// when it is dropped was the set's to handle, and must not shut it down.
#[test]
fn join_set_dropped_with_an_unjoined_panic_does_not_shut_the_runtime_down() {
    run(|| async {
        let mut set = JoinSet::new();
        let abort = set.spawn(async { panic!("boom") });
        while !abort.is_finished() {
            runtime::task::yield_now().await;
        }
        assert_eq!(set.len(), 1);
        drop(set);
        for _ in 0..3 {
            runtime::task::yield_now().await;
        }
        "still running"
    });
}

#[test]
fn join_set_delivers_a_panic_as_a_join_error() {
    run(|| async {
        let mut set = JoinSet::new();
        set.spawn(async { panic!("boom") });
        let err = set.join_next().await.unwrap().unwrap_err();
        assert!(err.is_panic());
        assert_eq!(crate::support::panic_text(err.into_panic().as_ref()), "boom");
    })
}

#[test]
fn join_set_spawn_blocking_joins_the_result() {
    run(|| async {
        let mut set = JoinSet::new();
        set.spawn_blocking(|| 40 + 2);
        assert_eq!(set.join_next().await.unwrap().unwrap(), 42);
        assert!(format!("{set:?}").contains("len: 0"));
    })
}
