//! Integration tests of `runtime::fs` and `runtime::io::{stdin, stdout,
//! stderr}`: tokio's own fs_* tests ported to our names, then ours (errors
//! that name the path, cancellation, drop mid-write, chunked reads).

#[path = "../support/mod.rs"]
mod support;
#[allow(dead_code)]
#[path = "../support/task.rs"]
mod task_support;

mod chunks;
mod errors;
mod shutdown;
mod stdio;
mod tokio_dir;
mod tokio_file;
mod tokio_open_options;
mod tokio_ops;
