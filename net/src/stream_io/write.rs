//! The write side of `stream_io`: writes, vectored writes, `shutdown` and
//! flush, in readiness mode and (on the io_uring driver) completion mode.

use std::future::Future;
use std::io::{self, IoSlice, Read};
use std::net::Shutdown;
use std::task::{ready, Context, Poll};

use runtime::io::{AsyncFd, WaitId};

use super::{after_write, StreamSocket};
use crate::sys;

pub(crate) fn write<'a, T: StreamSocket>(
    fd: &'a AsyncFd<T>,
    buf: &'a [u8],
) -> impl Future<Output = io::Result<usize>> + 'a
where
    for<'r> &'r T: Read,
{
    fd.waiting(move |cx, wait| poll_write_in(fd, cx, Some(wait), buf))
}

#[inline]
pub(crate) fn poll_write<T: StreamSocket>(fd: &AsyncFd<T>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>
where
    for<'r> &'r T: Read,
{
    poll_write_in(fd, cx, None, buf)
}

#[inline]
fn poll_write_in<T: StreamSocket>(
    fd: &AsyncFd<T>,
    cx: &mut Context<'_>,
    wait: Option<&mut WaitId>,
    buf: &[u8],
) -> Poll<io::Result<usize>>
where
    for<'r> &'r T: Read,
{
    let result = if T::COMPLETION && fd.completion_writes() {
        fd.poll_write_completion(cx, wait, &[IoSlice::new(buf)])
    } else {
        fd.poll_write_io(cx, wait, |s| sys::send(s.as_raw_fd(), buf))
    };
    if let Poll::Ready(Ok(n)) = result {
        after_write(fd, n, buf.len());
    }
    result
}

pub(crate) fn try_write<T>(fd: &AsyncFd<T>, buf: &[u8]) -> io::Result<usize>
where
    T: StreamSocket,
    for<'a> &'a T: Read,
{
    if T::COMPLETION && fd.completion_writes() {
        return fd.try_write_completion(&[IoSlice::new(buf)]);
    }
    fd.try_write_with(|s| sys::send(s.as_raw_fd(), buf))
}

/// Writes `bufs` in order with one `sendmsg`, if the socket can take data.
pub(crate) fn try_write_vectored<T>(fd: &AsyncFd<T>, bufs: &[IoSlice<'_>]) -> io::Result<usize>
where
    T: StreamSocket,
    for<'a> &'a T: Read,
{
    if T::COMPLETION && fd.completion_writes() {
        return fd.try_write_completion(bufs);
    }
    fd.try_write_with(|s| sys::send_vectored(s.as_raw_fd(), bufs))
}

pub(crate) fn write_vectored<'a, T: StreamSocket>(
    fd: &'a AsyncFd<T>,
    bufs: &'a [IoSlice<'_>],
) -> impl Future<Output = io::Result<usize>> + 'a
where
    for<'r> &'r T: Read,
{
    fd.waiting(move |cx, wait| poll_write_vectored_in(fd, cx, Some(wait), bufs))
}

/// Writes `bufs` in order with one `sendmsg` once the socket can take data.
#[inline]
pub(crate) fn poll_write_vectored<T: StreamSocket>(
    fd: &AsyncFd<T>,
    cx: &mut Context<'_>,
    bufs: &[IoSlice<'_>],
) -> Poll<io::Result<usize>>
where
    for<'r> &'r T: Read,
{
    poll_write_vectored_in(fd, cx, None, bufs)
}

#[inline]
fn poll_write_vectored_in<T: StreamSocket>(
    fd: &AsyncFd<T>,
    cx: &mut Context<'_>,
    wait: Option<&mut WaitId>,
    bufs: &[IoSlice<'_>],
) -> Poll<io::Result<usize>>
where
    for<'r> &'r T: Read,
{
    let result = if T::COMPLETION && fd.completion_writes() {
        fd.poll_write_completion(cx, wait, bufs)
    } else {
        fd.poll_write_io(cx, wait, |s| sys::send_vectored(s.as_raw_fd(), bufs))
    };
    if let Poll::Ready(Ok(n)) = result {
        after_write(fd, n, bufs.iter().map(|b| b.len()).sum());
    }
    result
}

/// `shutdown(2)`, where `ENOTCONN` counts as done: the peer reset the
/// connection first, so the direction is shut anyway (tokio does the same,
/// tokio issue 4665). Every stream this crate hands out was connected.
///
/// In completion mode, bytes still queued in the driver's send buffer go
/// first: the driver shuts the write direction down once they are sent
/// (the peer sees every byte, then the end of the stream). Every caller
/// (the streams' and halves' `shutdown`, a write half's drop, futures-io's
/// `poll_close`, hyper's `poll_shutdown`) comes here.
pub(crate) fn shutdown<T>(fd: &AsyncFd<T>, how: Shutdown) -> io::Result<()>
where
    T: StreamSocket,
    for<'a> &'a T: Read,
{
    let how = match how {
        Shutdown::Read => how,
        _ if !(T::COMPLETION && fd.shutdown_after_writes()) => how,
        Shutdown::Both => Shutdown::Read,
        _ => return Ok(()),
    };
    match fd.get_ref().shutdown(how) {
        Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
        result => result,
    }
}

/// Waits until every byte queued in completion mode was sent (at once in
/// readiness mode, where a write leaves nothing in user space), and
/// returns the error a send ended with: `poll_flush` of futures-io and
/// hyper, and their `poll_close`/`poll_shutdown` before `shutdown`.
#[inline]
pub(crate) fn poll_flush<T>(fd: &AsyncFd<T>, cx: &mut Context<'_>) -> Poll<io::Result<()>>
where
    T: StreamSocket,
    for<'a> &'a T: Read,
{
    if !T::COMPLETION {
        return Poll::Ready(Ok(()));
    }
    fd.poll_flush_completion(cx, None)
}

pub(crate) fn write_all<'a, T: StreamSocket>(
    fd: &'a AsyncFd<T>,
    mut buf: &'a [u8],
) -> impl Future<Output = io::Result<()>> + 'a
where
    for<'r> &'r T: Read,
{
    fd.waiting(move |cx, wait| {
        while !buf.is_empty() {
            match ready!(poll_write_in(fd, cx, Some(&mut *wait), buf))? {
                0 => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                n => buf = &buf[n..],
            }
        }
        Poll::Ready(Ok(()))
    })
}
