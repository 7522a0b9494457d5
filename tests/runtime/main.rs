//! Integration tests of the `runtime` crate: one binary, many modules.

#[path = "../support/mod.rs"]
mod support;

mod async_fd;
mod blocking;
mod drop;
mod handle;
mod join;
mod liveness;
mod metrics;
mod signal;
mod spawn;
mod time;
mod wake;
