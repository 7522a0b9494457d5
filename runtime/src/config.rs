//! A runtime's settings, below every layer that reads them: the `Builder`
//! fills a [`Config`], the runtime's parts read it when they are made.

use std::io;
use std::time::Duration;

use crate::driver::Driver;

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
    /// A `RUNTIME_DRIVER` value that names no driver; building reports it.
    pub(crate) bad_driver_env: Option<String>,
}

impl Config {
    /// The defaults: the platform's driver (or the one `RUNTIME_DRIVER`
    /// names: `epoll`, `kqueue` or `uring`), 1024 events per wait, panics in detached
    /// tasks ignored, at most 64 blocking threads kept 10 s when idle.
    pub(crate) fn new() -> Config {
        let mut config = Config {
            driver: Driver::platform_default(),
            event_capacity: 1024,
            unhandled_panic: UnhandledPanic::Ignore,
            max_blocking_threads: 64,
            thread_keep_alive: Duration::from_secs(10),
            start_paused: false,
            bad_driver_env: None,
        };
        match std::env::var("RUNTIME_DRIVER").as_deref() {
            Err(_) | Ok("") => {}
            Ok("epoll") => config.driver = Driver::Epoll,
            Ok("kqueue") => config.driver = Driver::Kqueue,
            Ok("uring") => config.driver = Driver::Uring,
            Ok(other) => config.bad_driver_env = Some(other.to_owned()),
        }
        config
    }

    /// An error if `RUNTIME_DRIVER` named no driver (and no driver was
    /// chosen in code since).
    pub(crate) fn check(&self) -> io::Result<()> {
        match &self.bad_driver_env {
            None => Ok(()),
            Some(bad) => {
                let msg = format!("RUNTIME_DRIVER={bad:?} names no driver: use `epoll`, `kqueue` or `uring`");
                Err(io::Error::new(io::ErrorKind::InvalidInput, msg))
            }
        }
    }
}
