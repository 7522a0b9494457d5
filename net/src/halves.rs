//! The halves of a stream socket (`TcpStream`, `UnixStream`), written once:
//! borrowed (`ReadHalf`, `WriteHalf`, from `split`) and owned
//! (`OwnedReadHalf`, `OwnedWriteHalf`, from `into_split`, with `reunite`).
//! `tcp/split.rs` and `unix/split.rs` each expand [`stream_halves!`] for
//! their stream type.
//!
//! A half is a view of the one stream: reads and writes use the stream's
//! registration, whose reader and writer wakers are separate, so the two
//! halves can wait at the same time in one task (borrowed) or in two tasks
//! of the same runtime (owned, sharing the stream through an `Rc`). The
//! runtime is single-threaded, so no lock is needed.

/// Defines the four half types and `ReuniteError` for `$stream` (whose std
/// type is `$std` and address type `$addr`) in the calling module.
macro_rules! stream_halves {
    ($stream:ident, $std:ty, $addr:ty) => {
        use std::error::Error;
        use std::fmt;
        use std::io;
        use std::net::Shutdown;
        use std::rc::Rc;

        use runtime::io::AsyncFd;

        use super::$stream;
        use crate::stream_io;

        #[doc = concat!("The read half of a borrowed [`", stringify!($stream), "`] (see [`", stringify!($stream), "::split`]).")]
        #[derive(Debug)]
        pub struct ReadHalf<'a> {
            stream: &'a $stream,
        }

        #[doc = concat!("The write half of a borrowed [`", stringify!($stream), "`] (see [`", stringify!($stream), "::split`]).")]
        #[derive(Debug)]
        pub struct WriteHalf<'a> {
            stream: &'a $stream,
        }

        impl<'a> ReadHalf<'a> {
            pub(crate) fn pair(stream: &'a mut $stream) -> (ReadHalf<'a>, WriteHalf<'a>) {
                let stream = &*stream;
                (ReadHalf { stream }, WriteHalf { stream })
            }
        }

        #[doc = concat!("The read half of a [`", stringify!($stream), "`] owned by a task (see")]
        #[doc = concat!("[`", stringify!($stream), "::into_split`]).")]
        #[derive(Debug)]
        pub struct OwnedReadHalf {
            stream: Rc<$stream>,
        }

        #[doc = concat!("The write half of a [`", stringify!($stream), "`] owned by a task (see")]
        #[doc = concat!("[`", stringify!($stream), "::into_split`]). Dropping it shuts down the write direction,")]
        /// so the peer reads end of stream (as in tokio).
        #[derive(Debug)]
        pub struct OwnedWriteHalf {
            stream: Rc<$stream>,
            shutdown_on_drop: bool,
        }

        impl OwnedReadHalf {
            pub(crate) fn pair(stream: Rc<$stream>) -> (OwnedReadHalf, OwnedWriteHalf) {
                let write = OwnedWriteHalf { stream: Rc::clone(&stream), shutdown_on_drop: true };
                (OwnedReadHalf { stream }, write)
            }

            /// Puts the stream back together; fails (handing both halves back) if
            /// they come from different streams.
            #[inline]
            pub fn reunite(self, other: OwnedWriteHalf) -> Result<$stream, ReuniteError> {
                reunite(self, other)
            }
        }

        impl OwnedWriteHalf {
            /// Drops this half without shutting down the write direction
            /// (which dropping it does otherwise).
            pub fn forget(mut self) {
                self.shutdown_on_drop = false;
            }

            /// Puts the stream back together, like [`OwnedReadHalf::reunite`].
            #[inline]
            pub fn reunite(self, other: OwnedReadHalf) -> Result<$stream, ReuniteError> {
                reunite(other, self)
            }
        }

        fn reunite(read: OwnedReadHalf, mut write: OwnedWriteHalf) -> Result<$stream, ReuniteError> {
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
                f.write_str(concat!("tried to reunite halves that are not from the same ", stringify!($stream)))
            }
        }

        impl Error for ReuniteError {}

        crate::halves::read_half_methods!($stream, $std, $addr, ReadHalf<'_>);
        crate::halves::read_half_methods!($stream, $std, $addr, OwnedReadHalf);
        crate::halves::write_half_methods!($stream, $std, $addr, WriteHalf<'_>);
        crate::halves::write_half_methods!($stream, $std, $addr, OwnedWriteHalf);
        crate::halves::half_methods!($std, $addr, ReadHalf<'_>, OwnedReadHalf, WriteHalf<'_>, OwnedWriteHalf);
        crate::readiness::ready_method!(ReadHalf<'_>, OwnedReadHalf, WriteHalf<'_>, OwnedWriteHalf);
    };
}

/// The read methods, the same on both read halves.
macro_rules! read_half_methods {
    ($stream:ident, $std:ty, $addr:ty, $ty:ty) => {
        impl $ty {
            #[doc = concat!("Reads into `buf`; `Ok(0)` at end of stream. See [`", stringify!($stream), "::read`].")]
            pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                stream_io::read(self.fd(), buf).await
            }

            #[doc = concat!("Reads exactly `buf.len()` bytes. See [`", stringify!($stream), "::read_exact`].")]
            pub async fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
                stream_io::read_exact(self.fd(), buf).await
            }

            #[doc = concat!("Reads once if data is ready. See [`", stringify!($stream), "::try_read`].")]
            pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
                self.stream.try_read(buf)
            }

            /// Waits until a read may make progress.
            pub async fn readable(&self) -> io::Result<()> {
                self.stream.readable().await
            }

            /// Reads once into `bufs`, in order, if data is ready.
            pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
                self.stream.try_read_vectored(bufs)
            }
        }
    };
}

/// The write methods, the same on both write halves.
macro_rules! write_half_methods {
    ($stream:ident, $std:ty, $addr:ty, $ty:ty) => {
        impl $ty {
            #[doc = concat!("Writes some of `buf`. See [`", stringify!($stream), "::write`].")]
            pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                stream_io::write(self.fd(), buf).await
            }

            /// Writes all of `buf`.
            pub async fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
                stream_io::write_all(self.fd(), buf).await
            }

            #[doc = concat!("Writes once if the socket can take data. See [`", stringify!($stream), "::try_write`].")]
            pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
                self.stream.try_write(buf)
            }

            /// Waits until a write may make progress.
            pub async fn writable(&self) -> io::Result<()> {
                self.stream.writable().await
            }

            /// Writes `bufs` in order with one system call if the socket can take data.
            pub fn try_write_vectored(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
                self.stream.try_write_vectored(bufs)
            }

            /// Writes some of `bufs`, in order, with one system call.
            pub async fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
                stream_io::write_vectored(self.fd(), bufs).await
            }

            /// Shuts down the write direction: the peer reads end of stream;
            /// the read half goes on reading.
            pub fn shutdown(&self) -> io::Result<()> {
                self.stream.shutdown(Shutdown::Write)
            }
        }
    };
}

/// The methods every half has.
macro_rules! half_methods {
    ($std:ty, $addr:ty, $($ty:ty),*) => {$(
        impl $ty {
            /// The stream's local address.
            pub fn local_addr(&self) -> io::Result<$addr> {
                self.stream.local_addr()
            }

            /// The stream's peer address.
            pub fn peer_addr(&self) -> io::Result<$addr> {
                self.stream.peer_addr()
            }

            pub(crate) fn fd(&self) -> &AsyncFd<$std> {
                self.stream.fd()
            }
        }
    )*};
}

pub(crate) use {half_methods, read_half_methods, stream_halves, write_half_methods};
