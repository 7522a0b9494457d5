//! One pool thread: it builds its runtime, waits for the job `run` sends,
//! runs the main to completion (or to the drain deadline once the pool is
//! stopping), reports, and keeps serving until `run` has every result.

use std::future::Future;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use super::mailbox::{Receiver, Sender};
use super::stop::{self, Stopping};
use super::{affinity, PoolError, Shared};
use crate::driver::syscall::annotate;
use crate::signal::unix::{Signal, SignalKind};
use crate::time::{sleep, Sleep};
use crate::{Builder, Handle, Runtime};

/// What `run` sends a thread: the work to do with its runtime.
pub(super) type Job = Box<dyn FnOnce(&Runtime) + Send>;

/// A started pool thread, as the pool holds it.
#[derive(Debug)]
pub(super) struct Thread {
    pub(super) handle: Handle,
    pub(super) jobs: Sender<Job>,
    pub(super) join: JoinHandle<()>,
}

/// The name of pool thread `index`, as errors and debuggers show it.
pub(super) fn thread_name(index: usize) -> String {
    format!("runtime-pool-{index}")
}

/// Ends the threads (their job senders are dropped) and waits for them.
pub(super) fn join_all(threads: Vec<Thread>) {
    let joins: Vec<JoinHandle<()>> = threads.into_iter().map(|t| t.join).collect();
    for join in joins {
        // A thread's panic was caught and reported by its job already.
        let _ = join.join();
    }
}

/// The body of a pool thread. Its runtime is shut down waiting at most
/// `timeout` (the pool's `shutdown_timeout`) for running `spawn_blocking`
/// jobs: a job that blocks longer finishes on its own thread.
pub(super) fn main(
    cpu: Option<usize>,
    builder: Builder,
    timeout: Duration,
    ready: Sender<io::Result<Handle>>,
    jobs: Receiver<Job>,
) {
    let built = match cpu {
        Some(cpu) => affinity::pin_current_thread(cpu).and_then(|()| builder.build()),
        None => builder.build(),
    };
    let rt = match built {
        Ok(rt) => rt,
        Err(error) => {
            let _ = ready.send(Err(error));
            return;
        }
    };
    if ready.send(Ok(rt.handle().clone())).is_ok() {
        if let Some(job) = jobs.recv() {
            job(&rt);
        }
    }
    // The runtime shuts down here, with every task it still holds, on its
    // thread; a plain drop would wait for running blocking jobs without limit.
    rt.shutdown_timeout(timeout);
    stop::enter(None);
}

/// The job that runs `main(index)` on a pool thread and reports to `report`.
pub(super) fn job<F, Fut, T>(
    index: usize,
    main: Arc<F>,
    shared: Arc<Shared>,
    report: Sender<(usize, Result<T, PoolError>)>,
) -> Job
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, PoolError>> + 'static,
    T: Send + 'static,
{
    Box::new(move |rt: &Runtime| {
        stop::enter(Some(shared.clone()));
        let outcome = catch_unwind(AssertUnwindSafe(|| rt.block_on(drive(index, &*main, &shared))));
        let (result, panicked) = match outcome {
            Ok(result) => (result, false),
            Err(payload) => {
                let message = panic_text(&*payload);
                (Err(PoolError::Panicked { index, thread: thread_name(index), message }), true)
            }
        };
        let _ = report.send((index, result));
        if !panicked {
            // Serve the other runtimes' work until every main has returned.
            rt.block_on(stop::finished());
        }
    })
}

/// Runs the main of thread `index` (which reports its own failure as an
/// `Err`); thread 0 also listens for the signals that stop the pool.
async fn drive<F, Fut, T>(index: usize, main: &F, shared: &Arc<Shared>) -> Result<T, PoolError>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<T, PoolError>>,
{
    if index == 0 {
        let signals = shared.signals.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(signals) = signals {
            drop(crate::spawn(stop_on_signals(signals, shared.clone())));
        }
    }
    let drain = Drain { main: Box::pin(main(index)), stop: stop::stopping(), deadline: None, timeout: shared.timeout };
    drain.await.unwrap_or_else(|()| Err(PoolError::TimedOut { index, thread: thread_name(index) }))
}

/// SIGINT's and SIGTERM's listeners.
pub(super) type Signals = (Signal, Signal);

/// Listens for SIGINT and SIGTERM from now on (on any thread).
pub(super) fn listen_for_signals() -> io::Result<Signals> {
    let what = "listening for SIGINT/SIGTERM";
    let interrupt = Signal::outside_runtime(SignalKind::interrupt()).map_err(|e| annotate(e, what))?;
    let terminate = Signal::outside_runtime(SignalKind::terminate()).map_err(|e| annotate(e, what))?;
    Ok((interrupt, terminate))
}

/// A task that stops the pool on SIGINT or SIGTERM.
async fn stop_on_signals((mut interrupt, mut terminate): Signals, shared: Arc<Shared>) {
    std::future::poll_fn(|cx| {
        if interrupt.poll_recv(cx).is_ready() || terminate.poll_recv(cx).is_ready() {
            return Poll::Ready(());
        }
        Poll::Pending
    })
    .await;
    shared.shutdown();
}

/// A main, bounded once the pool is stopping: `Err(())` if it has not
/// returned `timeout` after the stop.
struct Drain<Fut> {
    main: Pin<Box<Fut>>,
    stop: Stopping,
    deadline: Option<Pin<Box<Sleep>>>,
    timeout: Duration,
}

impl<Fut: Future> Future for Drain<Fut> {
    type Output = Result<Fut::Output, ()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Poll::Ready(value) = this.main.as_mut().poll(cx) {
            return Poll::Ready(Ok(value));
        }
        if this.deadline.is_none() && Pin::new(&mut this.stop).poll(cx).is_ready() {
            this.deadline = Some(Box::pin(sleep(this.timeout)));
        }
        match this.deadline.as_mut().map(|deadline| deadline.as_mut().poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(Err(())),
            _ => Poll::Pending,
        }
    }
}

/// The text of a panic payload (`&str` or `String`).
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    match payload.downcast_ref::<&str>() {
        Some(text) => (*text).to_owned(),
        None => payload.downcast_ref::<String>().cloned().unwrap_or_else(|| "a non-text panic".to_owned()),
    }
}
