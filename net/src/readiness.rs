//! Readiness queries with tokio's names, written once for every socket
//! type: `ready(interest)` on all of them, `poll_read_ready` /
//! `poll_write_ready` on the stream types, `poll_recv_ready` /
//! `poll_send_ready` on the datagram types.
//!
//! They read the reactor's readiness through [`AsyncFd::ready`] and never
//! spend the cooperative budget: a source the reactor knows to be ready
//! answers at once, however often it is asked in one poll, so a tokio-style
//! loop of `ready(..).await` and `try_*` runs until the kernel says
//! `WouldBlock` (which clears the readiness; see `stream_io.rs`).

use std::io;
use std::os::fd::AsRawFd;

use runtime::io::{AsyncFd, Interest, Ready};

/// The states `fd` is ready in, of those `interest` asks about, once any is set.
pub(crate) async fn ready<T: AsRawFd>(fd: &AsyncFd<T>, interest: Interest) -> io::Result<Ready> {
    Ok(fd.ready(interest).await?.ready())
}

/// `ready(interest)` for each type (which has `fn fd(&self) -> &AsyncFd<_>`).
macro_rules! ready_method {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Waits until the socket is ready for any of `interest` and
            /// returns the states found (only those `interest` asks about:
            /// `READABLE`/`READ_CLOSED` for [`Interest::READABLE`](crate::Interest::READABLE),
            /// `WRITABLE`/`WRITE_CLOSED` for [`Interest::WRITABLE`](crate::Interest::WRITABLE)).
            ///
            /// Readiness may be stale: follow it with a `try_*` operation and
            /// handle `WouldBlock`, which clears it. A check never spends the
            /// cooperative budget.
            ///
            /// ```
            /// use net::{Interest, UnixStream};
            /// # runtime::block_on(async {
            /// let (a, b) = UnixStream::pair()?;
            /// b.try_write(b"hi")?;
            /// let ready = a.ready(Interest::READABLE | Interest::WRITABLE).await?;
            /// assert!(ready.is_readable() || ready.is_writable());
            /// # std::io::Result::Ok(()) }).unwrap();
            /// ```
            pub async fn ready(&self, interest: crate::Interest) -> std::io::Result<crate::Ready> {
                crate::readiness::ready(self.fd(), interest).await
            }
        }
    )*};
}

/// `poll_read_ready` and `poll_write_ready` for each stream type.
macro_rules! poll_ready_methods {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Polls for read readiness.
            ///
            /// # Return value
            /// - `Poll::Ready(Ok(()))` when a read may make progress (data, end
            ///   of stream or an error), as far as the reactor knows;
            /// - `Poll::Ready(Err(e))` with an error the driver reported;
            /// - `Poll::Pending` otherwise: the task is woken at the next read edge.
            ///
            /// Only the task of the latest call is woken. Never spends the
            /// cooperative budget.
            ///
            /// ```
            /// use std::future::poll_fn;
            /// # runtime::block_on(async {
            /// let (a, b) = net::UnixStream::pair()?;
            /// b.try_write(b"x")?;
            /// poll_fn(|cx| a.poll_read_ready(cx)).await?;
            /// poll_fn(|cx| a.poll_write_ready(cx)).await?;
            /// let mut buf = [0; 1];
            /// assert_eq!(a.try_read(&mut buf)?, 1);
            /// # std::io::Result::Ok(()) }).unwrap();
            /// ```
            #[inline]
            pub fn poll_read_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.fd().poll_read_ready(cx).map_ok(drop)
            }

            /// Polls for write readiness, like `poll_read_ready`.
            #[inline]
            pub fn poll_write_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.fd().poll_write_ready(cx).map_ok(drop)
            }
        }
    )*};
}

/// tokio's `try_io` and `async_io` for each type: run a caller's own system
/// call on the socket's fd under the reactor's readiness.
macro_rules! io_methods {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Runs `f` (typically a system call on this socket's fd that the
            /// type has no method for) once if the reactor says the socket is
            /// ready for any of `interest`; `WouldBlock` if not. If `f` says
            /// `WouldBlock`, that readiness is cleared, so `f` must say so
            /// only when the kernel did.
            ///
            /// ```
            /// use net::Interest;
            /// # runtime::block_on(async {
            /// let (a, _b) = net::UnixStream::pair()?;
            /// // Any system call on the fd; here one that needs no unsafe.
            /// let n = a.try_io(Interest::WRITABLE, || a.try_write(b"hi"))?;
            /// assert_eq!(n, 2);
            /// # std::io::Result::Ok(()) }).unwrap();
            /// ```
            pub fn try_io<R>(
                &self,
                interest: crate::Interest,
                f: impl FnOnce() -> std::io::Result<R>,
            ) -> std::io::Result<R> {
                self.fd().try_io(interest, |_| f())
            }

            /// Waits for any of `interest` and runs `f`, until `f` does not
            /// say `WouldBlock` (which clears the readiness and waits again).
            pub async fn async_io<R>(
                &self,
                interest: crate::Interest,
                mut f: impl FnMut() -> std::io::Result<R>,
            ) -> std::io::Result<R> {
                self.fd().async_io(interest, |_| f()).await
            }
        }
    )*};
}

pub(crate) use {io_methods, poll_ready_methods, ready_method};
