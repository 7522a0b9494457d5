//! Stress: task wakers cloned, woken and dropped from several threads while
//! tasks spawn, finish, abort and the runtime drops.
//!
//! In the normal suite it is small. `.ci/run` runs it again, larger
//! (`STRESS_ROUNDS`), under ThreadSanitizer, which reports any data race in
//! the task, waker, injection-queue and blocking-pool code it goes through.
//! It lives in the `runtime` crate, not in `tests/`, so that sanitizer build
//! compiles nothing but the runtime and std.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc::{self, Sender};
use std::task::{Context, Poll, Waker};
use std::thread;

use runtime::{Builder, UnhandledPanic};

/// Helper threads that receive wakers, and clone, wake and drop them.
const HELPERS: usize = 3;
/// Tasks per round.
const TASKS: usize = 24;

/// Rounds to run: `STRESS_ROUNDS`, or a few.
fn rounds() -> usize {
    std::env::var("STRESS_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(20)
}

/// A task that, at each poll, hands a clone of its waker to a helper
/// thread, until it has been polled `until` times.
struct Chatty {
    polls: usize,
    until: usize,
    to: Sender<Waker>,
}

impl Future for Chatty {
    type Output = usize;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.polls += 1;
        if self.polls >= self.until {
            return Poll::Ready(self.polls);
        }
        // The helper is gone only once the round is over.
        let _ = self.to.send(cx.waker().clone());
        Poll::Pending
    }
}

/// Wakes whatever arrives, every way a waker can be used, until every
/// sender (every task, and so the runtime) is gone.
fn helper(wakers: mpsc::Receiver<Waker>) {
    for waker in wakers {
        let other = waker.clone();
        waker.wake_by_ref();
        thread::yield_now();
        drop(waker);
        other.wake();
    }
}

fn one_round(round: usize) {
    let (senders, helpers): (Vec<_>, Vec<_>) = (0..HELPERS)
        .map(|_| {
            let (tx, rx) = mpsc::channel();
            (tx, thread::spawn(move || helper(rx)))
        })
        .unzip();
    let rt = Builder::new().unhandled_panic(UnhandledPanic::ShutdownRuntime).build().expect("build runtime");
    rt.block_on(async {
        let mut handles = Vec::new();
        for i in 0..TASKS {
            // Every fourth task never finishes: it is still waking when the runtime drops.
            let until = if i % 4 == 3 { usize::MAX } else { 2 + (i + round) % 5 };
            let to = senders[i % HELPERS].clone();
            handles.push((i, runtime::spawn(Chatty { polls: 0, until, to })));
        }
        // A blocking job wakes a task from a pool thread, too.
        let (to_job, wakers) = mpsc::channel::<Waker>();
        let job = runtime::spawn_blocking(move || wakers.iter().take(1).for_each(Waker::wake));
        let woken_by_job = runtime::spawn(Chatty { polls: 0, until: 2, to: to_job });
        runtime::task::yield_now().await;
        for (i, handle) in &handles {
            if i % 3 == 0 {
                handle.abort();
            }
        }
        for (i, handle) in handles {
            if i % 4 == 3 && i % 3 != 0 {
                continue; // left running
            }
            match handle.await {
                Ok(polls) => assert!(i % 3 == 0 || polls >= 2, "task {i} finished after {polls} polls"),
                Err(e) => assert!(e.is_cancelled() && i % 3 == 0, "task {i}: {e}"),
            }
        }
        job.await.expect("the blocking job ran");
        assert_eq!(woken_by_job.await.expect("woken from the pool"), 2);
    });
    drop(rt);
    drop(senders);
    for helper in helpers {
        helper.join().expect("a helper thread panicked");
    }
}

#[test]
fn stress_wakers_from_threads_while_tasks_spawn_abort_and_the_runtime_drops() {
    support::bounded(|| {
        for round in 0..rounds() {
            one_round(round);
        }
    });
}
