//! `UdpSocket`: datagrams sent and received with awaited readiness.
//!
//! Every method takes `&self` (as in tokio): a datagram socket has no
//! stream position, so one task may receive while another sends. Unlike a
//! stream, a short `recv` says nothing about what else is queued, so
//! readiness is cleared only on `WouldBlock`.

use std::fmt;
use std::future::ready;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use runtime::io::AsyncFd;

use crate::addr::{self, ToSocketAddrs};
use crate::sys::{self, Family, Kind, SockAddr};

mod poll;

/// A UDP socket.
///
/// ```
/// # runtime::block_on(async {
/// let a = net::UdpSocket::bind("127.0.0.1:0").await?;
/// let b = net::UdpSocket::bind("127.0.0.1:0").await?;
/// a.send_to(b"hi", b.local_addr()?).await?;
/// let mut buf = [0; 16];
/// let (n, from) = b.recv_from(&mut buf).await?;
/// assert_eq!((&buf[..n], from), (&b"hi"[..], a.local_addr()?));
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct UdpSocket {
    fd: AsyncFd<std::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds to `addr` (port 0 picks a free port), trying each address it
    /// resolves to in order.
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        addr::try_each(&addr, "bind to", |a| ready(Self::bind_addr(a))).await
    }

    /// Like [`bind`](Self::bind), with `SO_REUSEADDR` and `SO_REUSEPORT`
    /// set: several sockets (typically one per runtime) may bind the same
    /// address and port. On Linux (and FreeBSD, where this sets
    /// `SO_REUSEPORT_LB`) each datagram goes to one socket by a hash of its
    /// addresses and ports, so one sender's datagrams always reach the same
    /// socket; on macOS and the other BSDs datagrams to a unicast address
    /// reach one socket only. See
    /// [`TcpListener::bind_reuseport`](crate::TcpListener::bind_reuseport).
    ///
    /// ```
    /// # runtime::block_on(async {
    /// let a = net::UdpSocket::bind_reuseport("127.0.0.1:0").await?;
    /// let b = net::UdpSocket::bind_reuseport(a.local_addr()?).await?;
    /// assert_eq!(a.local_addr()?, b.local_addr()?);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn bind_reuseport(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        addr::try_each(&addr, "bind (SO_REUSEPORT) to", |a| ready(Self::bind_addr_with(a, true))).await
    }

    fn bind_addr(addr: SocketAddr) -> io::Result<UdpSocket> {
        Self::bind_addr_with(addr, false)
    }

    fn bind_addr_with(addr: SocketAddr, reuseport: bool) -> io::Result<UdpSocket> {
        let socket = sys::socket(Family::of(&addr), Kind::Datagram)?;
        if reuseport {
            sys::set_reuseaddr(socket.as_fd())?;
            sys::set_flag(socket.as_fd(), sys::name::SOCKET, sys::name::REUSEPORT_SPREAD, true)?;
        }
        sys::bind(socket.as_fd(), &SockAddr::from_inet(&addr))?;
        Ok(UdpSocket { fd: AsyncFd::new(socket.into())? })
    }

    /// Sets the default destination for [`send`](Self::send) and the only
    /// source [`recv`](Self::recv) accepts, trying each address `addr`
    /// resolves to in order.
    pub async fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        let socket = self.fd.get_ref();
        addr::try_each(&addr, "connect to", |a| ready(socket.connect(a))).await
    }

    /// Sends `buf` to the connected peer; returns the bytes sent.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.fd.write_with(|s| s.send(buf)).await
    }

    /// Receives a datagram from the connected peer into `buf` (the rest of a
    /// longer datagram is dropped).
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.fd.read_with(|s| s.recv(buf)).await
    }

    /// Sends `buf` to `target` (its first address, if it names several).
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let target = addr::resolve(&target).await?;
        let target = *target.first().ok_or_else(addr::no_addresses)?;
        self.fd.write_with(|s| s.send_to(buf, target)).await
    }

    /// Receives a datagram and the address it came from.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.fd.read_with(|s| s.recv_from(buf)).await
    }

    /// Like [`recv_from`](Self::recv_from), leaving the datagram queued.
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.fd.read_with(|s| s.peek_from(buf)).await
    }

    /// Sends once if the socket can take it; `WouldBlock` if not.
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.fd.try_write_with(|s| s.send(buf))
    }

    /// Receives once if a datagram is queued; `WouldBlock` if not.
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.fd.try_read_with(|s| s.recv(buf))
    }

    /// Waits until a receive may make progress. May wake spuriously.
    pub async fn readable(&self) -> io::Result<()> {
        self.fd.readable().await.map(drop)
    }

    /// Waits until a send may make progress. May wake spuriously.
    pub async fn writable(&self) -> io::Result<()> {
        self.fd.writable().await.map(drop)
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.fd.get_ref().local_addr()
    }

    /// The connected peer's address (`NotConnected` if none).
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.fd.get_ref().peer_addr()
    }

    /// Sets `SO_BROADCAST`.
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.fd.get_ref().set_broadcast(on)
    }

    /// Takes the pending socket error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.fd.get_ref().take_error()
    }

    /// Wraps a std socket, switching it to nonblocking mode.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        socket.set_nonblocking(true)?;
        Ok(UdpSocket { fd: AsyncFd::new(socket)? })
    }

    /// Deregisters the socket and returns it as a std socket, still in
    /// nonblocking mode.
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        Ok(self.fd.into_inner())
    }
}

impl AsRawFd for UdpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for UdpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.get_ref().as_fd()
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket").field("fd", &self.as_raw_fd()).field("local", &self.local_addr().ok()).finish()
    }
}
