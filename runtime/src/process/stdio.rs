//! The parent's ends of a child's piped standard streams: nonblocking pipes
//! registered with the reactor (`io::AsyncFd`), read and written through the
//! futures-io traits like any socket.

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::process::Stdio;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};

use super::sys::set_nonblocking;
use crate::io::AsyncFd;

/// One registered pipe end.
struct Pipe {
    fd: AsyncFd<File>,
}

impl Pipe {
    fn new(fd: OwnedFd) -> io::Result<Pipe> {
        set_nonblocking(&fd, true)?;
        Ok(Pipe { fd: AsyncFd::new(File::from(fd))? })
    }

    /// Deregisters the pipe and hands it back in blocking mode, as a std
    /// child expects its stdio.
    fn into_owned_fd(self) -> io::Result<OwnedFd> {
        let fd = OwnedFd::from(self.fd.into_inner());
        set_nonblocking(&fd, false)?;
        Ok(fd)
    }

    fn poll_read(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        self.fd.poll_read_with(cx, |f| (&*f).read(buf))
    }

    fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.fd.poll_write_with(cx, |f| (&*f).write(buf))
    }

    fn poll_write_vectored(&self, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        self.fd.poll_write_with(cx, |f| (&*f).write_vectored(bufs))
    }
}

macro_rules! pipe_type {
    ($(#[$doc:meta])* $name:ident, $std:ty) => {
        $(#[$doc])*
        pub struct $name {
            inner: Pipe,
        }

        impl $name {
            /// Takes a std child's pipe end, makes it nonblocking and
            /// registers it with the current runtime.
            ///
            /// # Errors
            /// If the pipe cannot be made nonblocking or registered.
            ///
            /// # Panics
            /// Outside a runtime.
            pub fn from_std(inner: $std) -> io::Result<$name> {
                Ok($name { inner: Pipe::new(OwnedFd::from(inner))? })
            }

            /// Deregisters the pipe and returns it as an [`OwnedFd`], back in
            /// blocking mode.
            ///
            /// # Errors
            /// If the pipe cannot be made blocking again.
            pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
                self.inner.into_owned_fd()
            }
        }

        impl TryFrom<$name> for Stdio {
            type Error = io::Error;

            /// The pipe as the standard stream of another child (for
            /// example one child's stdout as the next one's stdin), back in
            /// blocking mode.
            fn try_from(pipe: $name) -> io::Result<Stdio> {
                pipe.into_owned_fd().map(Stdio::from)
            }
        }

        impl AsRawFd for $name {
            fn as_raw_fd(&self) -> RawFd {
                self.inner.fd.as_raw_fd()
            }
        }

        impl AsFd for $name {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.inner.fd.get_ref().as_fd()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).field("fd", &self.as_raw_fd()).finish()
            }
        }
    };
}

pipe_type!(
    /// The parent's end of a child's standard input ([`Child::stdin`](super::Child::stdin)):
    /// a futures-io [`AsyncWrite`]. Dropping it closes the pipe (the child
    /// reads end of file).
    ChildStdin,
    std::process::ChildStdin
);
pipe_type!(
    /// The parent's end of a child's standard output ([`Child::stdout`](super::Child::stdout)):
    /// a futures-io [`AsyncRead`].
    ChildStdout,
    std::process::ChildStdout
);
pipe_type!(
    /// The parent's end of a child's standard error ([`Child::stderr`](super::Child::stderr)):
    /// a futures-io [`AsyncRead`].
    ChildStderr,
    std::process::ChildStderr
);

impl AsyncWrite for ChildStdin {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.inner.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_vectored(cx, bufs)
    }

    /// A pipe has no buffer of ours to flush.
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Nothing to do, as with tokio: drop the `ChildStdin` to close the pipe.
    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for ChildStdout {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.inner.poll_read(cx, buf)
    }
}

impl AsyncRead for ChildStderr {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.inner.poll_read(cx, buf)
    }
}

/// Reads `pipe` to its end into `out` (for `wait_with_output`).
pub(super) fn poll_read_to_end<R: AsyncRead + Unpin>(
    pipe: &mut Option<R>,
    out: &mut Vec<u8>,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    let Some(reader) = pipe.as_mut() else { return Poll::Ready(Ok(())) };
    let mut chunk = [0u8; 8192];
    loop {
        match Pin::new(&mut *reader).poll_read(cx, &mut chunk) {
            Poll::Ready(Ok(0)) => {
                *pipe = None;
                return Poll::Ready(Ok(()));
            }
            Poll::Ready(Ok(n)) => out.extend_from_slice(&chunk[..n]),
            Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        }
    }
}
