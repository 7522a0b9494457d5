//! `readable`, `writable` and the `poll_*_ready` forms of [`AsyncFd`], with
//! tokio's signatures: each returns a readiness guard.
//!
//! These are readiness *queries*: they report only what the driver has
//! reported (or the fd's maker marked), never the guess a fresh registration
//! makes for its first operation. A fresh socket pair's end with nothing to
//! read is not readable.
//!
//! `readable` and `writable` wait like [`AsyncFd::ready`]: every task that
//! waits is woken by the next edge. A `poll_*_ready` call keeps only the
//! waker of the most recent call in its direction, as tokio's does.

use std::io;
use std::os::fd::AsRawFd;
use std::task::{ready, Context, Poll};

use super::{AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, Interest};
use crate::reactor::Direction;

impl<T: AsRawFd> AsyncFd<T> {
    /// Polls for read readiness.
    ///
    /// # Return value
    /// - `Poll::Ready(Ok(guard))` when the driver has reported the fd
    ///   readable (data, end of stream or an error is waiting) and nothing
    ///   has cleared that since. A fresh registration is not readable until
    ///   the driver says so.
    /// - `Poll::Ready(Err(e))` with an error the driver reported for the fd,
    ///   or, instead of waiting, if the fd's runtime is not the one running
    ///   (it has shut down, or this is another runtime or none).
    /// - `Poll::Pending` otherwise; the task of the most recent call is
    ///   woken at the next read edge (earlier calls' tasks are not).
    ///
    /// A readiness check never spends the cooperative budget.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use runtime::io::AsyncFd;
    ///
    /// runtime::block_on(async {
    ///     let (a, b) = UnixStream::pair()?;
    ///     a.set_nonblocking(true)?;
    ///     let a = AsyncFd::new(a)?;
    ///     (&b).write_all(b"ping")?;
    ///     let guard = poll_fn(|cx| a.poll_read_ready(cx)).await?;
    ///     assert!(guard.ready().is_readable());
    ///     std::io::Result::Ok(())
    /// }).unwrap();
    /// ```
    pub fn poll_read_ready<'a>(&'a self, cx: &mut Context<'_>) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        ready!(self.poll_ready(Direction::Read, false, cx, None))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            fd: self,
            ready: self.ready_now(Interest::READABLE),
            tick: self.flags.tick(),
        }))
    }

    /// Like [`poll_read_ready`](Self::poll_read_ready), for writes.
    pub fn poll_write_ready<'a>(&'a self, cx: &mut Context<'_>) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        ready!(self.poll_ready(Direction::Write, false, cx, None))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            fd: self,
            ready: self.ready_now(Interest::WRITABLE),
            tick: self.flags.tick(),
        }))
    }

    /// Like [`poll_read_ready`](Self::poll_read_ready), with a guard that
    /// gives `&mut` access.
    pub fn poll_read_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        ready!(self.poll_ready(Direction::Read, false, cx, None))?;
        let (ready, tick) = (self.ready_now(Interest::READABLE), self.flags.tick());
        Poll::Ready(Ok(AsyncFdReadyMutGuard { fd: self, ready, tick }))
    }

    /// Like [`poll_write_ready`](Self::poll_write_ready), with a guard that
    /// gives `&mut` access.
    pub fn poll_write_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        ready!(self.poll_ready(Direction::Write, false, cx, None))?;
        let (ready, tick) = (self.ready_now(Interest::WRITABLE), self.flags.tick());
        Poll::Ready(Ok(AsyncFdReadyMutGuard { fd: self, ready, tick }))
    }

    /// Waits until the driver reports the fd readable: `ready(Interest::READABLE)`.
    ///
    /// ```
    /// use std::io::{Read, Write};
    /// use std::os::unix::net::UnixStream;
    /// use runtime::io::AsyncFd;
    ///
    /// runtime::block_on(async {
    ///     let (a, b) = UnixStream::pair()?;
    ///     a.set_nonblocking(true)?;
    ///     let a = AsyncFd::new(a)?;
    ///     (&b).write_all(b"ping")?;
    ///     let mut guard = a.readable().await?;
    ///     let mut buf = [0; 4];
    ///     let n = guard.try_io(|fd| (&*fd.get_ref()).read(&mut buf)).expect("readable")?;
    ///     assert_eq!(&buf[..n], b"ping");
    ///     std::io::Result::Ok(())
    /// }).unwrap();
    /// ```
    pub async fn readable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::READABLE).await
    }

    /// Waits until the driver reports the fd writable: `ready(Interest::WRITABLE)`.
    pub async fn writable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::WRITABLE).await
    }
}
