//! `Builder`: the runtime's settings, and the `RUNTIME_DRIVER` variable.

use std::io;
use std::time::Duration;

use crate::driver::Driver;
use crate::runtime::Runtime;

/// What a panic in a task does when nobody will look at it: the task was
/// detached (its `JoinHandle` dropped), or its handle is dropped without
/// having been awaited.
///
/// Never unhandled: a panic of a task a `JoinSet` owns (the set handles it,
/// even when dropped unjoined), and a panic from the destructor of a task
/// that was aborted or dropped at shutdown (it is only the task's
/// `JoinError`, as in tokio).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnhandledPanic {
    /// Nothing more: the panic hook has printed it, and the runtime goes on.
    #[default]
    Ignore,
    /// `block_on` panics at its next turn. `#[runtime::test]` uses this, so a
    /// test whose background task panics fails instead of hanging or passing.
    ShutdownRuntime,
}

/// Settings of a runtime, read at `build`.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) driver: Driver,
    pub(crate) event_capacity: usize,
    pub(crate) unhandled_panic: UnhandledPanic,
    pub(crate) max_blocking_threads: usize,
    pub(crate) thread_keep_alive: Duration,
    pub(crate) start_paused: bool,
}

/// Builds a [`Runtime`] with chosen settings.
///
/// ```
/// let rt = runtime::Builder::new().event_capacity(256).build()?;
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    config: Config,
    /// A `RUNTIME_DRIVER` value that names no driver; `build` reports it.
    bad_env: Option<String>,
}

impl Builder {
    /// The defaults: the platform's driver (or the one `RUNTIME_DRIVER`
    /// names: `epoll` or `kqueue`), 1024 events per wait, panics in detached
    /// tasks ignored, at most 64 blocking threads kept 10 s when idle.
    pub fn new() -> Builder {
        let mut builder = Builder {
            config: Config {
                driver: Driver::platform_default(),
                event_capacity: 1024,
                unhandled_panic: UnhandledPanic::Ignore,
                max_blocking_threads: 64,
                thread_keep_alive: Duration::from_secs(10),
                start_paused: false,
            },
            bad_env: None,
        };
        match std::env::var("RUNTIME_DRIVER").as_deref() {
            Err(_) | Ok("") => {}
            Ok("epoll") => builder.config.driver = Driver::Epoll,
            Ok("kqueue") => builder.config.driver = Driver::Kqueue,
            Ok(other) => builder.bad_env = Some(other.to_owned()),
        }
        builder
    }

    /// Which kernel interface to wait on; overrides `RUNTIME_DRIVER`.
    pub fn driver(mut self, driver: Driver) -> Builder {
        self.config.driver = driver;
        self.bad_env = None;
        self
    }

    /// The most events one wait returns (at least 1).
    pub fn event_capacity(mut self, capacity: usize) -> Builder {
        self.config.event_capacity = capacity.max(1);
        self
    }

    /// What a panic in a task nobody awaits does.
    pub fn unhandled_panic(mut self, behavior: UnhandledPanic) -> Builder {
        self.config.unhandled_panic = behavior;
        self
    }

    /// The most helper threads `spawn_blocking` uses at once (at least 1).
    pub fn max_blocking_threads(mut self, n: usize) -> Builder {
        self.config.max_blocking_threads = n.max(1);
        self
    }

    /// How long an idle helper thread waits for work before it exits.
    pub fn thread_keep_alive(mut self, duration: Duration) -> Builder {
        self.config.thread_keep_alive = duration;
        self
    }

    /// Starts the runtime with its clock paused, as [`time::pause`] would
    /// (`false` by default). Timers then complete as soon as nothing else can
    /// run, the clock jumping to their deadline: tests of long timeouts run
    /// at once, and deterministically.
    ///
    /// ```
    /// use runtime::time::{self, Duration, Instant};
    /// let rt = runtime::Builder::new().start_paused(true).build()?;
    /// rt.block_on(async {
    ///     let start = Instant::now();
    ///     time::sleep(Duration::from_secs(86400)).await;
    ///     assert_eq!(start.elapsed(), Duration::from_secs(86400));
    /// });
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// [`time::pause`]: crate::time::pause
    pub fn start_paused(mut self, start_paused: bool) -> Builder {
        self.config.start_paused = start_paused;
        self
    }

    /// Creates the runtime: the driver's kernel object and its wake-up fd.
    ///
    /// # Errors
    /// If `RUNTIME_DRIVER` names no driver, if the driver is not available
    /// on this platform, or if the kernel refuses the fds.
    pub fn build(&self) -> io::Result<Runtime> {
        if let Some(bad) = &self.bad_env {
            let msg = format!("RUNTIME_DRIVER={bad:?} names no driver: use `epoll` or `kqueue`");
            return Err(io::Error::new(io::ErrorKind::InvalidInput, msg));
        }
        Runtime::from_config(&self.config)
    }
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}
