//! `PoolBuilder`: how many runtimes, pinned or not, with which settings.

use std::io;
use std::thread;
use std::time::Duration;

use super::{affinity, mailbox, worker, Pool};
use crate::Builder;

/// Builds a [`Pool`]; get one with [`Pool::builder`].
///
/// ```
/// let pool = runtime::Pool::builder().threads(2).pin_to_cores(false).build()?;
/// assert_eq!(pool.handles().len(), 2);
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug, Clone)]
pub struct PoolBuilder {
    threads: Option<usize>,
    pin_to_cores: bool,
    runtime: Builder,
    shutdown_timeout: Duration,
    stop_on_signals: bool,
}

impl PoolBuilder {
    pub(super) fn new() -> PoolBuilder {
        PoolBuilder {
            threads: None,
            pin_to_cores: false,
            runtime: Builder::new(),
            shutdown_timeout: Duration::from_secs(10),
            stop_on_signals: true,
        }
    }

    /// How many threads (one runtime each). By default, the number of CPUs
    /// this process may run on (`sched_getaffinity` on Linux, so `taskset`
    /// and cgroup cpusets are honoured).
    pub fn threads(mut self, n: usize) -> PoolBuilder {
        self.threads = Some(n);
        self
    }

    /// Pins thread `i` to the `i`-th CPU this process may run on (wrapping
    /// round when there are more threads than CPUs). Off by default. Linux
    /// only: elsewhere `build` fails with `ErrorKind::Unsupported`.
    pub fn pin_to_cores(mut self, pin: bool) -> PoolBuilder {
        self.pin_to_cores = pin;
        self
    }

    /// The settings of every runtime of the pool ([`Builder::new`] by
    /// default, so `RUNTIME_DRIVER` still chooses each one's driver).
    pub fn runtime(mut self, builder: Builder) -> PoolBuilder {
        self.runtime = builder;
        self
    }

    /// How long a main may take to return once the pool is told to stop
    /// (10 s by default). A main still running then is dropped, with the
    /// tasks of its runtime, and `run` reports [`PoolError::TimedOut`].
    ///
    /// It also bounds, as [`Runtime::shutdown_timeout`] does, how long each
    /// runtime's shutdown waits for its running
    /// [`spawn_blocking`](crate::spawn_blocking) jobs: one still running then
    /// finishes on its own thread, and `run` returns without it. So once the
    /// pool is told to stop, `run` returns within about twice this timeout.
    ///
    /// [`Runtime::shutdown_timeout`]: crate::Runtime::shutdown_timeout
    ///
    /// [`PoolError::TimedOut`]: super::PoolError::TimedOut
    pub fn shutdown_timeout(mut self, timeout: Duration) -> PoolBuilder {
        self.shutdown_timeout = timeout;
        self
    }

    /// Whether SIGINT and SIGTERM stop the pool while it runs (`true` by
    /// default). The handlers are installed when `run` starts and, as with
    /// [`signal::unix::signal`](crate::signal::unix::signal), stay for the
    /// life of the process.
    pub fn stop_on_signals(mut self, stop: bool) -> PoolBuilder {
        self.stop_on_signals = stop;
        self
    }

    /// Starts the threads and builds a runtime on each; they wait for
    /// [`Pool::run`].
    ///
    /// # Errors
    /// `threads(0)`; the CPUs cannot be read; a thread cannot be started,
    /// pinned, or build its runtime (the error names the thread). Threads
    /// already started are stopped again.
    pub fn build(self) -> io::Result<Pool> {
        let cpus = affinity::allowed_cpus()?;
        let n = self.threads.unwrap_or(cpus.len());
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "a pool needs at least one thread"));
        }
        let mut started = Vec::with_capacity(n);
        let mut failure = None;
        for index in 0..n {
            let cpu = self.pin_to_cores.then(|| cpus[index % cpus.len()]);
            match start_thread(index, cpu, &self.runtime, self.shutdown_timeout) {
                Ok(thread) => started.push(thread),
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }
        match failure {
            // Dropping the started threads' job senders ends them.
            Some(error) => {
                worker::join_all(started);
                Err(error)
            }
            None => Ok(Pool::new(started, self.shutdown_timeout, self.stop_on_signals)),
        }
    }
}

fn start_thread(index: usize, cpu: Option<usize>, builder: &Builder, timeout: Duration) -> io::Result<worker::Thread> {
    let name = worker::thread_name(index);
    let (ready_tx, ready_rx) = mailbox::channel();
    let (job_tx, job_rx) = mailbox::channel();
    let builder = builder.clone();
    let join = thread::Builder::new()
        .name(name.clone())
        .spawn(move || worker::main(cpu, builder, timeout, ready_tx, job_rx))
        .map_err(|e| io::Error::new(e.kind(), format!("starting pool thread {name}: {e}")))?;
    let started =
        ready_rx.recv().unwrap_or_else(|| Err(io::Error::other("the thread ended before building its runtime")));
    match started {
        Ok(handle) => Ok(worker::Thread { handle, jobs: job_tx, join }),
        Err(e) => {
            let _ = join.join();
            Err(io::Error::new(e.kind(), format!("pool thread {name}: {e}")))
        }
    }
}
