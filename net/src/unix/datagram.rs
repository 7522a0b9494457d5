//! `UnixDatagram`: Unix datagram sockets, bound to a path, unbound, or one
//! of a connected pair.
//!
//! Like `UdpSocket`, every method takes `&self` and readiness is cleared
//! only on `WouldBlock` (a short datagram says nothing about the queue).
//! `connect` is synchronous, as for std and tokio: there is no name to
//! resolve and a datagram connect does not wait for the peer.

use std::fmt;
use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::task::{Context, Poll};

use runtime::io::{AsyncFd, WaitId};

use crate::sys::{self, Family, Kind, SockAddr};

type StdUnixDatagram = std::os::unix::net::UnixDatagram;

/// A Unix datagram socket.
///
/// ```
/// # runtime::block_on(async {
/// let (a, b) = net::UnixDatagram::pair()?;
/// a.send(b"hi").await?;
/// let mut buf = [0; 8];
/// let n = b.recv(&mut buf).await?;
/// assert_eq!(&buf[..n], b"hi");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct UnixDatagram {
    fd: AsyncFd<StdUnixDatagram>,
}

impl UnixDatagram {
    /// A socket bound to `path` (which must not exist yet). On Linux and
    /// Android a path that starts with a NUL byte (`"\0name"`) names an
    /// abstract socket, here and in `connect` and `send_to`.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixDatagram> {
        let path = path.as_ref();
        let bind = || {
            let socket = sys::socket(Family::Unix, Kind::Datagram)?;
            sys::bind(socket.as_fd(), &SockAddr::from_path(path)?)?;
            UnixDatagram::from_socket(socket.into())
        };
        bind().map_err(|e| io::Error::new(e.kind(), format!("bind to {path:?}: {e}")))
    }

    /// A socket bound to no address: it can send (with `send_to`, or after
    /// `connect`) but nobody can address a reply to it.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::from_socket(sys::socket(Family::Unix, Kind::Datagram)?.into())
    }

    /// A connected pair of sockets.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = sys::socketpair(Kind::Datagram)?;
        let (a, b) = (UnixDatagram::from_socket(a.into())?, UnixDatagram::from_socket(b.into())?);
        // A fresh pair's buffers are empty: writable now (queries too, as in
        // tokio), readable only once the peer sends.
        a.fd.mark_ready(runtime::io::Ready::WRITABLE);
        b.fd.mark_ready(runtime::io::Ready::WRITABLE);
        Ok((a, b))
    }

    pub(crate) fn from_socket(socket: StdUnixDatagram) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram { fd: AsyncFd::new(socket)? })
    }

    /// Sets the default destination for [`send`](Self::send) and the only
    /// source [`recv`](Self::recv) accepts.
    pub fn connect(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref();
        let context = |e: io::Error| io::Error::new(e.kind(), format!("connect to {path:?}: {e}"));
        let addr = crate::addr::unix_addr(path).map_err(context)?;
        self.fd.get_ref().connect_addr(&addr).map_err(context)
    }

    /// Sends `buf` to the connected peer.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.fd.write_with(|s| s.send(buf)).await
    }

    /// Receives a datagram from the connected peer.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.fd.read_with(|s| s.recv(buf)).await
    }

    /// Sends `buf` to the socket bound at `path`.
    pub async fn send_to(&self, buf: &[u8], path: impl AsRef<Path>) -> io::Result<usize> {
        let path = path.as_ref();
        let addr = crate::addr::unix_addr(path)?;
        self.fd.write_with(|s| s.send_to_addr(buf, &addr)).await
    }

    /// Receives a datagram and the address of its sender.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.fd.read_with(|s| s.recv_from(buf)).await
    }

    /// Sends once if the socket can take it; `WouldBlock` if not.
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.fd.try_write_with(|s| s.send(buf))
    }

    /// Receives once if a datagram is queued; `WouldBlock` if not.
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.fd.try_read_with(|s| s.recv(buf))
    }

    /// Sends `buf` to the socket bound at `path` once if the socket can take
    /// it; `WouldBlock` if not.
    pub fn try_send_to(&self, buf: &[u8], path: impl AsRef<Path>) -> io::Result<usize> {
        self.fd.try_write_with(|s| s.send_to(buf, path.as_ref()))
    }

    /// Receives a datagram and its sender once if one is queued; `WouldBlock` if not.
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.fd.try_read_with(|s| s.recv_from(buf))
    }

    /// Polls to send `buf` to the connected peer: `Ready(Ok(n))` when sent,
    /// `Pending` until the socket can take it (the task is woken then).
    ///
    /// ```
    /// use std::future::poll_fn;
    /// # runtime::block_on(async {
    /// let (a, b) = net::UnixDatagram::pair()?;
    /// poll_fn(|cx| a.poll_send(cx, b"hi")).await?;
    /// let mut buf = [0; 8];
    /// let n = poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;
    /// assert_eq!(&buf[..n], b"hi");
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.fd.poll_write_with(cx, |s| s.send(buf))
    }

    /// Polls to receive a datagram from the connected peer into `buf`:
    /// `Ready(Ok(n))` with its length (what fits), `Pending` until one is queued.
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.fd.poll_read_with(cx, |s| s.recv(buf))
    }

    /// `poll_recv` for a future that keeps its registration's identity.
    pub(crate) fn poll_recv_in(
        &self,
        cx: &mut Context<'_>,
        wait: &mut WaitId,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.fd.poll_read_io(cx, Some(wait), |s| s.recv(buf))
    }

    /// Polls to send `buf` to the socket bound at `path`.
    pub fn poll_send_to(&self, cx: &mut Context<'_>, buf: &[u8], path: impl AsRef<Path>) -> Poll<io::Result<usize>> {
        self.fd.poll_write_with(cx, |s| s.send_to(buf, path.as_ref()))
    }

    /// Polls to receive a datagram and its sender.
    pub fn poll_recv_from(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.fd.poll_read_with(cx, |s| s.recv_from(buf))
    }

    /// `poll_recv_from` for a future that keeps its registration's identity.
    pub(crate) fn poll_recv_from_in(
        &self,
        cx: &mut Context<'_>,
        wait: &mut WaitId,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.fd.poll_read_io(cx, Some(wait), |s| s.recv_from(buf))
    }

    /// Polls for receive readiness; never spends the cooperative budget.
    pub fn poll_recv_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.fd.poll_read_ready(cx).map_ok(drop)
    }

    /// Polls for send readiness; never spends the cooperative budget.
    pub fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.fd.poll_write_ready(cx).map_ok(drop)
    }

    pub(crate) fn fd(&self) -> &AsyncFd<StdUnixDatagram> {
        &self.fd
    }

    /// Waits until a receive may make progress. May wake spuriously.
    pub async fn readable(&self) -> io::Result<()> {
        self.fd.readable().await.map(drop)
    }

    /// Waits until a send may make progress. May wake spuriously.
    pub async fn writable(&self) -> io::Result<()> {
        self.fd.writable().await.map(drop)
    }

    /// Shuts down the read, write or both directions.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.fd.get_ref().shutdown(how)
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.fd.get_ref().local_addr()
    }

    /// The connected peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.fd.get_ref().peer_addr()
    }

    /// Takes the pending socket error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.fd.get_ref().take_error()
    }

    /// Wraps a std socket, switching it to nonblocking mode.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn from_std(socket: StdUnixDatagram) -> io::Result<UnixDatagram> {
        socket.set_nonblocking(true)?;
        UnixDatagram::from_socket(socket)
    }

    /// Deregisters the socket and returns it as a std socket, still in
    /// nonblocking mode.
    pub fn into_std(self) -> io::Result<StdUnixDatagram> {
        Ok(self.fd.into_inner())
    }
}

crate::readiness::ready_method!(UnixDatagram);
crate::readiness::io_methods!(UnixDatagram);

impl AsRawFd for UnixDatagram {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for UnixDatagram {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.get_ref().as_fd()
    }
}

impl fmt::Debug for UnixDatagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixDatagram").field("fd", &self.as_raw_fd()).field("local", &self.local_addr().ok()).finish()
    }
}
