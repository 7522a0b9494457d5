//! hyper 1.x on this runtime (feature `hyper`, off by default): its
//! `hyper::rt::Read` and `Write` for [`TcpStream`] and [`UnixStream`], an
//! [`Executor`] that spawns on the current runtime, and a [`Timer`] on
//! [`runtime::time::sleep`]. Every hyper trait impl is in this one file.
//!
//! The feature is off by default because hyper is a large dependency that
//! most users of `net` do not need; with it off `net` does not depend on
//! hyper at all.
//!
//! ```
//! use std::convert::Infallible;
//! use bytes::Bytes;
//! use http_body_util::{BodyExt, Empty, Full};
//! use hyper::{Request, Response};
//!
//! # runtime::block_on(async {
//! let listener = net::TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! runtime::spawn(async move {
//!     let (stream, _) = listener.accept().await.unwrap();
//!     let service = hyper::service::service_fn(|_req: Request<hyper::body::Incoming>| async {
//!         Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"hello"))))
//!     });
//!     hyper::server::conn::http1::Builder::new()
//!         .timer(net::hyper::Timer)
//!         .serve_connection(stream, service)
//!         .await
//!         .unwrap();
//! });
//!
//! let stream = net::TcpStream::connect(addr).await?;
//! let (mut client, conn) = hyper::client::conn::http1::handshake(stream).await.unwrap();
//! runtime::spawn(conn);
//! let request = Request::get("/").header("host", "test").body(Empty::<Bytes>::new()).unwrap();
//! let response = client.send_request(request).await.unwrap();
//! let body = response.into_body().collect().await.unwrap().to_bytes();
//! assert_eq!(&body[..], b"hello");
//! # std::io::Result::Ok(()) }).unwrap();
//! ```
//!
//! Reads go straight into hyper's buffer: `read(2)` fills its unfilled
//! (possibly uninitialised) part in place, behind one small function in
//! `net`'s `sys` module, so nothing is zeroed or copied on the way.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use ::hyper::rt::{self, ReadBufCursor};

#[cfg(any(feature = "tcp", feature = "unix"))]
use crate::stream_io;

// `poll_read` and `poll_write_vectored` are the two calls of every request
// (hyper's `Buffered` reads and flushes through them): inlined into hyper's
// generic callers, together with the `sys` call under them, they cost no
// call frame (callgrind: 69 of the runtime's ~490 instructions per request).
macro_rules! hyper_io {
    ($($ty:ty),*) => {$(
        impl rt::Read for $ty {
            #[inline(always)]
            fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, mut buf: ReadBufCursor<'_>) -> Poll<io::Result<()>> {
                stream_io::poll_read_cursor(self.fd(), cx, &mut buf)
            }
        }

        impl rt::Write for $ty {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                stream_io::poll_write(self.fd(), cx, buf)
            }

            #[inline(always)]
            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[io::IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                stream_io::poll_write_vectored(self.fd(), cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            /// Waits for the bytes queued in completion mode (`docs/URING.md`).
            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                stream_io::poll_flush(self.fd(), cx)
            }

            /// Flushes, then shuts down the write direction (`Ok` if the
            /// peer already reset).
            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                std::task::ready!(stream_io::poll_flush(self.fd(), cx))?;
                Poll::Ready(self.shutdown(std::net::Shutdown::Write))
            }
        }
    )*};
}

#[cfg(feature = "tcp")]
hyper_io!(crate::TcpStream);
#[cfg(feature = "unix")]
hyper_io!(crate::UnixStream);

/// hyper's executor: spawns each future hyper hands it (HTTP/2 streams,
/// background connection tasks) on the current runtime with
/// [`runtime::spawn`], so the futures need not be `Send`.
///
/// # Panics
/// `execute` panics outside a runtime, as `runtime::spawn` does.
#[derive(Debug, Clone, Copy, Default)]
pub struct Executor;

impl<F> rt::Executor<F> for Executor
where
    F: Future + 'static,
    F::Output: 'static,
{
    fn execute(&self, fut: F) {
        drop(runtime::spawn(fut));
    }
}

/// hyper's timer (header-read timeouts, keep-alive timers) on
/// [`runtime::time::sleep`]. Its sleeps register with the runtime that
/// first polls them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timer;

impl rt::Timer for Timer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn rt::Sleep>> {
        Box::pin(Sleep(Box::pin(runtime::time::sleep(duration))))
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn rt::Sleep>> {
        self.sleep(deadline.saturating_duration_since(Instant::now()))
    }
}

/// A [`runtime::time::Sleep`] as hyper's `Sleep` (which must be `Send + Sync`).
struct Sleep(Pin<Box<runtime::time::Sleep>>);

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.as_mut().poll(cx)
    }
}

impl rt::Sleep for Sleep {}
