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
//! Each file imports only files on its own floor or below (a file takes the
//! floor of the longest path listed here that holds it; `tests/runtime/layers.rs`
//! reads this list and fails on an import that goes up). From the ground:
//!
//! 1. `driver/` (epoll and kqueue, the only code that makes the waiting
//!    system calls), `sys/` (the C library's declarations: our own on Linux
//!    x86_64 and aarch64, the `libc` crate elsewhere), `loom.rs` (the model
//!    checker's stand-ins), `config.rs`.
//! 2. `reactor/` (the registered sources and their wakers); the task core,
//!    `task/raw.rs`, `task/raw/`, `task/state.rs`, `task/waker.rs`,
//!    `task/error.rs`, `task/join.rs`, `task/remote.rs`, `task/local.rs`,
//!    which names no runtime: it defines the `Schedule` trait the executor
//!    implements; the timer store, `time/timers.rs`, `time/timers/`,
//!    `time/orphans.rs`, `time/clock.rs`, `time/instant.rs`; the thread
//!    pool `blocking/pool.rs`.
//! 3. `shared.rs`: the part of a runtime other threads reach (injection
//!    queue, remote waker).
//! 4. `context/`: `Scope`, a runtime's state on its own thread, and the
//!    thread-local that names the current one.
//! 5. What tasks use: `io/`, `time/`, `sync/`, `blocking/`, `task/`,
//!    `stream.rs`, `macro_support.rs`.
//! 6. `executor/`: the loop that drives a `Scope`.
//! 7. `runtime.rs`, `builder.rs`, `handle.rs`, `metrics.rs`.
//! 8. `signal/`, `fs/`, `pool/`, `process/`.
//! 9. `lib.rs`.
//!
//! `net` sits on top, on `io::AsyncFd`. See `docs/ARCHITECTURE.md` in the
//! repository.
//!
//! # Dependencies
//!
//! `libc` (system calls; not on Linux x86_64 and aarch64, where `sys/`
//! declares the items used, which saves a clean build the `libc` crate's
//! compile before this one can start; `net` reaches the same declarations
//! through `runtime::__libc`, hidden and not an API), `slab` (the reactor's and timers' slots),
//! `pin-project-lite` (`Timeout`, `TaskLocalFuture`), `futures-core` (the `Stream` and
//! `FusedFuture` traits the ecosystem's combinators ask for: `Interval` is a
//! stream; `Sleep`, `Timeout` and `JoinHandle` are fused), `futures-task`
//! (the ecosystem's spawn traits: [`Handle`] implements `Spawn`, [`Spawner`]
//! `LocalSpawn`, so crates written against them spawn on this runtime),
//! `futures-io` (the `AsyncRead`/`AsyncWrite` traits `io::copy_bidirectional`
//! works over, which `net`'s streams implement; only with the `futures-io`
//! feature) and `runtime-macros` (no dependencies of its own; only with the
//! `macros` feature).
//!
//! # Features
//!
//! Every feature is on by default, so `runtime = "..."` just works. An app
//! that wants a smaller build writes `default-features = false` and names
//! what it uses, as a tokio app names `rt`, `net` and `time`. Without any
//! feature the core remains: [`Runtime`], [`block_on`], [`spawn`],
//! [`spawn_blocking`], [`task`], [`time::Instant`], [`io`] (`AsyncFd`, `Interest`,
//! `Ready`), [`Handle`] and [`metrics()`].
//!
//! | feature | what it adds | needs |
//! |---|---|---|
//! | `time` | [`time`]'s futures: `sleep`, `sleep_until`, `timeout`, `interval` (`Sleep`, `Timeout`, `Interval`) and the paused clock's `pause`, `resume`, `advance` (tokio's `time`) | |
//! | `macros` | `#[runtime::main]`, `#[runtime::test]`, [`select!`], [`join!`], [`try_join!`] (the `runtime-macros` crate) | |
//! | `sync` | [`sync`]: `mpsc`, `oneshot`, `watch`, `broadcast`, `Notify`, `Mutex`, `RwLock`, `Semaphore`, `Barrier`, `OnceCell`, `SetOnce` | |
//! | `stream` | [`stream`]: `StreamMap` (tokio-stream's) | |
//! | `signal` | [`signal`]: `ctrl_c`, `unix::signal` | |
//! | `pool` | [`Pool`]: one runtime per thread, stopped together (on SIGINT/SIGTERM too) | `signal`, `time` |
//! | `futures-io` | `io::copy_bidirectional`, `io::copy_bidirectional_with_sizes` over the futures-io traits (the `futures-io` crate) | |
//! | `fs` | [`fs`]: tokio's file functions, `File`, `OpenOptions`, `read_dir` (on the blocking pool) | `sync`, `futures-io` |
//! | `io-std` | [`io::stdin`], [`io::stdout`], [`io::stderr`] (on the blocking pool) | `futures-io` |
//! | `process` | [`process`]: `Command`, `Child` and piped stdio, exits awaited by the driver (pidfd, `EVFILT_PROC`) | `signal`, `futures-io` |
//!
//! Test-only, off by default: `kqueue-emulation` and `libkqueue` (see
//! `Cargo.toml`). [`pin!`] needs no feature.
//!
//! Using an item whose feature is off is a compile error that names the
//! feature (``could not find `sync` in `runtime` ... the item is gated
//! behind the `sync` feature``), and its documentation names it too.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod blocking;
mod builder;
mod config;
mod context;
mod driver;
mod executor;
#[cfg(feature = "fs")]
#[cfg_attr(docsrs, doc(cfg(feature = "fs")))]
pub mod fs;
mod handle;
pub mod io;
mod loom;
mod macro_support;
mod metrics;
#[cfg(feature = "pool")]
#[cfg_attr(docsrs, doc(cfg(feature = "pool")))]
pub mod pool;
#[cfg(feature = "process")]
#[cfg_attr(docsrs, doc(cfg(feature = "process")))]
pub mod process;
mod reactor;
mod runtime;
mod shared;
#[cfg(feature = "signal")]
#[cfg_attr(docsrs, doc(cfg(feature = "signal")))]
#[allow(unsafe_code)]
pub mod signal;
#[cfg(feature = "stream")]
#[cfg_attr(docsrs, doc(cfg(feature = "stream")))]
pub mod stream;
#[cfg(feature = "sync")]
#[cfg_attr(docsrs, doc(cfg(feature = "sync")))]
pub mod sync;
#[allow(unsafe_code)]
mod sys;
pub mod task;
pub mod time;

