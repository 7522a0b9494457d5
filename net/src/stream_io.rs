//! Reading and writing a connected stream socket (TCP or Unix) through its
//! [`AsyncFd`]: the one place that holds the readiness policy every stream
//! type and half shares, in async, poll and `try_` form.
//!
//! Each operation has the shape ready? → syscall → on `WouldBlock` clear the
//! readiness and wait (that loop is `AsyncFd::*_with`). On top of it, a
//! write that returned `n < buf.len()` filled the send buffer, so write
//! readiness is cleared at once and the next write waits for the driver's
//! edge instead of trying a send that would say `EAGAIN`.
//!
//! Likewise a read that returned `0 < n < buf.len()` drained the receive
//! buffer: read readiness is cleared (keeping an end of stream the reactor
//! saw, since the peer's FIN may have come in the same edge as the data), so
//! a request/response exchange costs one read and one write, with no read
//! that only says `EAGAIN`. The test
//! `tcp_stream_read_sees_eof_that_arrived_with_the_data` guards the FIN case.
//!
//! The `try_` forms clear readiness only on `WouldBlock`, as tokio's do: a
//! loop of `readable().await` (or `writable()`) and `try_read` (`try_write`)
//! sees the source ready until the kernel says otherwise.
//!
//! An empty buffer reads `Ok(0)` at once: `recv(2)` of zero bytes on an
//! empty TCP socket says `EAGAIN`, which would wait for data nobody asked for.
//!
//! The async forms are `AsyncFd::waiting` futures over the poll forms, which
//! are `AsyncFd::poll_read_io(cx, wait, |s| sys::recv(s.as_raw_fd(), buf))` and its write
//! twin, so the inherent methods and the `futures-io` impls share one path.
//! An async form passes its registration's identity (`wait`), which it
//! unlinks if dropped while it waits; a poll form passes `None` (its waker
//! is the one its direction's next poll call replaces). Reads use
//! `sys::recv` (`recv(2)`, inlined, as std's `Read` would call it); writes
//! use `sys::send` with `MSG_NOSIGNAL`, so a write to a peer that has gone
//! returns `BrokenPipe`.

use std::future::Future;
use std::io::{self, IoSliceMut, Read};
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd};
use std::task::{ready, Context, Poll};

use runtime::io::{AsyncFd, WaitId};

use crate::sys;

mod sinks;
mod write;

#[cfg(feature = "hyper")]
use self::sinks::Cursor;
use self::sinks::{copy_into, Slices};
pub(crate) use self::write::*;

/// A connected stream socket std can read.
pub(crate) trait StreamSocket: AsRawFd + AsFd
where
    for<'a> &'a Self: Read,
{
    /// The pending socket error (`SO_ERROR`), cleared by reading it.
    fn take_error(&self) -> io::Result<Option<io::Error>>;
    /// Whether the socket has a peer (`getpeername` succeeds).
    fn is_connected(&self) -> io::Result<bool>;
    /// `shutdown(2)`.
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;
    /// Whether it reads in completion mode where the driver can (TCP
    /// only; see `docs/URING.md`).
    const COMPLETION: bool;
}

#[cfg(feature = "tcp")]
impl StreamSocket for std::net::TcpStream {
    const COMPLETION: bool = true;

    fn take_error(&self) -> io::Result<Option<io::Error>> {
        std::net::TcpStream::take_error(self)
    }

    fn is_connected(&self) -> io::Result<bool> {
        not_connected_is_false(self.peer_addr().map(drop))
    }

    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        std::net::TcpStream::shutdown(self, how)
    }
}

#[cfg(feature = "unix")]
impl StreamSocket for std::os::unix::net::UnixStream {
    const COMPLETION: bool = false;

    fn take_error(&self) -> io::Result<Option<io::Error>> {
        std::os::unix::net::UnixStream::take_error(self)
    }

    fn is_connected(&self) -> io::Result<bool> {
        not_connected_is_false(self.peer_addr().map(drop))
    }

    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        std::os::unix::net::UnixStream::shutdown(self, how)
    }
}

fn not_connected_is_false(peer: io::Result<()>) -> io::Result<bool> {
    match peer {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(false),
        Err(e) => Err(e),
    }
}

/// Waits for a nonblocking `connect` that returned `EINPROGRESS` to finish,
/// and returns its outcome (`SO_ERROR`).
///
/// First a readiness wait, so the connection's outcome comes from the
/// driver (and, with kqueue, the registration reaches the kernel before
/// the stream is handed out); then the check runs as an *operation*
/// (`write_with`), so that an error the driver took for the socket (the
/// kqueue driver reads `SO_ERROR` when a filter reports `EV_EOF` with an
/// error) comes back here, and a wake-up that came before the connection
/// was made waits for the next edge.
pub(crate) async fn finish_connect<T: StreamSocket>(fd: &AsyncFd<T>) -> io::Result<()>
where
    for<'a> &'a T: Read,
{
    fd.clear_write_ready();
    fd.writable().await?;
    fd.write_with(|socket| {
        if let Some(e) = socket.take_error()? {
            return Err(e);
        }
        if socket.is_connected()? {
            Ok(())
        } else {
            Err(io::ErrorKind::WouldBlock.into())
        }
    })
    .await
}

/// Clears read readiness after a short read, which drained the socket.
fn after_read<T: AsRawFd>(fd: &AsyncFd<T>, n: usize, len: usize) {
    if 0 < n && n < len {
        fd.clear_read_ready();
    }
}

