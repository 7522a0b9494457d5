//! Runtimes that end in odd places: at thread exit, two on one thread.

use std::cell::RefCell;
use std::time::Duration;

use crate::support::{isolated, pipe};

thread_local! {
    static KEPT: RefCell<Option<runtime::Runtime>> = const { RefCell::new(None) };
}

#[test]
fn runtime_in_a_thread_local_drops_cleanly_at_thread_exit() {
    isolated("liveness::runtime_in_a_thread_local_drops_cleanly_at_thread_exit", || {
        let thread = std::thread::spawn(|| {
            KEPT.with(|kept| *kept.borrow_mut() = Some(runtime::Runtime::new().unwrap()));
            KEPT.with(|kept| {
                let kept = kept.borrow();
                let rt = kept.as_ref().unwrap();
                // Tasks holding I/O and a timer are still alive at thread exit.
                rt.block_on(async {
                    let (r, w) = pipe();
                    let r = runtime::io::AsyncFd::new(r).unwrap();
                    runtime::spawn(async move {
                        let _w = w;
                        let _ = r.readable().await;
                    });
                    runtime::spawn(runtime::time::sleep(Duration::from_secs(3600)));
                    runtime::task::yield_now().await;
                });
            });
        });
        // An abort at thread exit would end this child process instead.
        thread.join().expect("the thread exits without a panic");
    });
}

/// This thread's timer slack, in nanoseconds.
fn timer_slack() -> i32 {
    #[allow(unsafe_code)]
    // SAFETY: prctl with integer arguments only reads this thread's timer slack.
    unsafe {
        libc::prctl(libc::PR_GET_TIMERSLACK, 0, 0, 0, 0)
    }
}

#[test]
fn two_runtimes_on_one_thread_restore_the_thread_timer_slack() {
    crate::support::bounded(|| {
        let before = timer_slack();
        for drop_first_made_first in [true, false] {
            let a = runtime::Runtime::new().unwrap();
            let b = runtime::Runtime::new().unwrap();
            // A sub-millisecond sleep makes the epoll driver lower the slack.
            a.block_on(runtime::time::sleep(Duration::from_micros(300)));
            b.block_on(runtime::time::sleep(Duration::from_micros(300)));
            let (first, second) = if drop_first_made_first { (a, b) } else { (b, a) };
            drop(first);
            second.block_on(runtime::time::sleep(Duration::from_micros(300)));
            drop(second);
            assert_eq!(timer_slack(), before, "the thread's own slack is back");
        }
    });
}
