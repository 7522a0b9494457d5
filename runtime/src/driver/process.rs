//! What the drivers offer for waiting on a child process, beside fds.
//!
//! - epoll has no process filter: a child's exit is watched through a
//!   `pidfd`, an ordinary fd registered with `register`. The pidfd is the
//!   runtime's alone (never duplicated on purpose), so
//!   [`Poller::deregister_closing`] skips the `EPOLL_CTL_DEL`: closing the
//!   last reference removes the registration (a stray event from a
//!   registration that outlives it in a fork's copy names a freed slot, whose
//!   generation the reactor rejects).
//! - kqueue watches the pid itself: an `EVFILT_PROC`/`NOTE_EXIT` change that
//!   rides in the next `kevent`, like every other change (`kqueue/proc.rs`).

use std::io;
use std::os::fd::RawFd;
#[cfg(target_os = "linux")]
use std::os::fd::{FromRawFd, OwnedFd};

use super::Poller;
#[cfg(target_os = "linux")]
use crate::sys::libc;

impl Poller {
    /// Reports the exit of process `pid` as `READABLE` under `token`
    /// (kqueue); `Unsupported` where the driver has no process filter.
    pub(crate) fn register_process(&mut self, pid: u32, token: u64) -> io::Result<()> {
        match self {
            #[cfg(target_os = "linux")]
            Poller::Epoll(_) => {
                let _ = (pid, token);
                Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    "epoll has no process filter (a pidfd is watched instead)",
                ))
            }
            #[cfg(kqueue_driver)]
            Poller::Kqueue(k) => k.register_process(pid, token),
            #[cfg(all(target_os = "linux", feature = "io-uring"))]
            Poller::Uring(_) => {
                let _ = (pid, token);
                Err(io::Error::new(io::ErrorKind::Unsupported, "io_uring watches a pidfd, not a pid"))
            }
        }
    }

    /// Stops watching `pid`. `fired`: its exit was reported, which removed
    /// the kqueue's registration already (`NOTE_EXIT` is one-shot), so no
    /// delete is queued (on FreeBSD a delete that finds nothing costs a turn).
    pub(crate) fn deregister_process(&mut self, pid: u32, fired: bool) {
        match self {
            #[cfg(target_os = "linux")]
            Poller::Epoll(_) => {
                let _ = (pid, fired);
            }
            #[cfg(kqueue_driver)]
            Poller::Kqueue(k) => k.deregister_process(pid, fired),
            #[cfg(all(target_os = "linux", feature = "io-uring"))]
            Poller::Uring(_) => {
                let _ = (pid, fired);
            }
        }
    }

    /// Stops reporting `fd`, which the caller owns alone and closes next.
    /// epoll: no system call, the close removes the registration (module
    /// docs). kqueue: a delete as for any fd (libkqueue keeps a filter after
    /// `close`). io_uring: a cancel as for any fd (its poll holds the file).
    pub(crate) fn deregister_closing(&mut self, fd: RawFd) -> io::Result<()> {
        match self {
            #[cfg(target_os = "linux")]
            Poller::Epoll(_) => {
                let _ = fd;
                Ok(())
            }
            #[cfg(kqueue_driver)]
            Poller::Kqueue(k) => k.deregister(fd),
            #[cfg(all(target_os = "linux", feature = "io-uring"))]
            Poller::Uring(k) => k.deregister(fd),
        }
    }
}

#[cfg(target_os = "linux")]
/// `pidfd_open(2)` (Linux 5.3+), close-on-exec (always, for a pidfd): the
/// fd the epoll path and the kqueue emulation watch a child's exit with.
pub(crate) fn pidfd_open(pid: u32) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes two integers; the result is checked by cvt.
    let fd = super::syscall::cvt(unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) } as isize)?;
    // SAFETY: `fd` was just returned by the kernel and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}
