//! Child processes, with tokio's names: [`Command`] spawns a [`Child`],
//! whose exit is awaited on the runtime, and whose piped stdio
//! ([`ChildStdin`], [`ChildStdout`], [`ChildStderr`]) are futures-io
//! streams, awaited like sockets.
//!
//! ```
//! use futures::{AsyncReadExt, AsyncWriteExt};
//! use std::process::Stdio;
//! use runtime::process::Command;
//!
//! runtime::block_on(async {
//!     let mut child = Command::new("tr").arg("a-z").arg("A-Z")
//!         .stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
//!     let mut stdin = child.stdin.take().unwrap();
//!     stdin.write_all(b"hello").await?;
//!     drop(stdin);
//!     let mut out = String::new();
//!     child.stdout.take().unwrap().read_to_string(&mut out).await?;
//!     assert_eq!(out, "HELLO");
//!     assert!(child.wait().await?.success());
//!     std::io::Result::Ok(())
//! }).unwrap();
//! ```
//!
//! # How an exit is awaited, per driver
//!
//! - **epoll** (Linux 5.3+): the child's `pidfd` (`pidfd_open`), registered
//!   once like any source; readable means exited; then `waitpid` reaps it.
//!   The pidfd is closed without an `EPOLL_CTL_DEL` (it is ours alone).
//! - **kqueue**: an `EVFILT_PROC`/`NOTE_EXIT` registration on the pid,
//!   queued like every change and sent in the next `kevent`, the one that
//!   also waits; it fires once. On Linux the emulation (`kqueue-emulation`)
//!   and libkqueue both implement it with a pidfd underneath.
//! - **Neither** (`pidfd_open` refused: `ENOSYS` before Linux 5.3, `EPERM`
//!   under a seccomp filter; a registration the driver refuses; or
//!   `RUNTIME_PROCESS_WAIT=sigchld` in the environment): SIGCHLD through
//!   [`signal`](crate::signal), then `waitpid(pid, WNOHANG)` for each
//!   child that waits. This installs a SIGCHLD handler for the life of the
//!   process.
//!
//! # No zombies
//!
//! A [`Child`] dropped before it was waited for is still reaped: its exit
//! watch moves to a small task of the runtime, or, without a runtime (or on
//! the SIGCHLD path), to a process-wide orphan queue that is reaped at the
//! next spawn, the next child exit the runtime sees, and each SIGCHLD.
//! [`Command::kill_on_drop`] also kills it first. A child killed by a
//! signal says so in its status
//! (`std::os::unix::process::ExitStatusExt::signal`).
//!
//! # Runtimes
//!
//! Spawning needs a runtime (it panics outside one, as tokio does). A
//! `Child` waited for in another runtime, after the one that spawned it has
//! gone, registers with the new one (tokio's behaviour); waited for outside
//! any runtime, `wait` returns an error that says so instead of hanging.

mod child;
mod command;
mod exit;
mod orphan;
#[allow(unsafe_code)]
mod pre_exec;
mod stdio;
#[allow(unsafe_code)]
mod sys;

pub use child::Child;
pub use command::Command;
pub use stdio::{ChildStderr, ChildStdin, ChildStdout};

/// How many dropped children wait in the process-wide orphan queue (for
/// tests of the no-zombie rule; not a stable API).
#[doc(hidden)]
pub fn __orphans_queued() -> usize {
    orphan::queued()
}
