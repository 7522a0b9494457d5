//! `TcpSocket`: a TCP socket not yet connected or listening, for setting
//! options first (tokio's type and method names).
//!
//! It is a plain fd, not registered with any reactor, so it is `Send` and
//! may be made on any thread; [`connect`](TcpSocket::connect) and
//! [`listen`](TcpSocket::listen) register it with the current runtime and
//! turn it into a [`TcpStream`] or a [`TcpListener`]. The options are
//! `setsockopt(2)` calls made at once.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::time::Duration;

use super::{TcpListener, TcpStream};
use crate::stream_io;
use crate::sys::libc;
use crate::sys::{self, name, Connect, Family, Kind, SockAddr};

/// A TCP socket to configure before it connects or listens.
///
/// Two runtimes, for example on two threads, can listen on one port with
/// `SO_REUSEPORT`; the kernel spreads the connections between them.
///
/// ```
/// # runtime::block_on(async {
/// let socket = net::TcpSocket::new_v4()?;
/// socket.set_reuseaddr(true)?;
/// socket.set_reuseport(true)?;
/// socket.bind("127.0.0.1:0".parse().unwrap())?;
/// let listener = socket.listen(128)?;
///
/// let client = net::TcpSocket::new_v4()?;
/// client.set_nodelay(true)?;
/// let stream = client.connect(listener.local_addr()?).await?;
/// assert!(stream.nodelay()?);
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct TcpSocket {
    /// A TCP socket, nonblocking and close-on-exec, never connected by std:
    /// std's type is only the holder that gives addresses and errors.
    inner: std::net::TcpStream,
}

