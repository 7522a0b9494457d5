//! The send side of completion mode on the io_uring driver
//! (`docs/URING.md`, "Send"): the reactor's entry points, which
//! `io::AsyncFd` calls. The queued bytes live in the driver's send
//! buffers; readiness, wakers and budget stay the slot's.

use std::io::{self, IoSlice};
use std::os::fd::RawFd;

use super::Reactor;
use crate::driver::Poller;

fn not_uring() -> io::Error {
    io::Error::other("completion writes need the io_uring driver")
}

impl Reactor {
    /// Copies what fits of `bufs` into `fd`'s send buffer: `WouldBlock`
    /// when it is full (the send's completion reports `WRITABLE`).
    #[inline]
    pub(crate) fn completion_write(&mut self, fd: RawFd, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        match &mut self.poller {
            Poller::Uring(p) => p.write(fd, bufs),
            #[allow(unreachable_patterns)]
            _ => Err(not_uring()),
        }
    }

    /// `Ok` once `fd`'s queued bytes are sent; `WouldBlock` before.
    pub(crate) fn completion_flush(&mut self, fd: RawFd) -> io::Result<()> {
        match &mut self.poller {
            Poller::Uring(p) => p.flush(fd),
            #[allow(unreachable_patterns)]
            _ => Ok(()),
        }
    }

    /// Whether the driver shuts `fd`'s write direction down itself, after
    /// its queued bytes (`false`: none are queued, the caller does it now).
    pub(crate) fn completion_shutdown(&mut self, fd: RawFd) -> bool {
        match &mut self.poller {
            Poller::Uring(p) => p.shutdown_after_sends(fd),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }
}
