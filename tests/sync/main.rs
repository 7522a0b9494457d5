//! Integration tests of `runtime::sync` and `runtime::task::JoinSet`,
//! largely tokio's own tests ported to our names.

// The owned forms take `Arc<Self>` as tokio's do, though the types are `!Sync`.
#![allow(clippy::arc_with_non_send_sync)]

#[path = "../support/mod.rs"]
mod support;
#[macro_use]
#[path = "../support/task.rs"]
mod task_support;

mod barrier;
#[macro_use]
mod broadcast;
mod broadcast_lag;
mod broadcast_more;
mod broadcast_values;
mod cancel;
mod cancel_wave3;
mod coop;
mod errors;
mod join_set;
#[allow(clippy::redundant_clone)]
mod mpsc;
mod mpsc_reserve_bound;
#[allow(clippy::redundant_clone)]
mod mpsc_weak;
mod mutex;
mod mutex_owned;
mod not_send;
mod notify;
mod notify_owned;
mod once_cell;
mod oneshot;
mod panic;
mod reentrant_wave3;
mod rwlock;
mod rwlock_owned;
mod semaphore;
mod semaphore_owned;
mod set_once;
mod stream_map;
mod task_handles;
mod watch;
mod wave3_traits;
