//! `PoolError`: why `Pool::run` has no result for every thread.

use std::{error, fmt, io};

use super::worker::thread_name;

/// Why [`Pool::run`](super::Pool::run) failed. Each variant names the pool
/// thread it happened on (`runtime-pool-<index>`).
#[derive(Debug)]
#[non_exhaustive]
pub enum PoolError {
    /// The main (or, under `UnhandledPanic::ShutdownRuntime`, a task) of
    /// this thread panicked; the other runtimes were told to stop.
    Panicked {
        /// The thread's index.
        index: usize,
        /// The thread's name.
        thread: String,
        /// The panic's message.
        message: String,
    },
    /// The main of this thread returned `Err` (under
    /// [`Pool::try_run`](super::Pool::try_run)); the other runtimes were told
    /// to stop. The main's error is the `source`.
    Failed {
        /// The thread's index.
        index: usize,
        /// The thread's name.
        thread: String,
        /// The error the main returned.
        error: Box<dyn error::Error + Send + Sync>,
    },
    /// The main of this thread had not returned when the pool's
    /// `shutdown_timeout` ran out after the stop; it was dropped.
    TimedOut {
        /// The thread's index.
        index: usize,
        /// The thread's name.
        thread: String,
    },
    /// The thread could not set up what the pool needs (the SIGINT/SIGTERM
    /// listener of thread 0).
    Io {
        /// The thread's index.
        index: usize,
        /// The thread's name.
        thread: String,
        /// The OS error, with what was being done.
        error: io::Error,
    },
    /// `run` was called a second time: a pool runs once.
    AlreadyRun,
}

impl PoolError {
    /// A thread ended without reporting (it cannot, short of an abort).
    pub(super) fn lost(index: usize) -> PoolError {
        let message = "the thread ended without a result".to_owned();
        PoolError::Panicked { index, thread: thread_name(index), message }
    }

    /// A main's `Err`, under `try_run`.
    pub(super) fn failed(index: usize, error: Box<dyn error::Error + Send + Sync>) -> PoolError {
        PoolError::Failed { index, thread: thread_name(index), error }
    }

    /// The index of the thread the error happened on, if any.
    pub fn index(&self) -> Option<usize> {
        match self {
            PoolError::Panicked { index, .. }
            | PoolError::Failed { index, .. }
            | PoolError::TimedOut { index, .. }
            | PoolError::Io { index, .. } => Some(*index),
            PoolError::AlreadyRun => None,
        }
    }
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::Panicked { thread, message, .. } => write!(f, "pool thread {thread} panicked: {message}"),
            PoolError::Failed { thread, error, .. } => write!(f, "pool thread {thread} failed: {error}"),
            PoolError::TimedOut { thread, .. } => {
                write!(f, "pool thread {thread} did not return within the shutdown timeout")
            }
            PoolError::Io { thread, error, .. } => write!(f, "pool thread {thread}: {error}"),
            PoolError::AlreadyRun => f.write_str("this pool has already run"),
        }
    }
}

impl error::Error for PoolError {
    fn source(&self) -> Option<&(dyn error::Error + 'static)> {
        match self {
            PoolError::Io { error, .. } => Some(error),
            PoolError::Failed { error, .. } => Some(&**error),
            _ => None,
        }
    }
}
