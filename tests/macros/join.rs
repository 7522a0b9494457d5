//! Ported from tokio 1.x `tests/macros_join.rs` and `tests/macros_try_join.rs`
//! (MIT), every assertion kept; each `#[tokio::test]` body runs through
//! `support::run` (bounded), `tokio_test::task` is `task_support`.
//! Changed: `join_size*` pin tokio's own expansion's sizes; this one's are
//! pinned in `join_size_one_pointer_per_future`.

// The owned permits take `Arc<Self>` as tokio's do, though the type is `!Sync`.
#![allow(clippy::arc_with_non_send_sync)]
// tokio's test code as written.
#![allow(clippy::redundant_async_block)]

use std::sync::Arc;

use runtime::sync::{oneshot, Semaphore};

use crate::support::run;
use crate::task_support::spawn;

#[test]
fn sync_one_lit_expr_comma() {
    run(|| async {
        let foo = runtime::join!(async { 1 },);
        assert_eq!(foo, (1,));
        let foo = runtime::join!(biased; async { 1 },);
        assert_eq!(foo, (1,));
    });
}

#[test]
fn sync_one_lit_expr_no_comma() {
    run(|| async {
        let foo = runtime::join!(async { 1 });
        assert_eq!(foo, (1,));
        let foo = runtime::join!(biased; async { 1 });
        assert_eq!(foo, (1,));
    });
}

#[test]
fn sync_two_lit_expr_comma() {
    run(|| async {
        let foo = runtime::join!(async { 1 }, async { 2 },);
        assert_eq!(foo, (1, 2));
        let foo = runtime::join!(biased; async { 1 }, async { 2 },);
        assert_eq!(foo, (1, 2));
    });
}

#[test]
fn sync_two_lit_expr_no_comma() {
    run(|| async {
        let foo = runtime::join!(async { 1 }, async { 2 });
        assert_eq!(foo, (1, 2));
        let foo = runtime::join!(biased; async { 1 }, async { 2 });
        assert_eq!(foo, (1, 2));
    });
}

#[test]
fn two_await() {
    let (tx1, rx1) = oneshot::channel::<&str>();
    let (tx2, rx2) = oneshot::channel::<u32>();
    let mut join = spawn(async { runtime::join!(async { rx1.await.unwrap() }, async { rx2.await.unwrap() }) });
    assert_pending!(join.poll());
    tx2.send(123).unwrap();
    assert!(join.is_woken());
    assert_pending!(join.poll());
    tx1.send("hello").unwrap();
    assert!(join.is_woken());
    let res = assert_ready!(join.poll());
    assert_eq!(("hello", 123), res);
}

/// In place of tokio's `join_size` and `join_size_biased` (32 and 48 bytes
/// for one and two `Ready<i32>`s; 24 and 40 biased): each future costs
/// itself, its output slot and one pointer here (24 bytes; 32 and 64 in all).
#[test]
#[cfg(target_pointer_width = "64")]
fn join_size_one_pointer_per_future() {
    use futures::future;
    use std::mem;
    let one = async {
        let ready = future::ready(0i32);
        runtime::join!(ready)
    };
    let two = async {
        let ready1 = future::ready(0i32);
        let ready2 = future::ready(0i32);
        runtime::join!(ready1, ready2)
    };
    let sizes = [mem::size_of_val(&one), mem::size_of_val(&two)];
    assert!(sizes[0] <= 40 && sizes[1] <= 64, "{sizes:?}");
}

async fn non_cooperative_task(permits: Arc<Semaphore>) -> usize {
    let mut exceeded_budget = 0;
    for _ in 0..5 {
        // Another task should run after this task uses its whole budget
        for _ in 0..128 {
            let _permit = permits.clone().acquire_owned().await.unwrap();
        }
        exceeded_budget += 1;
    }
    exceeded_budget
}

async fn poor_little_task(permits: Arc<Semaphore>) -> usize {
    let mut how_many_times_i_got_to_run = 0;
    for _ in 0..5 {
        let _permit = permits.clone().acquire_owned().await.unwrap();
        how_many_times_i_got_to_run += 1;
    }
    how_many_times_i_got_to_run
}

#[test]
fn join_does_not_allow_tasks_to_starve() {
    run(|| async {
        let permits = Arc::new(Semaphore::new(1));
        // non_cooperative_task should yield after its budget is exceeded and then poor_little_task should run.
        let (non_cooperative_result, little_task_result) =
            runtime::join!(non_cooperative_task(Arc::clone(&permits)), poor_little_task(permits));
        assert_eq!(5, non_cooperative_result);
        assert_eq!(5, little_task_result);
    });
}

type PollOrder = Arc<std::sync::Mutex<Vec<i32>>>;

async fn record_four_polls(x: i32, poll_order: PollOrder) {
    for _ in 0..4 {
        poll_order.lock().unwrap().push(x);
        runtime::task::yield_now().await;
    }
}

#[test]
fn a_different_future_is_polled_first_every_time_poll_fn_is_polled() {
    run(|| async {
        let poll_order = PollOrder::default();
        runtime::join!(
            record_four_polls(1, Arc::clone(&poll_order)),
            record_four_polls(2, Arc::clone(&poll_order)),
            record_four_polls(3, Arc::clone(&poll_order)),
        );
        // Each time the future created by join! is polled, it should start
        // by polling a different future first.
        assert_eq!(vec![1, 2, 3, 2, 3, 1, 3, 1, 2, 1, 2, 3], *poll_order.lock().unwrap());
    });
}

