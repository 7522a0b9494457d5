//! Tests of the pool's hand-off and of its failure paths, which need a
//! thread spawner that fails (the OS refusing a thread).

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::pool::Pool;

const LIMIT: Duration = Duration::from_secs(20);

/// Runs `f` on its own thread and fails if it has not returned within [`LIMIT`].
fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(f()));
    rx.recv_timeout(LIMIT).expect("the test did not finish in time (deadlock?)")
}

fn refuse_threads(_: Box<dyn FnOnce() + Send>) -> io::Result<crate::loom::thread::JoinHandle<()>> {
    Err(io::Error::other("no threads today"))
}

/// Two jobs that each wait for the other: `(first, second)`, each `true` if
/// it met the other within the limit.
fn rendezvous(pool: &Pool) -> (mpsc::Receiver<bool>, mpsc::Receiver<bool>) {
    let (a_tx, a_rx) = mpsc::channel::<()>();
    let (b_tx, b_rx) = mpsc::channel::<()>();
    let (done1_tx, done1) = mpsc::channel();
    let (done2_tx, done2) = mpsc::channel();
    pool.submit(Box::new(move || {
        let _ = a_tx.send(());
        let _ = done1_tx.send(b_rx.recv_timeout(LIMIT).is_ok());
    }));
    pool.submit(Box::new(move || {
        let _ = b_tx.send(());
        let _ = done2_tx.send(a_rx.recv_timeout(LIMIT).is_ok());
    }));
    (done1, done2)
}

#[test]
fn pool_never_queues_a_job_behind_a_running_one_below_its_bound() {
    bounded(|| {
        for round in 0..20 {
            // One thread, idle; then two jobs back to back, before it wakes:
            // the second must not count that thread again.
            let pool = Pool::new(8, Duration::from_secs(60));
            pool.submit(Box::new(|| {}));
            while pool.idle() != 1 {
                thread::yield_now();
            }
            let (first, second) = rendezvous(&pool);
            assert!(first.recv().unwrap() && second.recv().unwrap(), "round {round}: the jobs never met");
            assert_eq!(pool.threads(), 2);
            pool.shutdown(None);
        }
    });
}

/// Submits one more job to its pool when dropped, and counts its drop.
struct SubmitOnDrop {
    pool: Pool,
    drops: Arc<AtomicUsize>,
}

impl Drop for SubmitOnDrop {
    fn drop(&mut self) {
        let drops = self.drops.clone();
        let counted = Counted(drops.clone());
        self.pool.submit(Box::new(move || drop(counted)));
        drops.fetch_add(1, SeqCst);
    }
}

/// Counts its drop.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

#[test]
fn pool_drops_refused_jobs_outside_its_lock() {
    let drops = bounded(|| {
        let pool = Pool::with_spawner(4, Duration::from_secs(60), refuse_threads);
        let drops = Arc::new(AtomicUsize::new(0));
        let job = SubmitOnDrop { pool: pool.clone(), drops: drops.clone() };
        // No thread can start: the job is dropped unrun, and its destructor
        // submits again (which is refused and dropped too) without deadlock.
        pool.submit(Box::new(move || drop(job)));
        drops.load(SeqCst)
    });
    assert_eq!(drops, 2, "the job and the one its destructor submitted were dropped");
}

#[test]
fn pool_close_drops_queued_jobs_outside_its_lock() {
    let drops = bounded(|| {
        let pool = Pool::new(1, Duration::from_secs(60));
        let (started_tx, started) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        pool.submit(Box::new(move || {
            let _ = started_tx.send(());
            let _ = released.recv_timeout(LIMIT);
        }));
        started.recv_timeout(LIMIT).expect("the first job started");
        let drops = Arc::new(AtomicUsize::new(0));
        let job = SubmitOnDrop { pool: pool.clone(), drops: drops.clone() };
        pool.submit(Box::new(move || drop(job)));
        pool.close();
        // The queued job was dropped by `close`, and so was what its
        // destructor submitted; the running job is unaffected.
        let seen = drops.load(SeqCst);
        release.send(()).unwrap();
        pool.shutdown(None);
        assert_eq!(pool.threads(), 0);
        seen
    });
    assert_eq!(drops, 2);
}

