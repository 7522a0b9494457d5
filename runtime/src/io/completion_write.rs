//! The hook through which `net`'s TCP streams write in completion mode on
//! the io_uring driver (`docs/URING.md`, "Send"). Without the `io-uring`
//! feature, [`AsyncFd::completion_writes`] is a constant `false` and the
//! write path is what it was.
//!
//! A completion write is an ordinary readiness operation whose "system
//! call" copies into the driver's send buffer: `WouldBlock` (the buffer is
//! full) clears write readiness, and the send's next completion sets it
//! again. A flush is one too: `WouldBlock` while bytes are queued.
//!
//! States of `AsyncFd::completion` (`io/completion.rs`): 2, reads and
//! writes in completion mode; 3, reads only (a read failed).
//!
//! Order: every write of a stream in completion mode (`try_write` and the
//! vectored forms included) goes through the queue, so none overtakes
//! queued bytes. A write that bypasses the stream (on its raw fd, after
//! `into_std`, through `try_io`) must flush first.

use std::io::{self, IoSlice};
use std::os::fd::AsRawFd;
use std::task::{Context, Poll};

#[cfg(all(target_os = "linux", feature = "io-uring"))]
use super::completion::{OFF, ON, READS_ONLY};
use super::waiting::WaitId;
use super::AsyncFd;
use crate::reactor::Direction;

impl<T: AsRawFd> AsyncFd<T> {
    /// Whether writes of this stream socket go through the driver's send
    /// buffers (only on the io_uring driver). As with reads, the first
    /// call switches the registration but answers `false`: that write is a
    /// `send(2)`, so an error the socket already holds (a reset) comes at
    /// once. So does every write once the driver has seen the socket's
    /// write side closed or in error (`WRITE_CLOSED`, `ERROR`): the kernel
    /// answers those at once, where a queued send would answer a write
    /// later. Otherwise the answer comes from a flag.
    #[doc(hidden)]
    #[inline(always)]
    pub fn completion_writes(&self) -> bool {
        #[cfg(all(target_os = "linux", feature = "io-uring"))]
        match self.completion.get() {
            ON => {
                use crate::driver::Readiness;
                return !self.flags.known().intersects(Readiness::WRITE_CLOSED.union(Readiness::ERROR));
            }
            OFF | READS_ONLY => return false,
            _ => {
                self.switch_to_completion();
                return false;
            }
        }
        #[allow(unreachable_code)]
        false
    }

    /// A read of this stream failed (a reset): its writes go back to
    /// `send(2)`, whose answer is the kernel's at once (a queued send would
    /// give it to the write after). Reads stay in completion mode.
    #[doc(hidden)]
    #[inline(always)]
    pub fn read_failed(&self) {
        #[cfg(all(target_os = "linux", feature = "io-uring"))]
        if self.completion.get() == ON {
            self.completion.set(READS_ONLY);
        }
    }

    /// A write of what fits of `bufs` into the send buffer, once there is
    /// room. Only after [`completion_writes`](Self::completion_writes)
    /// said `true`.
    #[doc(hidden)]
    #[inline]
    pub fn poll_write_completion(
        &self,
        cx: &mut Context<'_>,
        wait: Option<&mut WaitId>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_io(Direction::Write, cx, wait, |s| self.copy_in(s, bufs))
    }

    /// [`poll_write_completion`](Self::poll_write_completion) once, without
    /// waiting: `WouldBlock` when the buffer is full.
    #[doc(hidden)]
    pub fn try_write_completion(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.try_dir(Direction::Write, |s| self.copy_in(s, bufs))
    }

    /// `Ready(Ok)` once every queued byte was sent (at once when none is
    /// queued, and on every driver but io_uring); the error a send ended
    /// with.
    #[doc(hidden)]
    #[inline]
    pub fn poll_flush_completion(&self, cx: &mut Context<'_>, wait: Option<&mut WaitId>) -> Poll<io::Result<()>> {
        if !self.in_completion_mode() {
            return Poll::Ready(Ok(()));
        }
        match self.flushed() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.poll_io(Direction::Write, cx, wait, |_| self.flushed())
            }
            other => Poll::Ready(other),
        }
    }

    /// Asks the driver to shut the write direction down after the queued
    /// bytes: `true` if it will (the caller must not call `shutdown(2)`
    /// for writing now, which would cut them off).
    #[doc(hidden)]
    #[inline]
    pub fn shutdown_after_writes(&self) -> bool {
        #[cfg(all(target_os = "linux", feature = "io-uring"))]
        if self.in_completion_mode() {
            return self.scope.reactor.borrow_mut().completion_shutdown(self.get_ref().as_raw_fd());
        }
        false
    }

    fn flushed(&self) -> io::Result<()> {
        #[cfg(all(target_os = "linux", feature = "io-uring"))]
        return self.scope.reactor.borrow_mut().completion_flush(self.get_ref().as_raw_fd());
        #[cfg(not(all(target_os = "linux", feature = "io-uring")))]
        Ok(())
    }

    #[inline]
    fn copy_in(&self, socket: &T, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        #[cfg(all(target_os = "linux", feature = "io-uring"))]
        return self.scope.reactor.borrow_mut().completion_write(socket.as_raw_fd(), bufs);
        #[cfg(not(all(target_os = "linux", feature = "io-uring")))]
        {
            let _ = (socket, bufs);
            Err(io::Error::other("completion writes need the io_uring driver"))
        }
    }
}