#[test]
fn futures_are_polled_in_order_in_biased_mode() {
    run(|| async {
        let poll_order = PollOrder::default();
        runtime::join!(
            biased;
            record_four_polls(1, Arc::clone(&poll_order)),
            record_four_polls(2, Arc::clone(&poll_order)),
            record_four_polls(3, Arc::clone(&poll_order)),
        );
        // Each time the future created by join! is polled, it should start
        // by polling in the order as declared in the macro inputs.
        assert_eq!(vec![1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3], *poll_order.lock().unwrap());
    });
}

#[test]
#[allow(clippy::unit_cmp)]
fn empty_join() {
    run(|| async {
        assert_eq!(runtime::join!(), ());
        assert_eq!(runtime::join!(biased;), ());
    });
}

#[test]
fn join_into_future() {
    struct NotAFuture;
    impl std::future::IntoFuture for NotAFuture {
        type Output = ();
        type IntoFuture = std::future::Ready<()>;
        fn into_future(self) -> Self::IntoFuture {
            std::future::ready(())
        }
    }
    run(|| async {
        runtime::join!(NotAFuture);
    });
}

// tokio issue 7637: names inside the expansion do not shadow the caller's.
#[test]
fn caller_names_const_count() {
    run(|| async {
        let (tx, rx) = oneshot::channel::<u32>();
        const COUNT: u32 = 2;
        let mut join = spawn(async { runtime::join!(async { tx.send(COUNT).unwrap() }) });
        assert_ready!(join.poll());
        let res = rx.await.unwrap();
        assert_eq!(2, res);
    });
}

// tokio issue 7031: an uninhabited output type must not trigger
// `unreachable_code` in the caller.
#[deny(unreachable_code)]
#[test]
fn uninhabited_output_type() {
    use std::convert::Infallible;
    use std::future::pending;
    let mut join = spawn(async { runtime::join!(pending::<Infallible>(), async { 1 }) });
    assert_pending!(join.poll());
    let mut join = spawn(async { runtime::join!(biased; pending::<Infallible>(), async { 1 }) });
    assert_pending!(join.poll());
    let mut join = spawn(async { runtime::join!(async { 1 }, pending::<Infallible>()) });
    assert_pending!(join.poll());
    let mut join = spawn(async { runtime::join!(biased; async { 1 }, pending::<Infallible>()) });
    assert_pending!(join.poll());
    let mut join = spawn(async { runtime::join!(pending::<Infallible>()) });
    assert_pending!(join.poll());
}

// ---- try_join! (tokio's macros_try_join.rs) ----

fn ok<T>(val: T) -> Result<T, ()> {
    Ok(val)
}

#[test]
fn try_sync_one_lit_expr_comma() {
    run(|| async {
        let foo = runtime::try_join!(async { ok(1) },);
        assert_eq!(foo, Ok((1,)));
    });
}

#[test]
fn try_sync_one_lit_expr_no_comma() {
    run(|| async {
        let foo = runtime::try_join!(async { ok(1) });
        assert_eq!(foo, Ok((1,)));
    });
}

#[test]
fn try_sync_two_lit_expr_comma() {
    run(|| async {
        let foo = runtime::try_join!(async { ok(1) }, async { ok(2) },);
        assert_eq!(foo, Ok((1, 2)));
    });
}

#[test]
fn try_sync_two_lit_expr_no_comma() {
    run(|| async {
        let foo = runtime::try_join!(async { ok(1) }, async { ok(2) });
        assert_eq!(foo, Ok((1, 2)));
    });
}

#[test]
fn try_two_await() {
    let (tx1, rx1) = oneshot::channel::<&str>();
    let (tx2, rx2) = oneshot::channel::<u32>();
    let mut join = spawn(async { runtime::try_join!(async { rx1.await }, async { rx2.await }) });
    assert_pending!(join.poll());
    tx2.send(123).unwrap();
    assert!(join.is_woken());
    assert_pending!(join.poll());
    tx1.send("hello").unwrap();
    assert!(join.is_woken());
    let res: Result<(&str, u32), _> = assert_ready!(join.poll());
    assert_eq!(Ok(("hello", 123)), res);
}

#[test]
fn try_err_abort_early() {
    let (tx1, rx1) = oneshot::channel::<&str>();
    let (tx2, rx2) = oneshot::channel::<u32>();
    let (_tx3, rx3) = oneshot::channel::<u32>();
    let mut join = spawn(async { runtime::try_join!(async { rx1.await }, async { rx2.await }, async { rx3.await }) });
    assert_pending!(join.poll());
    tx2.send(123).unwrap();
    assert!(join.is_woken());
    assert_pending!(join.poll());
    drop(tx1);
    assert!(join.is_woken());
    let res = assert_ready!(join.poll());
    assert!(res.is_err());
}

async fn try_non_cooperative_task(permits: Arc<Semaphore>) -> Result<usize, String> {
    Ok(non_cooperative_task(permits).await)
}

async fn try_poor_little_task(permits: Arc<Semaphore>) -> Result<usize, String> {
    Ok(poor_little_task(permits).await)
}

#[test]
fn try_join_does_not_allow_tasks_to_starve() {
    run(|| async {
        let permits = Arc::new(Semaphore::new(10));
        // non_cooperative_task should yield after its budget is exceeded and then poor_little_task should run.
        let result = runtime::try_join!(try_non_cooperative_task(Arc::clone(&permits)), try_poor_little_task(permits));
        let (non_cooperative_result, little_task_result) = result.unwrap();
        assert_eq!(5, non_cooperative_result);
        assert_eq!(5, little_task_result);
    });
}

#[test]
fn empty_try_join() {
    run(|| async {
        assert_eq!(runtime::try_join!() as Result<_, ()>, Ok(()));
    });
}
