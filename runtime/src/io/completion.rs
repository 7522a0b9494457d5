//! The hook through which `net`'s TCP streams read in completion mode on
//! the io_uring driver (`docs/URING.md`). Without the `io-uring` feature,
//! [`AsyncFd::completion_reads`] is a constant `false` and the read path is
//! what it was.
//!
//! A completion read is an ordinary readiness operation whose "system
//! call" copies from the driver's queue of received buffers: `WouldBlock`
//! (nothing queued) clears read readiness, and the recv's next completion
//! sets it again. Wakers, the budget, `WaitId`s and the orphan errors are
//! `poll_io`'s.

use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::task::{Context, Poll};

use super::waiting::WaitId;
use super::AsyncFd;
use crate::reactor::Direction;

/// `AsyncFd::completion`: not switched yet (the next read or write asks the
/// driver); the driver said no; reads and writes go through the driver;
/// reads do, writes went back to `send(2)` after a failed read.
#[cfg(all(target_os = "linux", feature = "io-uring"))]
pub(super) const UNASKED: u8 = 0;
#[cfg(all(target_os = "linux", feature = "io-uring"))]
pub(super) const OFF: u8 = 1;
#[cfg(all(target_os = "linux", feature = "io-uring"))]
pub(super) const ON: u8 = 2;
#[cfg(all(target_os = "linux", feature = "io-uring"))]
pub(super) const READS_ONLY: u8 = 3;

/// Where a completion read puts its bytes: the caller's buffer, behind
/// `net`'s borrowed-buffer API.
#[doc(hidden)]
pub trait ReadSink {
    /// Appends `bytes` after what was put before (a read asks for no more
    /// than the buffer holds).
    fn put(&mut self, bytes: &[u8]);

    /// Reads with `recv(2)` on `fd` into the rest of the buffer: what a
    /// completion read does once the queue is dry while the socket likely
    /// holds more (`docs/URING.md`, "Bulk reads").
    fn recv(&mut self, fd: RawFd) -> io::Result<usize>;
}

impl<T: AsRawFd> AsyncFd<T> {
    /// Whether reads of this stream socket take the driver's completions
    /// (only on the io_uring driver). The first call switches the
    /// registration but answers `false`: that read is a `read(2)`, as on
    /// every driver (an accepted stream's queued bytes, a pending error,
    /// bytes a `readable()` saw come at once), and it runs before the next
    /// wait submits the recv, so the bytes stay in order. Every call after
    /// answers from a flag.
    #[doc(hidden)]
    #[inline(always)]
    pub fn completion_reads(&self) -> bool {
        #[cfg(all(target_os = "linux", feature = "io-uring"))]
        match self.completion.get() {
            ON | READS_ONLY => return true,
            OFF => return false,
            _ => {
                self.switch_to_completion();
                return false;
            }
        }
        #[allow(unreachable_code)]
        false
    }

    /// Whether reads already take the driver's completions (no switch): a
    /// `peek` asks this, since before the switch the bytes are the socket's.
    #[doc(hidden)]
    #[inline(always)]
    pub fn in_completion_mode(&self) -> bool {
        #[cfg(all(target_os = "linux", feature = "io-uring"))]
        return matches!(self.completion.get(), ON | READS_ONLY);
        #[cfg(not(all(target_os = "linux", feature = "io-uring")))]
        false
    }

    #[cfg(all(target_os = "linux", feature = "io-uring"))]
    #[cold]
    pub(super) fn switch_to_completion(&self) {
        let on = self.scope.reactor.borrow_mut().set_completion(self.get_ref().as_raw_fd());
        self.completion.set(if on { ON } else { OFF });
    }

    /// A read of at most `len` bytes, handed to `put` in order, once bytes
    /// (or the end of the stream) have arrived; `peek` leaves them queued.
    /// Only after [`completion_reads`](Self::completion_reads) said `true`.
    #[doc(hidden)]
    #[inline]
    pub fn poll_read_completion(
        &self,
        cx: &mut Context<'_>,
        wait: Option<&mut WaitId>,
        len: usize,
        peek: bool,
        mut sink: impl ReadSink,
    ) -> Poll<io::Result<usize>> {
        self.poll_io(Direction::Read, cx, wait, |s| self.copy_out(s, len, peek, &mut sink))
    }

    /// [`poll_read_completion`](Self::poll_read_completion) once, without
    /// waiting: `WouldBlock` when nothing has arrived.
    #[doc(hidden)]
    pub fn try_read_completion(&self, len: usize, mut sink: impl ReadSink) -> io::Result<usize> {
        self.try_dir(Direction::Read, |s| self.copy_out(s, len, false, &mut sink))
    }

    #[inline]
    fn copy_out(&self, socket: &T, len: usize, peek: bool, sink: &mut impl ReadSink) -> io::Result<usize> {
        #[cfg(all(target_os = "linux", feature = "io-uring"))]
        return self.copy_out_uring(socket.as_raw_fd(), len, peek, sink);
        #[cfg(not(all(target_os = "linux", feature = "io-uring")))]
        {
            let _ = (socket, len, peek, sink);
            Err(io::Error::other("completion reads need the io_uring driver"))
        }
    }

    #[cfg(all(target_os = "linux", feature = "io-uring"))]
    #[inline]
    fn copy_out_uring(&self, fd: RawFd, len: usize, peek: bool, sink: &mut impl ReadSink) -> io::Result<usize> {
        let mut direct = false;
        let n = self.scope.reactor.borrow_mut().completion_read(
            fd,
            len,
            peek,
            &mut |bytes| sink.put(bytes),
            &mut direct,
        )?;
        if !direct {
            return Ok(n);
        }
        // The recv queued behind this read meets an error or the end again:
        // after `n` bytes, they wait for the next read.
        match sink.recv(fd) {
            Ok(m) => Ok(n + m),
            Err(_) if n > 0 => Ok(n),
            Err(e) => Err(e),
        }
    }
}
