//! A single-threaded async runtime: one thread, one run queue, one reactor.
//!
//! # A tour
//!
//! Start a runtime with `#[runtime::main]` (or [`block_on`], or a
//! [`Runtime`]), spawn tasks with [`spawn`] (they need not be `Send`), wait
//! with the timers in [`time`], and do I/O through [`io::AsyncFd`] or the
//! sockets of the `net` crate, which are built on it. [`metrics()`] shows
//! what the runtime did, down to the system calls of its driver.
//! To use more cores, a [`Pool`] runs one runtime per thread, each with the
//! same main, and stops them together.
//!
//! ```
//! use std::time::Duration;
//!
//! runtime::block_on(async {
//!     let task = runtime::spawn(async {
//!         runtime::time::sleep(Duration::from_millis(1)).await;
//!         "done"
//!     });
//!     assert_eq!(task.await.unwrap(), "done");
//!     assert!(runtime::metrics().polls >= 2);
//! });
//! ```
//!
//! # Layers
//!
//! `net → io::AsyncFd → reactor → driver (epoll | kqueue) → libc`, and
//! `executor → task`; `time` feeds the driver's wait timeout. See
//! `docs/ARCHITECTURE.md` in the repository.
//!
//! # Dependencies
//!
//! `libc` (system calls), `slab` (the reactor's and timers' slots),
//! `pin-project-lite` (`Timeout`), `futures-core` (the `Stream` and
//! `FusedFuture` traits the ecosystem's combinators ask for: `Interval` is a
//! stream; `Sleep`, `Timeout` and `JoinHandle` are fused), `futures-task`
//! (the ecosystem's spawn traits: [`Handle`] implements `Spawn`, [`Spawner`]
//! `LocalSpawn`, so crates written against them spawn on this runtime) and
//! `futures-io` (the `AsyncRead`/`AsyncWrite` traits [`io::copy_bidirectional`]
//! works over, which `net`'s streams implement) and `runtime-macros` (no
//! dependencies of its own).

mod blocking;
mod builder;
mod context;
mod driver;
mod executor;
pub mod fs;
mod handle;
pub mod io;
mod loom;
mod macro_support;
mod metrics;
pub mod pool;
#[cfg(feature = "process")]
#[cfg_attr(docsrs, doc(cfg(feature = "process")))]
pub mod process;
mod reactor;
mod runtime;
#[allow(unsafe_code)]
pub mod signal;
pub mod stream;
pub mod sync;
pub mod task;
pub mod time;

pub use blocking::spawn_blocking;
pub use builder::{Builder, UnhandledPanic};
pub use driver::Driver;
pub use handle::{spawner, Handle, Spawner, TryCurrentError};
pub use metrics::{metrics, Metrics};
pub use pool::{Pool, PoolBuilder, PoolError};
pub use runtime::{block_on, Runtime};
pub use runtime_macros::{join, main, select, test, try_join};
pub use task::{spawn, JoinError, JoinHandle};

/// What the expansions of `select!`, `join!` and `try_join!` call; not a
/// public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::macro_support::{poll_budget_available, select_start};
}
