//! `futures_io::AsyncRead` and `AsyncWrite` for the stream types and their
//! halves (feature `futures-io`, on by default): every impl is here, so the
//! feature gate is one line in `lib.rs`.
//!
//! With them, runtime-agnostic code works unchanged: `futures::io::copy`,
//! `BufReader`, `AsyncReadExt::read_to_end`, codecs, TLS and WebSocket
//! crates. The impls call the same `stream_io` functions as the inherent
//! `read` and `write`, so they follow the same readiness policy.
//! `poll_flush` has nothing to do in readiness mode (there is no
//! user-space buffer) and waits for the queued bytes in completion mode
//! (`docs/URING.md`, "Send"); `poll_close` flushes, then shuts down the
//! write direction (`Ok` if the peer already reset the connection, as the
//! inherent `shutdown`).

//!
//! Beware `AsyncReadExt::split`: with that trait in scope, `stream.split()`
//! is the trait's by-value split, not the inherent borrowed one (see "The
//! `split` trap" on `TcpStream::split`).

use std::io;
use std::net::Shutdown;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};

use crate::stream_io;
#[cfg(feature = "tcp")]
use crate::tcp;
#[cfg(feature = "unix")]
use crate::unix;

macro_rules! async_read {
    ($($ty:ty),*) => {$(
        impl AsyncRead for $ty {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                stream_io::poll_read(self.fd(), cx, buf)
            }
        }
    )*};
}

macro_rules! async_write {
    ($($ty:ty => |$s:ident| $close:expr;)*) => {$(
        impl AsyncWrite for $ty {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                stream_io::poll_write(self.fd(), cx, buf)
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[io::IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                stream_io::poll_write_vectored(self.fd(), cx, bufs)
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                stream_io::poll_flush(self.fd(), cx)
            }

            fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                std::task::ready!(stream_io::poll_flush(self.fd(), cx))?;
                let $s = &*self;
                Poll::Ready($close)
            }
        }
    )*};
}

#[cfg(feature = "tcp")]
async_read!(tcp::TcpStream, tcp::ReadHalf<'_>, tcp::OwnedReadHalf);
#[cfg(feature = "unix")]
async_read!(unix::UnixStream, unix::ReadHalf<'_>, unix::OwnedReadHalf);

#[cfg(feature = "tcp")]
async_write! {
    tcp::TcpStream => |s| s.shutdown(Shutdown::Write);
    tcp::WriteHalf<'_> => |s| s.shutdown();
    tcp::OwnedWriteHalf => |s| s.shutdown();
}

#[cfg(feature = "unix")]
async_write! {
    unix::UnixStream => |s| s.shutdown(Shutdown::Write);
    unix::WriteHalf<'_> => |s| s.shutdown();
    unix::OwnedWriteHalf => |s| s.shutdown();
}
