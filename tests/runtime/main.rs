//! Integration tests of the `runtime` crate: one binary, many modules.

#[path = "../support/mod.rs"]
mod support;

mod async_fd;
mod async_fd_budget;
mod async_fd_flags;
mod async_fd_guards;
mod async_fd_truth;
mod async_fd_waiters;
mod blocking;
mod destructors;
mod drop;
mod handle;
mod join;
mod layers;
mod liveness;
mod metrics;
mod panic_caller;
mod pool;
mod pool_errors;
mod pool_shutdown;
mod pool_signals;
mod run_queue;
mod signal;
mod spawn;
mod spawn_paused;
mod task_local;
mod task_panic;
mod time;
mod time_clock;
mod time_coop;
mod time_interval;
mod time_panic;
mod time_pause;
mod time_reset_wake;
mod time_runtimes;
mod time_sleep;
mod time_timeout;
mod uring_driver;
#[macro_use]
mod time_util;
mod wake;
