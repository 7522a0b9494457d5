//! A `Sleep` away from its runtime (issue 9, item 9): polled in another
//! runtime it moves there; polled where no runtime is current it panics
//! saying so; dropped or reset anywhere, its entry leaves the old store at
//! that runtime's next turn. Plus the wakers-under-borrow rule at shutdown
//! (issue 15, defect 2).

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use runtime::time::{self, Duration, Instant, Sleep};

use crate::support::{bounded, panic_text};
use crate::time_util::ms;

/// A waker that counts its wakes; its `Arc`'s strong count tells whether a
/// timer store still holds a clone.
#[derive(Default)]
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn poll_with(sleep: Pin<&mut Sleep>, counter: &Arc<Counter>) -> Poll<()> {
    let waker = Waker::from(counter.clone());
    std::future::Future::poll(sleep, &mut Context::from_waker(&waker))
}

/// A sleep that is still pending when first polled, after a runtime is made
/// on a loaded machine (5 ms once was not: CI's kqueue run, 3 helpers busy).
const PENDING_AT_FIRST_POLL: Duration = Duration::from_millis(200);

/// One turn of `rt` (which drains sleeps sent back from away).
fn turn(rt: &runtime::Runtime) {
    rt.block_on(time::sleep(ms(1)));
}

#[test]
fn sleep_polled_in_another_runtime_moves_there_and_leaves_no_entry_behind() {
    bounded(|| {
        let (a, b) = (runtime::Runtime::new().unwrap(), runtime::Runtime::new().unwrap());
        let counter = Arc::new(Counter::default());
        let mut sleep = Box::pin(time::sleep(PENDING_AT_FIRST_POLL));
        a.block_on(async { assert!(poll_with(sleep.as_mut(), &counter).is_pending()) });
        assert_eq!(Arc::strong_count(&counter), 2, "runtime a holds the waker");
        // Polled in b: it works there, completing at its deadline.
        b.block_on(async {
            let start = Instant::now();
            sleep.as_mut().await;
            assert!(Instant::now() >= sleep.deadline(), "{:?}", start.elapsed());
        });
        turn(&a);
        assert_eq!(Arc::strong_count(&counter), 1, "runtime a let go of the moved sleep's entry");
        assert_eq!(counter.0.load(Ordering::SeqCst), 0, "nobody woke the old waker");
    });
}

#[test]
fn sleep_dropped_on_another_thread_leaves_no_entry_behind() {
    bounded(|| {
        let rt = runtime::Runtime::new().unwrap();
        let counter = Arc::new(Counter::default());
        let mut sleep = Box::pin(time::sleep(Duration::from_secs(3600)));
        rt.block_on(async { assert!(poll_with(sleep.as_mut(), &counter).is_pending()) });
        std::thread::spawn(move || drop(sleep)).join().unwrap();
        turn(&rt);
        assert_eq!(Arc::strong_count(&counter), 1, "the store dropped the entry and its waker");
    });
}

#[test]
fn sleep_reset_outside_its_runtime_leaves_no_entry_behind_and_still_works() {
    bounded(|| {
        let rt = runtime::Runtime::new().unwrap();
        let counter = Arc::new(Counter::default());
        let mut sleep = Box::pin(time::sleep(Duration::from_secs(3600)));
        rt.block_on(async { assert!(poll_with(sleep.as_mut(), &counter).is_pending()) });
        sleep.as_mut().reset(Instant::now() + ms(2));
        turn(&rt);
        assert_eq!(Arc::strong_count(&counter), 1);
        rt.block_on(async { sleep.as_mut().await });
        assert!(sleep.is_elapsed());
    });
}

#[test]
fn sleep_whose_runtime_is_gone_works_in_a_new_one() {
    bounded(|| {
        let mut sleep = Box::pin(time::sleep(PENDING_AT_FIRST_POLL));
        {
            let old = runtime::Runtime::new().unwrap();
            let counter = Arc::new(Counter::default());
            old.block_on(async { assert!(poll_with(sleep.as_mut(), &counter).is_pending()) });
        }
        runtime::Runtime::new().unwrap().block_on(sleep.as_mut());
        assert!(sleep.is_elapsed());
    });
}