/// Clears write readiness after a write that filled the send buffer.
fn after_write<T: AsRawFd>(fd: &AsyncFd<T>, n: usize, len: usize) {
    if n < len {
        fd.clear_write_ready();
    }
}

// The async forms are plain `AsyncFd::waiting` futures, not `async fn`s
// that await one: one state machine less per operation on the hot path.

pub(crate) fn read<'a, T>(fd: &'a AsyncFd<T>, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a
where
    T: StreamSocket,
    for<'b> &'b T: Read,
{
    fd.waiting(move |cx, wait| poll_read_in(fd, cx, Some(wait), buf))
}

#[inline]
pub(crate) fn poll_read<T>(fd: &AsyncFd<T>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>
where
    T: StreamSocket,
    for<'a> &'a T: Read,
{
    poll_read_in(fd, cx, None, buf)
}

#[inline]
fn poll_read_in<T>(
    fd: &AsyncFd<T>,
    cx: &mut Context<'_>,
    wait: Option<&mut WaitId>,
    buf: &mut [u8],
) -> Poll<io::Result<usize>>
where
    T: StreamSocket,
    for<'a> &'a T: Read,
{
    if buf.is_empty() {
        return Poll::Ready(Ok(0));
    }
    let len = buf.len();
    let result = if T::COMPLETION && fd.completion_reads() {
        fd.poll_read_completion(cx, wait, len, false, copy_into(buf))
    } else {
        fd.poll_read_io(cx, wait, |s| sys::recv(s.as_raw_fd(), buf))
    };
    match &result {
        Poll::Ready(Ok(n)) => after_read(fd, *n, len),
        Poll::Ready(Err(_)) if T::COMPLETION => fd.read_failed(),
        _ => {}
    }
    result
}

/// A TCP stream's `peek` (`recv(2)` with `MSG_PEEK`), in async form with
/// the future's `wait`, or in poll form with `None`. In completion mode
/// the bytes are in the runtime's queue, not the socket's, and are copied
/// from there and left queued.
#[cfg(feature = "tcp")]
pub(crate) fn poll_peek(
    fd: &AsyncFd<std::net::TcpStream>,
    cx: &mut Context<'_>,
    wait: Option<&mut WaitId>,
    buf: &mut [u8],
) -> Poll<io::Result<usize>> {
    if fd.in_completion_mode() {
        return fd.poll_read_completion(cx, wait, buf.len(), true, copy_into(buf));
    }
    fd.poll_read_io(cx, wait, |s| s.peek(buf))
}

/// [`poll_read`] into hyper's read buffer, whose unfilled part may be
/// uninitialised: `read(2)` fills it in place (`sys::read_into`), so no
/// bytes are zeroed or copied on the way.
#[cfg(feature = "hyper")]
#[inline]
pub(crate) fn poll_read_cursor<T>(
    fd: &AsyncFd<T>,
    cx: &mut Context<'_>,
    cursor: &mut ::hyper::rt::ReadBufCursor<'_>,
) -> Poll<io::Result<()>>
where
    T: StreamSocket,
    for<'a> &'a T: Read,
{
    let len = cursor.remaining();
    if len == 0 {
        return Poll::Ready(Ok(()));
    }
    let n = if T::COMPLETION && fd.completion_reads() {
        ready!(fd.poll_read_completion(cx, None, len, false, Cursor(cursor)))?
    } else {
        ready!(fd.poll_read_with(cx, |s| sys::read_into(s.as_raw_fd(), cursor)))?
    };
    after_read(fd, n, len);
    Poll::Ready(Ok(()))
}

pub(crate) fn try_read<T>(fd: &AsyncFd<T>, buf: &mut [u8]) -> io::Result<usize>
where
    T: StreamSocket,
    for<'a> &'a T: Read,
{
    if buf.is_empty() {
        return Ok(0);
    }
    let result = if T::COMPLETION && fd.completion_reads() {
        fd.try_read_completion(buf.len(), copy_into(buf))
    } else {
        fd.try_read_with(|s| sys::recv(s.as_raw_fd(), buf))
    };
    if T::COMPLETION && result.as_ref().is_err_and(|e| e.kind() != io::ErrorKind::WouldBlock) {
        fd.read_failed();
    }
    result
}

/// Reads once into `bufs`, in order (`readv`), if data is ready.
pub(crate) fn try_read_vectored<T>(fd: &AsyncFd<T>, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize>
where
    T: StreamSocket,
    for<'a> &'a T: Read,
{
    if T::COMPLETION && fd.completion_reads() {
        let len = bufs.iter().map(|b| b.len()).sum();
        return fd.try_read_completion(len, Slices { bufs, slice: 0, at: 0 });
    }
    fd.try_read_with(|s| (&*s).read_vectored(bufs))
}

pub(crate) fn read_exact<'a, T>(fd: &'a AsyncFd<T>, mut buf: &'a mut [u8]) -> impl Future<Output = io::Result<()>> + 'a
where
    T: StreamSocket,
    for<'b> &'b T: Read,
{
    fd.waiting(move |cx, wait| {
        while !buf.is_empty() {
            match ready!(poll_read_in(fd, cx, Some(&mut *wait), buf))? {
                0 => return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into())),
                n => buf = &mut std::mem::take(&mut buf)[n..],
            }
        }
        Poll::Ready(Ok(()))
    })
}
