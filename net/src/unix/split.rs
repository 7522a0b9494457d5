//! The halves of a `UnixStream`: borrowed ([`ReadHalf`], [`WriteHalf`], from
//! `split`) and owned ([`OwnedReadHalf`], [`OwnedWriteHalf`], from
//! `into_split`).
//!
//! A half is a view of the one stream: reads and writes use the stream's
//! registration, whose reader and writer wakers are separate, so the two
//! halves can wait at the same time in one task (borrowed) or in two tasks
//! of the same runtime (owned, sharing the stream through an `Rc`). The
//! runtime is single-threaded, so no lock is needed.

use std::error::Error;
use std::fmt;
use std::io;
use std::net::Shutdown;
use std::os::unix::net::SocketAddr;
use std::rc::Rc;

use runtime::io::AsyncFd;

use super::UnixStream;
use crate::stream_io;

/// The read half of a borrowed [`UnixStream`] (see [`UnixStream::split`]).
#[derive(Debug)]
pub struct ReadHalf<'a> {
    stream: &'a UnixStream,
}

/// The write half of a borrowed [`UnixStream`] (see [`UnixStream::split`]).
#[derive(Debug)]
pub struct WriteHalf<'a> {
    stream: &'a UnixStream,
}

impl<'a> ReadHalf<'a> {
    pub(crate) fn pair(stream: &'a mut UnixStream) -> (ReadHalf<'a>, WriteHalf<'a>) {
        let stream = &*stream;
        (ReadHalf { stream }, WriteHalf { stream })
    }
}

/// The read half of a [`UnixStream`] owned by a task (see
/// [`UnixStream::into_split`]).
#[derive(Debug)]
pub struct OwnedReadHalf {
    stream: Rc<UnixStream>,
}

/// The write half of a [`UnixStream`] owned by a task (see
/// [`UnixStream::into_split`]). Dropping it shuts down the write direction,
/// so the peer reads end of stream (as in tokio).
#[derive(Debug)]
pub struct OwnedWriteHalf {
    stream: Rc<UnixStream>,
    shutdown_on_drop: bool,
}

impl OwnedReadHalf {
    pub(crate) fn pair(stream: Rc<UnixStream>) -> (OwnedReadHalf, OwnedWriteHalf) {
        let write = OwnedWriteHalf { stream: Rc::clone(&stream), shutdown_on_drop: true };
        (OwnedReadHalf { stream }, write)
    }

    /// Puts the stream back together; fails (handing both halves back) if
    /// they come from different streams.
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<UnixStream, ReuniteError> {
        reunite(self, other)
    }
}

impl OwnedWriteHalf {
    /// Puts the stream back together, like [`OwnedReadHalf::reunite`].
    pub fn reunite(self, other: OwnedReadHalf) -> Result<UnixStream, ReuniteError> {
        reunite(other, self)
    }
}

fn reunite(read: OwnedReadHalf, mut write: OwnedWriteHalf) -> Result<UnixStream, ReuniteError> {
    if !Rc::ptr_eq(&read.stream, &write.stream) {
        return Err(ReuniteError(read, write));
    }
    write.shutdown_on_drop = false;
    drop(write);
    let stream = Rc::try_unwrap(read.stream);
    Ok(stream.expect("the two halves were the only owners of the stream"))
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            let _ = self.stream.shutdown(Shutdown::Write);
        }
    }
}

/// [`OwnedReadHalf::reunite`] was given halves of two different streams;
/// here they are back.
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same UnixStream")
    }
}

impl Error for ReuniteError {}

/// The read methods, the same on both read halves.
macro_rules! read_half {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Reads into `buf`; `Ok(0)` at end of stream. See [`UnixStream::read`].
            pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                stream_io::read(self.fd(), buf).await
            }

            /// Reads exactly `buf.len()` bytes. See [`UnixStream::read_exact`].
            pub async fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
                stream_io::read_exact(self.fd(), buf).await
            }

            /// Reads once if data is ready. See [`UnixStream::try_read`].
            pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
                self.stream.try_read(buf)
            }

            /// Waits until a read may make progress.
            pub async fn readable(&self) -> io::Result<()> {
                self.stream.readable().await
            }

            /// The stream's local address.
            pub fn local_addr(&self) -> io::Result<SocketAddr> {
                self.stream.local_addr()
            }

            /// The stream's peer address.
            pub fn peer_addr(&self) -> io::Result<SocketAddr> {
                self.stream.peer_addr()
            }

            pub(crate) fn fd(&self) -> &AsyncFd<std::os::unix::net::UnixStream> {
                self.stream.fd()
            }
        }
    )*};
}

/// The write methods, the same on both write halves.
macro_rules! write_half {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Writes some of `buf`. See [`UnixStream::write`].
            pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                stream_io::write(self.fd(), buf).await
            }

            /// Writes all of `buf`.
            pub async fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
                stream_io::write_all(self.fd(), buf).await
            }

            /// Writes once if the socket can take data. See [`UnixStream::try_write`].
            pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
                self.stream.try_write(buf)
            }

            /// Waits until a write may make progress.
            pub async fn writable(&self) -> io::Result<()> {
                self.stream.writable().await
            }

            /// Shuts down the write direction: the peer reads end of stream;
            /// the read half goes on reading.
            pub fn shutdown(&self) -> io::Result<()> {
                self.stream.shutdown(Shutdown::Write)
            }

            /// The stream's local address.
            pub fn local_addr(&self) -> io::Result<SocketAddr> {
                self.stream.local_addr()
            }

            /// The stream's peer address.
            pub fn peer_addr(&self) -> io::Result<SocketAddr> {
                self.stream.peer_addr()
            }

            pub(crate) fn fd(&self) -> &AsyncFd<std::os::unix::net::UnixStream> {
                self.stream.fd()
            }
        }
    )*};
}

read_half!(ReadHalf<'_>, OwnedReadHalf);
write_half!(WriteHalf<'_>, OwnedWriteHalf);
