//! Spawns from other threads into runtimes whose clock is paused: with
//! auto-advance, the executor parks through a path of its own, and a spawn
//! that arrives there must run like any other (issue 18, item 1).

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};
use std::thread;

use futures::channel::oneshot;
use futures::executor::block_on;
use runtime::io::AsyncFd;
use runtime::pool::Pool;
use runtime::{Builder, Handle, UnhandledPanic};

use crate::support::{bounded, pipe, run_with};

/// How many spawns each test sends: enough that some arrive while the
/// runtime parks (before the fix, 2 to 42 of 2,000 were lost per run).
const SPAWNS: usize = 2_000;

fn paused() -> Builder {
    Builder::new().start_paused(true).unhandled_panic(UnhandledPanic::ShutdownRuntime)
}

/// Spawns `SPAWNS` tasks through `handle` from a plain thread, each made by
/// `make(i)`, awaiting each there before the next: resolves to each task's
/// result in order. (A `JoinHandle` stays on the thread that spawned; the runtime's
/// main waits on this channel, so the runtime parks, paused clock and all.)
fn spawn_from_a_thread<F, Fut>(handle: Handle, make: F) -> oneshot::Receiver<Vec<Result<usize, String>>>
where
    F: Fn(usize) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = usize> + Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    thread::spawn(move || {
        // One at a time: each spawn then arrives as the runtime, having just
        // run the previous task, goes back to park.
        let results = (0..SPAWNS).map(|i| block_on(handle.spawn(make(i))).map_err(|e| e.to_string())).collect();
        let _ = tx.send(results);
    });
    rx
}

#[test]
fn handle_spawn_from_another_thread_into_a_paused_runtime_runs_every_task() {
    let (results, ran) = run_with(paused(), || async {
        let ran = Arc::new(AtomicUsize::new(0));
        let counter = ran.clone();
        let results = spawn_from_a_thread(Handle::current(), move |i| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::Relaxed);
                i
            }
        });
        (results.await.unwrap(), ran.load(Ordering::Relaxed))
    });
    // Before the fix, a spawn dropped unrun resolved as cancelled.
    let expected: Vec<Result<usize, String>> = (0..SPAWNS).map(Ok).collect();
    assert!(results == expected, "lost: {:?}", results.iter().filter(|r| r.is_err()).count());
    assert_eq!(ran, SPAWNS);
}

/// Spawns a task on the current runtime when dropped.
struct SpawnOnDrop;

impl Drop for SpawnOnDrop {
    fn drop(&mut self) {
        // Before the fix, this ran inside the run queue's borrow when the
        // executor dropped an unrun spawn, and panicked "already borrowed".
        if Handle::try_current().is_ok() {
            drop(runtime::spawn(async {}));
        }
    }
}

#[test]
fn a_remote_spawn_whose_future_spawns_in_its_destructor_never_breaks_block_on() {
    let results = run_with(paused(), || async {
        let results = spawn_from_a_thread(Handle::current(), |i| {
            let guard = SpawnOnDrop;
            async move {
                let _guard = guard;
                i
            }
        });
        // The future is dropped when it completes, or if dropped unrun,
        // there: either way its destructor spawns, and `block_on` goes on.
        results.await.unwrap()
    });
    assert_eq!(results.len(), SPAWNS);
    assert!(results.iter().all(Result::is_ok), "lost: {}", results.iter().filter(|r| r.is_err()).count());
}

/// A waker of no runtime: waking it runs `f` once, on the waking thread.
struct Foreign<F>(Mutex<Option<F>>);

impl<F: FnOnce() + Send + 'static> Wake for Foreign<F> {
    fn wake(self: Arc<Self>) {
        let f = self.0.lock().unwrap().take();
        if let Some(f) = f {
            f();
        }
    }
}

/// Makes the spawn of `make()` from another thread land exactly while the
/// paused runtime parks: a foreign waker on a readable pipe runs inside the
/// park's first, non-waiting reactor turn, and returns once the other
/// thread has queued the spawn. Resolves to the task's result there.
async fn spawn_while_parked<Fut>(make: impl FnOnce() -> Fut + Send + 'static) -> Result<usize, String>
where
    Fut: std::future::Future<Output = usize> + Send + 'static,
{
    let (reader, mut writer) = pipe();
    let fd = AsyncFd::new(reader).unwrap();
    fd.clear_read_ready();
    let handle = Handle::current();
    let (result_tx, result_rx) = oneshot::channel();
    let waker = Waker::from(Arc::new(Foreign(Mutex::new(Some(move || {
        let (queued_tx, queued_rx) = std::sync::mpsc::channel();
        thread::spawn(move || {
            let task = handle.spawn(make());
            queued_tx.send(()).unwrap();
            let _ = result_tx.send(block_on(task).map_err(|e| e.to_string()));
        });
        queued_rx.recv().unwrap();
    })))));
    assert!(fd.poll_read_ready(&mut Context::from_waker(&waker)).is_pending());
    writer.write_all(b"x").unwrap();
    // Nothing is runnable now: the runtime parks, and its turn finds the pipe.
    let result = result_rx.await.unwrap();
    drop(fd);
    result
}

#[test]
fn a_spawn_queued_while_a_paused_runtime_parks_runs() {
    let result = run_with(paused(), || spawn_while_parked(|| async { 42 }));
    // Before the fix: Err("task was cancelled").
    assert_eq!(result, Ok(42));
}

#[test]
fn a_spawn_queued_while_a_paused_runtime_parks_may_spawn_in_its_destructor() {
    let result = run_with(paused(), || {
        spawn_while_parked(|| {
            let guard = SpawnOnDrop;
            async move {
                let _guard = guard;
                7
            }
        })
    });
    // Before the fix the unrun future was dropped inside the run queue's
    // borrow, and its destructor's spawn panicked "already borrowed".
    assert_eq!(result, Ok(7));
}

#[test]
fn a_pool_of_paused_runtimes_returns_from_run() {
    // The stop job `run` sends each runtime once every main has returned
    // must not be lost while the runtime parks; before the fix `run` hung.
    for round in 0..100 {
        let results = bounded(move || {
            let pool = Pool::builder().threads(2).stop_on_signals(false).runtime(paused()).build().unwrap();
            pool.run(|index| async move { index })
        });
        assert_eq!(results.unwrap(), [0, 1], "round {round}");
    }
}
