//! The local run queue: tasks run in the order they were woken, across the
//! batches the executor takes and across the event interval, and a poll
//! that unwinds out of the executor loses none of the tasks queued with it.

use std::cell::RefCell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use crate::support::{bounded, run};

/// Returns `Pending` once, after waking its own task (a plain self-wake,
/// not `yield_now`'s defer): the task goes to the back of the run queue.
async fn requeue_once() {
    let mut woke = false;
    std::future::poll_fn(|cx| {
        if woke {
            return Poll::Ready(());
        }
        woke = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

#[test]
fn run_queue_runs_tasks_in_wake_order_across_batches_and_the_event_interval() {
    // More tasks than the executor polls between two reactor turns (61), so
    // a batch is cut short and its rest must go back in front of the tasks
    // woken meanwhile.
    const N: u32 = 150;
    let log = run(|| async {
        let log = Rc::new(RefCell::new(Vec::new()));
        let handles: Vec<_> = (0..N)
            .map(|i| {
                let log = log.clone();
                runtime::spawn(async move {
                    log.borrow_mut().push((i, 0));
                    requeue_once().await;
                    log.borrow_mut().push((i, 1));
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
        Rc::try_unwrap(log).unwrap().into_inner()
    });
    let expected: Vec<_> = (0..N).map(|i| (i, 0)).chain((0..N).map(|i| (i, 1))).collect();
    assert_eq!(log, expected);
}

/// A waker whose `wake` panics.
struct PanicOnWake;

impl Wake for PanicOnWake {
    fn wake(self: Arc<Self>) {
        panic!("this waker panics on purpose");
    }
}

#[test]
fn run_queue_a_poll_that_unwinds_leaves_the_rest_of_its_batch_queued() {
    bounded(|| {
        let rt = runtime::Runtime::new().unwrap();
        // Three tasks queued together: the first one's completion wakes its
        // handle's waker, which panics out of the executor's loop.
        let first = rt.spawn(async {});
        let second = rt.spawn(async { 2 });
        let third = rt.spawn(async { 3 });
        let mut first = pin!(first);
        let waker = Waker::from(Arc::new(PanicOnWake));
        assert!(first.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
        let unwound = catch_unwind(AssertUnwindSafe(|| rt.block_on(runtime::task::yield_now())));
        assert!(unwound.is_err(), "the join waker's panic reaches block_on");
        // The two tasks queued behind it were not lost: they still run.
        let out = rt.block_on(async { (second.await.unwrap(), third.await.unwrap()) });
        assert_eq!(out, (2, 3));
    });
}
