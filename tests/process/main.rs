//! Integration tests of `runtime::process`: tokio's process_* tests ported
//! to our names (every assertion kept), then ours (no zombies, errors,
//! exit by signal, piped stdio, the SIGCHLD fallback, the per-driver costs).
//! Every test runs on whichever driver `RUNTIME_DRIVER` selects; `fallback`
//! reruns the tokio ports with the SIGCHLD path forced.

#[path = "../support/mod.rs"]
mod support;

mod costs;
mod errors;
mod fallback;
mod procfs;
mod stdio;
mod tokio_misc;
mod tokio_smoke;
mod tokio_stdio;
mod zombies;