impl TcpSocket {
    /// A new IPv4 TCP socket.
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(Family::Inet)
    }

    /// A new IPv6 TCP socket.
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(Family::Inet6)
    }

    fn new(family: Family) -> io::Result<TcpSocket> {
        Ok(TcpSocket { inner: sys::socket(family, Kind::Stream)?.into() })
    }

    /// Sets `SO_KEEPALIVE`.
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        sys::set_flag(self.as_fd(), name::SOCKET, name::KEEPALIVE, keepalive)
    }

    /// Whether `SO_KEEPALIVE` is set.
    pub fn keepalive(&self) -> io::Result<bool> {
        sys::flag(self.as_fd(), name::SOCKET, name::KEEPALIVE)
    }

    /// Sets `SO_REUSEADDR`: bind to a port whose old connections linger in `TIME_WAIT`.
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        sys::set_flag(self.as_fd(), name::SOCKET, name::REUSEADDR, reuseaddr)
    }

    /// Whether `SO_REUSEADDR` is set.
    pub fn reuseaddr(&self) -> io::Result<bool> {
        sys::flag(self.as_fd(), name::SOCKET, name::REUSEADDR)
    }

    /// Sets `SO_REUSEPORT`: several sockets, each with it set, may bind the
    /// same address and port; the kernel spreads incoming connections
    /// between them (on Linux; on the BSDs the last bound gets them).
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        sys::set_flag(self.as_fd(), name::SOCKET, name::REUSEPORT, reuseport)
    }

    /// Whether `SO_REUSEPORT` is set.
    pub fn reuseport(&self) -> io::Result<bool> {
        sys::flag(self.as_fd(), name::SOCKET, name::REUSEPORT)
    }

    /// Sets `SO_SNDBUF`, the send buffer size (the kernel may round or double it).
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        sys::set_u32(self.as_fd(), name::SOCKET, name::SNDBUF, size)
    }

    /// The send buffer size (`SO_SNDBUF`) the kernel uses.
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        sys::get_u32(self.as_fd(), name::SOCKET, name::SNDBUF)
    }

    /// Sets `SO_RCVBUF`, the receive buffer size (the kernel may round or double it).
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        sys::set_u32(self.as_fd(), name::SOCKET, name::RCVBUF, size)
    }

    /// The receive buffer size (`SO_RCVBUF`) the kernel uses.
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        sys::get_u32(self.as_fd(), name::SOCKET, name::RCVBUF)
    }

    /// Sets `SO_LINGER` (see [`TcpStream::set_linger`]). Deprecated as in
    /// tokio: a non-zero linger makes the drop block the thread;
    /// [`set_zero_linger`](Self::set_zero_linger) does not.
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        sys::set_linger(self.as_fd(), dur)
    }

    /// `set_linger(Some(Duration::ZERO))`: closing resets the connection.
    pub fn set_zero_linger(&self) -> io::Result<()> {
        sys::set_linger(self.as_fd(), Some(Duration::ZERO))
    }

    /// The `SO_LINGER` setting.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        sys::linger(self.as_fd())
    }

    /// Sets `TCP_NODELAY` (the connected stream keeps it).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.nodelay()
    }

    /// Sets the IPv4 type-of-service byte (`IP_TOS`). IPv4 sockets only.
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        sys::set_tos(self.as_fd(), tos)
    }

    /// The IPv4 type-of-service byte (`IP_TOS`).
    pub fn tos(&self) -> io::Result<u32> {
        sys::tos(self.as_fd())
    }

    /// [`set_tos`](Self::set_tos), by tokio's newer name.
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.set_tos(tos)
    }

    /// [`tos`](Self::tos), by tokio's newer name.
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.tos()
    }

    /// Sets the IPv6 traffic class (`IPV6_TCLASS`). IPv6 sockets only.
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        sys::set_tclass_v6(self.as_fd(), tclass)
    }

    /// The IPv6 traffic class (`IPV6_TCLASS`).
    pub fn tclass_v6(&self) -> io::Result<u32> {
        sys::tclass_v6(self.as_fd())
    }

    /// The local address (after `bind`, or the one `connect` picked).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    /// Takes the pending socket error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    /// Binds the socket to `addr` (port 0 picks a free port).
    ///
    /// # Errors
    /// The OS error's kind (`AddrInUse`, ...), with a message naming `addr`.
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        let context = |e: io::Error| io::Error::new(e.kind(), format!("bind to {addr}: {e}"));
        sys::bind(self.as_fd(), &SockAddr::from_inet(&addr)).map_err(context)
    }

    /// Connects to `addr` and returns the stream, registered with the
    /// current runtime.
    ///
    /// # Errors
    /// The OS error's kind (`ConnectionRefused`, ...), with a message naming `addr`.
    ///
    /// # Panics
    /// Outside a runtime.
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        let context = |e: io::Error| io::Error::new(e.kind(), format!("connect to {addr}: {e}"));
        let status = sys::connect(self.as_fd(), &SockAddr::from_inet(&addr)).map_err(context)?;
        let stream = TcpStream::from_socket(self.inner)?;
        if status == Connect::InProgress {
            stream_io::finish_connect(stream.fd()).await.map_err(context)?;
        }
        Ok(stream)
    }

    /// Starts listening with room for `backlog` pending connections (capped
    /// by the kernel) and returns the listener, registered with the current
    /// runtime.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        let backlog = libc::c_int::try_from(backlog).unwrap_or(libc::c_int::MAX);
        sys::listen(self.as_fd(), backlog)?;
        TcpListener::from_socket(OwnedFd::from(self.inner).into())
    }

    /// Wraps a std stream's socket (typically a fresh, unconnected one made
    /// elsewhere, for example with socket2) as a `TcpSocket`. It is used as
    /// it is: it must already be in nonblocking mode.
    pub fn from_std_stream(stream: std::net::TcpStream) -> TcpSocket {
        TcpSocket { inner: stream }
    }

    /// Wraps an owned fd; `connect` and `listen` need it nonblocking.
    pub(crate) fn from_owned(fd: OwnedFd) -> TcpSocket {
        TcpSocket { inner: fd.into() }
    }
}

impl AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for TcpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl IntoRawFd for TcpSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}

impl From<OwnedFd> for TcpSocket {
    fn from(fd: OwnedFd) -> TcpSocket {
        TcpSocket::from_owned(fd)
    }
}

impl From<TcpSocket> for OwnedFd {
    fn from(socket: TcpSocket) -> OwnedFd {
        socket.inner.into()
    }
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpSocket").field("fd", &self.as_raw_fd()).field("local", &self.local_addr().ok()).finish()
    }
}