#[test]
fn sleep_polled_with_no_runtime_panics_naming_the_mistake() {
    let text = bounded(|| {
        let mut sleep = Box::pin(time::sleep(PENDING_AT_FIRST_POLL));
        {
            let rt = runtime::Runtime::new().unwrap();
            let counter = Arc::new(Counter::default());
            rt.block_on(async { assert!(poll_with(sleep.as_mut(), &counter).is_pending()) });
        }
        let counter = Arc::new(Counter::default());
        let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| poll_with(sleep.as_mut(), &counter)));
        panic_text(&*panic.unwrap_err())
    });
    assert!(text.contains("`Sleep` was polled outside a runtime"), "{text}");
    assert!(text.contains("runtime::block_on"), "says how to start one: {text}");
}

/// Dropping a runtime drops its timers' wakers after the store's borrow
/// ends: a waker that owns a `Sleep` of the same runtime drops it then.
#[test]
fn runtime_drop_with_a_waker_that_owns_a_sleep_does_not_panic() {
    bounded(|| {
        let rt = runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let owner = owner_of_a_registered_sleep();
            let mut outer = Box::pin(time::sleep(Duration::from_secs(3600)));
            assert!(outer.as_mut().poll_unpin_with(&owner).is_pending());
            std::mem::forget(outer); // its entry, and the owner, stay in the store
        });
        drop(rt);
    });
}

trait PollWith {
    fn poll_unpin_with(self, waker: &Waker) -> Poll<()>;
}

impl PollWith for Pin<&mut Sleep> {
    fn poll_unpin_with(self, waker: &Waker) -> Poll<()> {
        std::future::Future::poll(self, &mut Context::from_waker(waker))
    }
}

/// A waker that owns a registered `Sleep` and drops it when the waker is
/// dropped: every path that lets a timer's waker go must do so after the
/// store's borrow ends (issue 15, defect 2).
struct SleepOwner(#[allow(dead_code)] std::sync::Mutex<Option<Pin<Box<Sleep>>>>);

impl Wake for SleepOwner {
    fn wake(self: Arc<Self>) {}
}

fn owner_of_a_registered_sleep() -> Waker {
    let mut inner = Box::pin(time::sleep(Duration::from_secs(3600)));
    assert!(inner.as_mut().poll_unpin_with(Waker::noop()).is_pending());
    Waker::from(Arc::new(SleepOwner(std::sync::Mutex::new(Some(inner)))))
}

#[test]
fn every_path_that_drops_a_timer_waker_allows_reentry() {
    bounded(|| {
        runtime::block_on(async {
            // Polled again with another waker: the old one is replaced.
            let mut sleep = Box::pin(time::sleep(Duration::from_secs(3600)));
            assert!(sleep.as_mut().poll_unpin_with(&owner_of_a_registered_sleep()).is_pending());
            assert!(sleep.as_mut().poll_unpin_with(Waker::noop()).is_pending());
            // Reset to a passed deadline: the timer and its waker go.
            assert!(sleep.as_mut().poll_unpin_with(&owner_of_a_registered_sleep()).is_pending());
            sleep.as_mut().reset(Instant::now());
            assert!(sleep.as_mut().poll_unpin_with(Waker::noop()).is_ready());
            // An interval's tick forgets the waker.
            let mut iv = time::interval_at(Instant::now() + ms(1), ms(1));
            let owner = owner_of_a_registered_sleep();
            let mut cx = Context::from_waker(&owner);
            assert!(iv.poll_tick(&mut cx).is_pending());
            drop(owner);
            iv.tick().await;
            // Fired: the waker is woken and dropped after the borrow.
            let mut fired = Box::pin(time::sleep(ms(1)));
            assert!(fired.as_mut().poll_unpin_with(&owner_of_a_registered_sleep()).is_pending());
            time::sleep(ms(2)).await;
            assert!(fired.as_mut().poll_unpin_with(Waker::noop()).is_ready());
        });
    });
}
