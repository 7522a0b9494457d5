//! `UdpSocket`'s tokio-style `try_*` and `poll_*` forms, its readiness
//! queries and its IP options.
//!
//! The poll forms take a plain `&mut [u8]` and return the length (this
//! runtime has no `ReadBuf`); like the async forms they go through
//! `AsyncFd::poll_*_with`, so they wait for readiness, retry `EINTR`, clear
//! readiness on `WouldBlock` and spend the cooperative budget only when
//! they complete. The `try_*` forms run the system call once if the reactor
//! says the socket is ready, and clear the readiness on `WouldBlock`.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsFd;
use std::task::{Context, Poll};

use runtime::io::{AsyncFd, WaitId};

use super::UdpSocket;
use crate::sys;

impl UdpSocket {
    /// Sends `buf` to `target` once if the socket can take it; `WouldBlock` if not.
    ///
    /// ```
    /// # runtime::block_on(async {
    /// let a = net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.try_send_to(b"hi", b.local_addr()?)?;
    /// b.readable().await?;
    /// let mut buf = [0; 8];
    /// let (n, from) = b.try_recv_from(&mut buf)?;
    /// assert_eq!((&buf[..n], from), (&b"hi"[..], a.local_addr()?));
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.fd.try_write_with(|s| s.send_to(buf, target))
    }

    /// Receives a datagram once if one is queued; `WouldBlock` if not.
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.fd.try_read_with(|s| s.recv_from(buf))
    }

    /// Like [`try_recv_from`](Self::try_recv_from), leaving the datagram queued.
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.fd.try_read_with(|s| s.peek_from(buf))
    }

    /// The sender of the next queued datagram, which stays queued; waits for one.
    ///
    /// ```
    /// # runtime::block_on(async {
    /// let a = net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// assert_eq!(b.peek_sender().await?, a.local_addr()?);
    /// let mut buf = [0; 8];
    /// assert_eq!(b.recv(&mut buf).await?, 2, "the datagram is still there");
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        self.fd.read_with(|s| s.peek_from(&mut []).map(|(_, from)| from)).await
    }

    /// The poll form of [`peek_sender`](Self::peek_sender).
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        self.fd.poll_read_with(cx, |s| s.peek_from(&mut []).map(|(_, from)| from))
    }

    /// The sender of the next queued datagram if one is queued; `WouldBlock` if not.
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        self.fd.try_read_with(|s| s.peek_from(&mut []).map(|(_, from)| from))
    }

    /// Receives the next datagram from the connected peer into `buf`,
    /// leaving it queued; waits for one.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.fd.read_with(|s| s.peek(buf)).await
    }

    /// Like [`peek`](Self::peek), once, if a datagram is queued; `WouldBlock` if not.
    pub fn try_peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.fd.try_read_with(|s| s.peek(buf))
    }

    /// The poll form of [`peek`](Self::peek).
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.fd.poll_read_with(cx, |s| s.peek(buf))
    }

    /// Polls to send `buf` to the connected peer.
    ///
    /// # Return value
    /// - `Poll::Ready(Ok(n))`: `n` bytes were sent;
    /// - `Poll::Ready(Err(e))`: the OS error;
    /// - `Poll::Pending`: the socket cannot take it yet (or the task's
    ///   cooperative budget is spent); the task is woken when it can.
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.fd.poll_write_with(cx, |s| s.send(buf))
    }

    /// Polls to receive a datagram from the connected peer into `buf`.
    ///
    /// # Return value
    /// - `Poll::Ready(Ok(n))`: a datagram of which `n` bytes fit in `buf`;
    /// - `Poll::Ready(Err(e))`: the OS error;
    /// - `Poll::Pending`: none is queued; the task is woken when one is.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// # runtime::block_on(async {
    /// let a = net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = net::UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// b.connect(a.local_addr()?).await?;
    /// poll_fn(|cx| a.poll_send(cx, b"hi")).await?;
    /// let mut buf = [0; 8];
    /// let n = poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;
    /// assert_eq!(&buf[..n], b"hi");
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
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

    /// Polls to send `buf` to `target`, like [`poll_send`](Self::poll_send).
    pub fn poll_send_to(&self, cx: &mut Context<'_>, buf: &[u8], target: SocketAddr) -> Poll<io::Result<usize>> {
        self.fd.poll_write_with(cx, |s| s.send_to(buf, target))
    }

    /// Polls to receive a datagram and its sender, like [`poll_recv`](Self::poll_recv).
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

    /// Polls to read the next datagram and its sender without taking it.
    pub fn poll_peek_from(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.fd.poll_read_with(cx, |s| s.peek_from(buf))
    }

    /// Polls for receive readiness: `Ready(Ok(()))` when a receive may make
    /// progress; `Pending` otherwise (the task is woken at the next edge).
    /// Never spends the cooperative budget.
    pub fn poll_recv_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.fd.poll_read_ready(cx).map_ok(drop)
    }

    /// Polls for send readiness, like [`poll_recv_ready`](Self::poll_recv_ready).
    pub fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.fd.poll_write_ready(cx).map_ok(drop)
    }

    /// Sets the IP time-to-live (`IP_TTL`) of outgoing datagrams.
    ///
    /// ```
    /// # runtime::block_on(async {
    /// let socket = net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_ttl(7)?;
    /// assert_eq!(socket.ttl()?, 7);
    /// socket.set_tos(0x10)?;
    /// assert_eq!(socket.tos()?, 0x10);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.fd.get_ref().set_ttl(ttl)
    }

    /// The IP time-to-live (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u32> {
        self.fd.get_ref().ttl()
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

    /// Whether `SO_BROADCAST` is set.
    pub fn broadcast(&self) -> io::Result<bool> {
        self.fd.get_ref().broadcast()
    }

    /// Joins an IPv4 multicast group on the interface with address `interface`.
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.fd.get_ref().join_multicast_v4(&multiaddr, &interface)
    }

    /// Joins an IPv6 multicast group on interface number `interface` (0: any).
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.fd.get_ref().join_multicast_v6(multiaddr, interface)
    }

    /// Leaves an IPv4 multicast group.
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.fd.get_ref().leave_multicast_v4(&multiaddr, &interface)
    }

    /// Leaves an IPv6 multicast group.
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.fd.get_ref().leave_multicast_v6(multiaddr, interface)
    }

    /// Sets `IP_MULTICAST_LOOP`.
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.fd.get_ref().set_multicast_loop_v4(on)
    }

    /// Whether `IP_MULTICAST_LOOP` is set.
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.fd.get_ref().multicast_loop_v4()
    }

    /// Sets `IPV6_MULTICAST_LOOP`.
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.fd.get_ref().set_multicast_loop_v6(on)
    }

    /// Whether `IPV6_MULTICAST_LOOP` is set.
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.fd.get_ref().multicast_loop_v6()
    }

    /// Sets `IP_MULTICAST_TTL`.
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.fd.get_ref().set_multicast_ttl_v4(ttl)
    }

    /// The `IP_MULTICAST_TTL`.
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.fd.get_ref().multicast_ttl_v4()
    }

    /// The registered socket, for the readiness queries.
    pub(crate) fn fd(&self) -> &AsyncFd<std::net::UdpSocket> {
        &self.fd
    }
}

crate::readiness::ready_method!(UdpSocket);
crate::readiness::io_methods!(UdpSocket);