pub use blocking::spawn_blocking;
pub use builder::Builder;
pub use config::UnhandledPanic;
pub use driver::Driver;
pub use handle::{spawner, Handle, Spawner, TryCurrentError};
pub use metrics::{metrics, Metrics};
#[cfg(feature = "pool")]
#[cfg_attr(docsrs, doc(cfg(feature = "pool")))]
pub use pool::{Pool, PoolBuilder, PoolError};
pub use runtime::{block_on, Runtime};
#[cfg(feature = "macros")]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
pub use runtime_macros::{join, main, select, test, try_join};
pub use task::{spawn, JoinError, JoinHandle};

/// The C library's declarations (`libc::X`), for `net`'s system calls:
/// this crate's own on Linux x86_64 and aarch64, the `libc` crate
/// elsewhere. Not a public API: it declares only what `runtime` and `net`
/// use, and may change with them.
#[doc(hidden)]
pub use sys::libc as __libc;

/// What `net` calls for its name lookups; not a public API.
#[doc(hidden)]
pub mod __net {
    pub use crate::blocking::{run_blocking, Blocking};
}

/// What the expansions of `select!`, `join!` and `try_join!` call; not a
/// public API.
#[cfg(feature = "macros")]
#[doc(hidden)]
pub mod __private {
    pub use crate::macro_support::{poll_budget_available, select_start};
}
