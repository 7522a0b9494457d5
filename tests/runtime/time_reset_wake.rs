//! `Sleep::reset` to a deadline that has passed wakes the task waiting on
//! the sleep (issue 18, item 2), as tokio's reset fires such a timer at
//! once. Before the fix the stored waker was dropped unwoken and that task
//! never ran again.

use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;

use runtime::time::{self, Duration, Instant, Sleep};

use crate::support::run;
use crate::time_util::{ms, spawn};
use crate::{assert_pending, assert_ready};

/// How long a woken waiter may take: far less than the sleep's hour.
const WOKEN_WITHIN: Duration = Duration::from_secs(10);

#[test]
fn sleep_reset_to_past_wakes_the_waiting_task() {
    run(|| async {
        let sleep: Rc<RefCell<Pin<Box<Sleep>>>> =
            Rc::new(RefCell::new(Box::pin(time::sleep(Duration::from_secs(3600)))));
        let shared = sleep.clone();
        let waiter = runtime::spawn(async move { poll_fn(|cx| shared.borrow_mut().as_mut().poll(cx)).await });
        // The waiter runs first and registers the sleep's timer.
        runtime::task::yield_now().await;
        sleep.borrow_mut().as_mut().reset(Instant::now());
        let done = time::timeout(WOKEN_WITHIN, waiter).await;
        assert!(done.expect("the waiting task was never woken").is_ok());
        assert!(sleep.borrow().is_elapsed());
    });
}

#[test]
fn interval_reset_immediately_wakes_the_waiting_task() {
    run(|| async {
        let start = Instant::now() + Duration::from_secs(3600);
        let iv = Rc::new(RefCell::new(time::interval_at(start, Duration::from_secs(3600))));
        let shared = iv.clone();
        let waiter = runtime::spawn(async move { poll_fn(|cx| shared.borrow_mut().poll_tick(cx)).await });
        runtime::task::yield_now().await;
        let now = Instant::now();
        iv.borrow_mut().reset_immediately();
        let tick = time::timeout(WOKEN_WITHIN, waiter).await.expect("the waiting task was never woken");
        assert!(tick.unwrap() >= now);
    });
}

/// tokio's `reset_sleep_to_past` (tests/time_sleep.rs, ported in
/// `time_sleep.rs`) with the assertion tokio leaves commented out
/// ("TODO: is this required?"): the reset wakes the task at once.
#[test]
fn reset_sleep_to_past_wakes_at_once() {
    run(|| async {
        time::pause();
        let now = Instant::now();
        let mut sleep = spawn(Box::pin(time::sleep_until(now + ms(100))));
        assert_pending!(sleep.poll());
        time::sleep(ms(50)).await;
        assert!(!sleep.is_woken());
        sleep.as_mut().reset(now + ms(40));
        assert!(sleep.is_woken());
        assert_ready!(sleep.poll());
    });
}
