//! Completion mode for TCP streams on the io_uring driver
//! (`docs/URING.md`): the reactor's two entry points, which `io::AsyncFd`
//! calls. The received bytes live in the driver's buffers; readiness,
//! wakers and budget stay the slot's, as for any source.

use std::io;
use std::os::fd::RawFd;

use super::Reactor;
use crate::driver::Poller;

impl Reactor {
    /// Switches the registered `fd` to completion reads, where the driver
    /// can; `false`: it stays in readiness mode (another driver, or a
    /// kernel without provided-buffer rings).
    pub(crate) fn set_completion(&mut self, fd: RawFd) -> bool {
        match &mut self.poller {
            Poller::Uring(p) => p.set_completion(fd).unwrap_or(false),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// Copies up to `len` received bytes of `fd` to `put` (`peek`: and
    /// keeps them queued): `WouldBlock` when none are queued (the caller
    /// clears read readiness and waits for the next completion's event).
    /// `direct`: the caller goes on with its own `recv(2)` (the driver's
    /// `read`).
    #[inline]
    pub(crate) fn completion_read(
        &mut self,
        fd: RawFd,
        len: usize,
        peek: bool,
        put: &mut impl FnMut(&[u8]),
        direct: &mut bool,
    ) -> io::Result<usize> {
        match &mut self.poller {
            Poller::Uring(p) => p.read(fd, len, peek, put, direct),
            #[allow(unreachable_patterns)]
            _ => Err(io::Error::other("completion reads need the io_uring driver")),
        }
    }
}
