//! Loom models of the blocking pool (`--cfg loom`; see `runtime/src/loom.rs`):
//! the hand-off of a job's result to the awaiting task, a job dropped at
//! shutdown, and the worker/idle protocol.
//!
//! `submit` mirrors what `spawn_blocking` does around `Pool::submit`, minus
//! the runtime: the awaiting side is polled by `loom::future::block_on`.
//! Under loom a worker's idle wait never times out, so threads leave only
//! at shutdown, which every model ends with.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Wake, Waker};
use std::time::Duration;

use loom::future::block_on;
use loom::sync::atomic::{AtomicBool, Ordering::*};
use loom::sync::{Arc, Mutex, Notify};

use super::{BlockingTask, Handoff, Pool, RunGuard};

/// Queues `f` on `pool` as `spawn_blocking` does; the returned future
/// resolves to its result.
fn submit<T: Send + 'static>(pool: &Pool, f: impl FnOnce() -> T + Send + 'static) -> BlockingTask<T> {
    let handoff = Arc::new(Mutex::new(Handoff { result: None, waker: None, abandoned: false }));
    let guard = RunGuard { handoff: handoff.clone() };
    pool.submit(Box::new(move || {
        let result = catch_unwind(AssertUnwindSafe(f));
        guard.handoff.lock().unwrap().result = Some(result);
        drop(guard);
    }));
    BlockingTask { handoff }
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

#[test]
fn loom_blocking_handoff_delivers_the_result() {
    loom::model(|| {
        let pool = Pool::new(1, Duration::from_secs(10));
        let task = submit(&pool, || 7);
        assert_eq!(block_on(task), 7);
        pool.shutdown();
    });
}

/// Records whether it was woken.
struct WakeFlag(AtomicBool);

impl Wake for WakeFlag {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.store(true, Release);
    }
}

#[test]
fn loom_blocking_job_dropped_at_shutdown_wakes_its_waiter() {
    loom::model(|| {
        let pool = Pool::new(1, Duration::from_secs(10));
        // The only thread is busy until after shutdown, so `queued` never runs.
        let (started, release) = (Arc::new(Gate::default()), Arc::new(Gate::default()));
        let running = {
            let (started, release) = (started.clone(), release.clone());
            submit(&pool, move || {
                started.open();
                release.wait();
            })
        };
        started.wait();
        let mut queued = submit(&pool, || ());
        let flag = std::sync::Arc::new(WakeFlag(AtomicBool::new(false)));
        let waker = Waker::from(flag.clone());
        assert!(Pin::new(&mut queued).poll(&mut Context::from_waker(&waker)).is_pending());
        pool.shutdown();
        assert!(flag.0.load(Acquire), "the waiter of a dropped job must be woken");
        assert!(queued.handoff.lock().unwrap().abandoned, "and told the job was dropped");
        release.open();
        block_on(running);
    });
}

/// Issue 9, defect 2: "a job never waits behind another while the pool is
/// below its limit". Job `a` finishes only after job `b` has run; with a
/// limit of two threads both must run at once. The pool first runs one job
/// so that its thread may be idle when `a` and `b` arrive.
///
/// On this branch loom finds the deadlock the issue describes: `submit`
/// counts the idle thread as idle again before it has woken, so `b` queues
/// behind `a`. Built only with `--cfg loom_pool_idle` until that fix lands;
/// then it belongs in the plain `--cfg loom` run.
#[cfg(loom_pool_idle)]
#[test]
fn loom_blocking_job_never_waits_behind_another_below_the_limit() {
    loom::model(|| {
        let pool = Pool::new(2, Duration::from_secs(10));
        block_on(submit(&pool, || ()));
        let b_ran = Arc::new(Gate::default());
        let a = {
            let b_ran = b_ran.clone();
            submit(&pool, move || b_ran.wait())
        };
        let b = submit(&pool, move || b_ran.open());
        block_on(a);
        block_on(b);
        pool.shutdown();
    });
}