#[test]
fn pool_that_never_took_a_job_shuts_down_without_its_teardown_and_refuses_jobs_after() {
    let drops = bounded(|| {
        let pool = Pool::new(4, Duration::from_secs(60));
        pool.close();
        pool.shutdown(None);
        assert!(!pool.started(), "no job, so the thread teardown was never reached");
        let drops = Arc::new(AtomicUsize::new(0));
        let counted = Counted(drops.clone());
        pool.submit(Box::new(move || drop(counted)));
        assert_eq!(pool.threads(), 0, "a job after shutdown starts no thread");
        drops.load(SeqCst)
    });
    assert_eq!(drops, 1, "the job after shutdown was dropped unrun");
}

#[test]
fn pool_close_keeps_the_mandatory_jobs_in_order_and_drops_the_others() {
    let (ran, drops) = bounded(|| {
        let pool = Pool::new(1, Duration::from_secs(60));
        let (started_tx, started) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        pool.submit(Box::new(move || {
            let _ = started_tx.send(());
            let _ = released.recv_timeout(LIMIT);
        }));
        started.recv_timeout(LIMIT).expect("the first job started");
        // The only thread is busy: these three wait in the queue.
        let (ran_tx, ran) = mpsc::channel();
        let drops = Arc::new(AtomicUsize::new(0));
        let (a, c) = (ran_tx.clone(), ran_tx);
        let counted = Counted(drops.clone());
        pool.submit_mandatory(Box::new(move || a.send("a").unwrap()));
        pool.submit(Box::new(move || drop(counted)));
        pool.submit_mandatory(Box::new(move || c.send("c").unwrap()));
        pool.close();
        let dropped_by_close = drops.load(SeqCst);
        release.send(()).unwrap();
        pool.shutdown(None);
        assert_eq!(pool.threads(), 0);
        (ran.try_iter().collect::<Vec<_>>(), dropped_by_close)
    });
    assert_eq!(ran, ["a", "c"], "the mandatory jobs ran, in order, after close");
    assert_eq!(drops, 1, "close dropped the other queued job unrun");
}

#[test]
fn run_blocking_returns_the_result_in_place_and_counts_as_a_spawned_job() {
    bounded(|| {
        crate::block_on(async {
            let before = crate::metrics();
            let n = super::run_blocking(|| (1..=5u64).product::<u64>()).await.unwrap();
            let after = crate::metrics();
            assert_eq!(n, 120);
            assert_eq!(after.tasks_spawned, before.tasks_spawned + 1, "counted as a spawn_blocking job");
            assert_eq!(after.tasks_alive, before.tasks_alive, "no task of its own");
        })
    });
}

#[test]
fn run_blocking_reports_a_panic_in_the_job_as_a_join_error() {
    let err = bounded(|| crate::block_on(async { super::run_blocking(|| panic!("boom")).await.unwrap_err() }));
    assert!(err.is_panic());
    assert_eq!(err.into_panic().downcast_ref::<&str>(), Some(&"boom"));
}

#[test]
fn run_blocking_whose_job_is_dropped_unrun_is_cancelled() {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    let clock = crate::time::clock::Clock::new(false);
    let pool = Pool::with_spawner(4, Duration::from_secs(60), refuse_threads);
    let (job, task) = super::blocking_job(|| 1, clock.inhibit_auto_advance());
    pool.submit(job);
    let mut blocking = std::pin::pin!(super::Blocking { task });
    let polled = blocking.as_mut().poll(&mut Context::from_waker(Waker::noop()));
    assert!(matches!(polled, Poll::Ready(Err(ref e)) if e.is_cancelled()), "{polled:?}");
}

#[test]
fn run_blocking_runs_its_job_without_the_runtime_as_context_and_spawn_blocking_with_it() {
    let (in_run_blocking, in_spawn_blocking) = bounded(|| {
        crate::block_on(async {
            let a = super::run_blocking(|| crate::Handle::try_current().is_ok()).await.unwrap();
            let b = super::spawn_blocking(|| crate::Handle::try_current().is_ok()).await.unwrap();
            (a, b)
        })
    });
    assert!(!in_run_blocking, "net's lookups carry no context");
    assert!(in_spawn_blocking, "a spawn_blocking job finds its runtime, as tokio's does");
}
