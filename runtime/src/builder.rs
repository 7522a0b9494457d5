//! `Builder`: the runtime's settings, and the `RUNTIME_DRIVER` variable.

use std::io;
use std::time::Duration;

use crate::config::{Config, UnhandledPanic};
use crate::driver::Driver;
use crate::runtime::Runtime;

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
}

impl Builder {
    /// The defaults: the platform's driver (or the one `RUNTIME_DRIVER`
    /// names: `epoll`, `kqueue` or `uring`), 1024 events per wait, panics in detached
    /// tasks ignored, at most 64 blocking threads kept 10 s when idle.
    pub fn new() -> Builder {
        Builder { config: Config::new() }
    }

    /// Which kernel interface to wait on; overrides `RUNTIME_DRIVER`.
    /// [`Driver::Uring`] runs only with the `io-uring` feature on Linux and
    /// where the kernel allows io_uring; elsewhere the platform's driver runs
    /// and [`Metrics::fallback_from`](crate::Metrics::fallback_from) names it.
    // `inline`: compiled in the crates that use it, not in every build of `runtime`.
    #[inline]
    pub fn driver(mut self, driver: Driver) -> Builder {
        self.config.driver = driver;
        self.config.bad_driver_env = None;
        self
    }

    /// The most events one wait returns (at least 1).
    #[inline]
    pub fn event_capacity(mut self, capacity: usize) -> Builder {
        self.config.event_capacity = capacity.max(1);
        self
    }

    /// What a panic in a task nobody awaits does.
    #[inline]
    pub fn unhandled_panic(mut self, behavior: UnhandledPanic) -> Builder {
        self.config.unhandled_panic = behavior;
        self
    }

    /// The most helper threads `spawn_blocking` uses at once (64 by default).
    ///
    /// # Panics
    /// If `n` is 0, as tokio's does.
    #[track_caller]
    #[inline]
    pub fn max_blocking_threads(mut self, n: usize) -> Builder {
        assert!(n > 0, "Max blocking threads cannot be set to 0");
        self.config.max_blocking_threads = n;
        self
    }

    /// How long an idle helper thread waits for work before it exits.
    #[inline]
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
    #[inline]
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
        Runtime::from_config(&self.config)
    }
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}
