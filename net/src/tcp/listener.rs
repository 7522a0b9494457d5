//! `TcpListener`: a listening TCP socket whose `accept` is awaited.
//!
//! `bind` creates the socket nonblocking and close-on-exec, sets
//! `SO_REUSEADDR` (as std does) and listens with a backlog of 1024 (capped
//! by the kernel). Accepted sockets come from `accept4` with the same flags.
//! `accept` hands every error to the caller, `EMFILE` and `ENFILE`
//! included: what to do then (back off, shed load) is the server's choice;
//! the examples' accept loops show one.

use std::fmt;
use std::future::ready;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{Context, Poll};

use runtime::io::{AsyncFd, WaitId};

use super::TcpStream;
use crate::addr::{self, ToSocketAddrs};
use crate::sys::{self, Family, Kind, SockAddr};

/// A TCP socket listening for connections.
///
/// ```
/// # runtime::block_on(async {
/// let listener = net::TcpListener::bind("127.0.0.1:0").await?;
/// let addr = listener.local_addr()?;
/// let client = net::TcpStream::connect(addr).await?;
/// let (server, peer) = listener.accept().await?;
/// assert_eq!(peer, client.local_addr()?);
/// assert_eq!(server.local_addr()?, addr);
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct TcpListener {
    fd: AsyncFd<std::net::TcpListener>,
}

impl TcpListener {
    /// Binds to `addr` (port 0 picks a free port), trying each address it
    /// resolves to in order, and starts listening.
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        addr::try_each(&addr, "bind to", |a| ready(Self::bind_addr(a))).await
    }

    /// Like [`bind`](Self::bind), with `SO_REUSEPORT` set as well: several
    /// listeners (typically one per runtime of a [`runtime::Pool`]) may bind
    /// the same address and port, in this process or, by the same user, in
    /// others. Every listener of the group must be bound this way, the first
    /// included: bind it to port 0, then the others to the port it got.
    ///
    /// How the OS spreads the connections over the group:
    ///
    /// - **Linux** (3.9 and later), `SO_REUSEPORT`: each new connection goes
    ///   to one listener by a hash of its addresses and ports. Many clients
    ///   spread evenly; the hash knows nothing of load, so a busy runtime
    ///   keeps receiving its share. Each listener has its own accept queue,
    ///   and connections still queued on a listener when it closes are
    ///   reset: stop accepting on every runtime at once, as a `Pool` does.
    /// - **FreeBSD** (12 and later): this sets `SO_REUSEPORT_LB` instead,
    ///   which spreads by the same kind of hash, over at most 256 sockets.
    /// - **macOS, iOS, OpenBSD, NetBSD, DragonFly** (`SO_REUSEPORT` only):
    ///   the listeners may all bind, but the one bound **last takes every new
    ///   connection** and the others accept none. There, run one listener
    ///   and hand connections to other runtimes through their `Handle`s.
    ///
    /// ```
    /// # runtime::block_on(async {
    /// let a = net::TcpListener::bind_reuseport("127.0.0.1:0").await?;
    /// let b = net::TcpListener::bind_reuseport(a.local_addr()?).await?;
    /// assert_eq!(a.local_addr()?, b.local_addr()?);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`bind`](Self::bind); `AddrInUse` if a socket already bound to
    /// the address did not set the option (or belongs to another user).
    pub async fn bind_reuseport(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        addr::try_each(&addr, "bind (SO_REUSEPORT) to", |a| ready(Self::bind_addr_with(a, true))).await
    }

    fn bind_addr(addr: SocketAddr) -> io::Result<TcpListener> {
        Self::bind_addr_with(addr, false)
    }

    fn bind_addr_with(addr: SocketAddr, reuseport: bool) -> io::Result<TcpListener> {
        let socket = sys::socket(Family::of(&addr), Kind::Stream)?;
        sys::set_reuseaddr(socket.as_fd())?;
        if reuseport {
            sys::set_flag(socket.as_fd(), sys::name::SOCKET, sys::name::REUSEPORT_SPREAD, true)?;
        }
        sys::bind(socket.as_fd(), &SockAddr::from_inet(&addr))?;
        sys::listen(socket.as_fd(), sys::BACKLOG)?;
        Ok(TcpListener { fd: AsyncFd::new(socket.into())? })
    }

    /// Waits for a connection and returns it with the peer's address.
    ///
    /// # Errors
    /// The OS error, unchanged: `EMFILE`/`ENFILE` when out of fds (the
    /// connection stays queued), `ECONNABORTED` for a connection reset while
    /// queued, and so on. None of them ends the listener.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        self.fd.waiting(|cx, wait| self.poll_accept_in(cx, Some(wait))).await
    }

    /// The poll form of [`accept`](Self::accept).
    ///
    /// # Return value
    /// - `Poll::Ready(Ok((stream, peer)))` with a new connection.
    /// - `Poll::Ready(Err(e))` with the OS error of `accept`.
    /// - `Poll::Pending` when none is queued; the task is woken when one is.
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        self.poll_accept_in(cx, None)
    }

    /// `poll_accept`, with the identity of the waiting future (`None`: the
    /// poll form).
    fn poll_accept_in(
        &self,
        cx: &mut Context<'_>,
        wait: Option<&mut WaitId>,
    ) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        self.fd.poll_read_io(cx, wait, |l| sys::accept(l.as_fd())).map(|accepted| {
            let (socket, addr) = accepted?;
            Ok((TcpStream::from_accepted(socket.into())?, addr.to_inet()?))
        })
    }

    /// The accepted connections as a [`futures_core::Stream`] of
    /// `io::Result<TcpStream>`, which never ends (an accept error is an
    /// item; the listener goes on).
    ///
    /// ```
    /// use futures::StreamExt;
    /// # runtime::block_on(async {
    /// let listener = net::TcpListener::bind("127.0.0.1:0").await?;
    /// let _client = net::TcpStream::connect(listener.local_addr()?).await?;
    /// let mut incoming = listener.incoming();
    /// let server = incoming.next().await.expect("never ends")?;
    /// assert_eq!(server.local_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub fn incoming(&self) -> crate::TcpIncoming<'_> {
        crate::TcpIncoming::new(self)
    }

    /// Wraps a listening socket that is already nonblocking (`TcpSocket::listen`).
    pub(crate) fn from_socket(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener { fd: AsyncFd::new(listener)? })
    }

    /// Wraps a listening std socket, switching it to nonblocking mode.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        Ok(TcpListener { fd: AsyncFd::new(listener)? })
    }

    /// Deregisters the listener and returns it as a std listener, still in
    /// nonblocking mode.
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        Ok(self.fd.into_inner())
    }

    /// Sets the IP time-to-live (`IP_TTL`) of the accepted connections' packets.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.fd.get_ref().set_ttl(ttl)
    }

    /// The IP time-to-live (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u32> {
        self.fd.get_ref().ttl()
    }

    /// The address the listener is bound to (with the real port if it was
    /// bound to port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.fd.get_ref().local_addr()
    }
}

impl AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for TcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.get_ref().as_fd()
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpListener").field("fd", &self.as_raw_fd()).field("local", &self.local_addr().ok()).finish()
    }
}
