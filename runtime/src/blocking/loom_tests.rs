//! Loom models of the blocking pool (`--cfg loom`; see `runtime/src/loom.rs`):
//! the hand-off of a job's result to the awaiting task, a job dropped at
//! shutdown, the claim of an idle thread by `submit`, and job destructors
//! run outside the pool's lock.
//!
//! The models run the real pool (`pool.rs`) and the real hand-off of
//! `spawn_blocking` (`blocking_job`), minus the runtime: the awaiting side
//! is polled by `loom::future::block_on`, which loom reports as deadlocked
//! if the wake it waits for never comes. Under loom an idle wait never
//! times out, so helper threads leave only at shutdown, which every model
//! ends with.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::{Context, Wake, Waker};
use std::time::Duration;

use loom::future::block_on;
use loom::sync::atomic::{AtomicBool, Ordering::*};
use loom::sync::{Arc, Notify};
use loom::thread;

use super::pool::Pool;
use super::{blocking_job, lock, BlockingTask};
use crate::time::clock::Clock;

/// Longer than any model; under loom an idle wait never times out anyway.
const KEEP_ALIVE: Duration = Duration::from_secs(60);

/// Queues `f` on `pool` as `spawn_blocking` does; the returned future
/// resolves to its result.
fn submit<T: Send + 'static>(pool: &Pool, clock: &Clock, f: impl FnOnce() -> T + Send + 'static) -> BlockingTask<T> {
    let (job, task) = blocking_job(f, clock.inhibit_auto_advance());
    pool.submit(job);
    task
}

/// A one-way gate one thread waits at (`Notify` alone may wake spuriously).
#[derive(Default)]
struct Gate {
    open: AtomicBool,
    notify: Notify,
}

impl Gate {
    fn open(&self) {
        self.open.store(true, Release);
        self.notify.notify();
    }

    fn wait(&self) {
        while !self.open.load(Acquire) {
            self.notify.wait();
        }
    }
}

/// Records whether it was woken (a loom atomic, so loom checks that the
/// wake is ordered before the test reads it).
#[derive(Default)]
struct WakeFlag(AtomicBool);

impl Wake for WakeFlag {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.store(true, Release);
    }
}

#[test]
fn loom_blocking_handoff_delivers_the_result_and_wakes_the_waiter() {
    loom::model(|| {
        let clock = Clock::new(false);
        let pool = Pool::new(1, KEEP_ALIVE);
        // The awaiting side polls while the helper runs the job: the result
        // is stored and the waker registered in either order.
        let task = submit(&pool, &clock, || 7);
        assert_eq!(block_on(task), 7);
        assert!(clock.can_auto_advance() || !clock.is_paused());
        pool.shutdown(None);
        assert_eq!(pool.threads(), 0);
    });
}

#[test]
fn loom_blocking_job_dropped_at_shutdown_wakes_its_waiter() {
    // How many explored executions ran the job, and how many dropped it:
    // the model must reach both.
    static RAN: AtomicUsize = AtomicUsize::new(0);
    static ABANDONED: AtomicUsize = AtomicUsize::new(0);
    loom::model(|| {
        let clock = Clock::new(false);
        let pool = Pool::new(1, KEEP_ALIVE);
        let (job, mut task) = blocking_job(|| 7, clock.inhibit_auto_advance());
        let flag = std::sync::Arc::new(WakeFlag::default());
        let waker = Waker::from(flag.clone());
        assert!(Pin::new(&mut task).poll(&mut Context::from_waker(&waker)).is_pending());
        // Another thread submits the job while the runtime shuts the pool down.
        let submitter = {
            let pool = pool.clone();
            thread::spawn(move || pool.submit(job))
        };
        pool.shutdown(None);
        submitter.join().unwrap();
        pool.shutdown(None);
        assert_eq!(pool.threads(), 0);
        assert!(flag.0.load(Acquire), "the waiter was not woken");
        let handoff = lock(&task.handoff);
        match (&handoff.result, handoff.abandoned) {
            (Some(Ok(7)), false) => RAN.fetch_add(1, SeqCst),
            (None, true) => ABANDONED.fetch_add(1, SeqCst),
            (result, abandoned) => {
                panic!("inconsistent hand-off: result {:?}, abandoned {abandoned}", result.is_some())
            }
        };
    });
    assert!(RAN.load(SeqCst) > 0, "no execution ran the job");
    assert!(ABANDONED.load(SeqCst) > 0, "no execution dropped the job at shutdown");
}

/// Issue 9, defect 2: "a job never waits behind another while the pool is
/// below its limit". Job `a` finishes only after job `b` has run; with a
/// limit of two threads both must run at once. The pool first runs one job
/// so that its thread may be idle (or about to be) when `a` and `b` arrive:
/// the old pool counted that thread as idle for both, and `b` queued behind
/// `a` for good; loom found that deadlock.
///
/// Explored with at most two preemptions: the old race needs none (loom
/// finds it with `LOOM_MAX_PREEMPTIONS=0`), and three take this model from
/// seconds to minutes, past the CI step's budget.
#[test]
fn loom_blocking_job_never_waits_behind_another_below_the_limit() {
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(model.preemption_bound.map_or(2, |bound| bound.min(2)));
    model.check(|| {
        let clock = Clock::new(false);
        let pool = Pool::new(2, KEEP_ALIVE);
        block_on(submit(&pool, &clock, || ()));
        let b_ran = Arc::new(Gate::default());
        let a = {
            let b_ran = b_ran.clone();
            submit(&pool, &clock, move || b_ran.wait())
        };
        let b = submit(&pool, &clock, move || b_ran.open());
        block_on(a);
        block_on(b);
        pool.shutdown(None);
        assert_eq!(pool.threads(), 0);
    });
}

/// Submits a job to its pool when dropped, as a user's value may in its
/// destructor (issue 9, defect 3).
struct SubmitOnDrop(Pool);

impl Drop for SubmitOnDrop {
    fn drop(&mut self) {
        self.0.submit(Box::new(|| ()));
    }
}

/// Issue 9, defect 3: no job or job destructor runs under the pool's lock.
/// The job's captured value submits again from its destructor, which runs
/// on the helper after the job ran, or on a thread that dropped the job
/// unrun: the submitting thread (pool already closed) or the closing one.
/// Had any of them held the pool's (non-reentrant) lock, loom would report
/// the thread deadlocked on itself.
#[test]
fn loom_blocking_job_destructor_runs_outside_the_pool_lock() {
    loom::model(|| {
        let clock = Clock::new(false);
        let pool = Pool::new(1, KEEP_ALIVE);
        let value = SubmitOnDrop(pool.clone());
        let (job, task) = blocking_job(move || drop(value), clock.inhibit_auto_advance());
        let submitter = {
            let pool = pool.clone();
            thread::spawn(move || pool.submit(job))
        };
        pool.shutdown(None);
        submitter.join().unwrap();
        pool.shutdown(None);
        assert_eq!(pool.threads(), 0);
        drop(task);
    });
}
