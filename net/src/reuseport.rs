//! Sharing a port between runtimes: `TcpListener::bind_reuseport` and
//! `UdpSocket::bind_reuseport`, for the per-core accept pattern of
//! [`runtime::Pool`]: each runtime binds its own socket to the same address,
//! and the kernel spreads the connections (or datagrams) over them.
//!
//! # How the kernel spreads the load
//!
//! - **Linux** (3.9 and later), `SO_REUSEPORT`: the sockets bound to one
//!   address by the same user form a group, and each new connection (each
//!   datagram, for UDP) goes to one of them by a hash of its addresses and
//!   ports. Many clients spread evenly; one client's UDP flow always lands
//!   on the same socket; the hash knows nothing of load, so a busy runtime
//!   keeps receiving its share. Each listener has its own accept queue, and
//!   connections still queued on a listener when it is closed are reset:
//!   stop accepting on all runtimes at once, as a `Pool` does.
//! - **FreeBSD** (12 and later), `SO_REUSEPORT_LB`, which this module sets
//!   there: the same hash-based spread, up to 256 sockets.
//! - **macOS, iOS, OpenBSD, NetBSD, DragonFly** (`SO_REUSEPORT` only): the
//!   option lets the sockets bind, but for TCP the listener bound **last
//!   takes every new connection**, and the others accept none; datagrams to
//!   a unicast address also reach one socket. There, run one listener and
//!   hand connections to other runtimes through their `Handle`s instead.

use std::future::ready;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, BorrowedFd};

use crate::addr::{self, ToSocketAddrs};
use crate::sys::{self, Family, Kind, SockAddr};
use crate::{TcpListener, UdpSocket};

impl TcpListener {
    /// Binds a listener that shares `addr` with other listeners bound the
    /// same way (in this process or, by the same user, in others), and
    /// starts listening; see the [module docs](crate::reuseport) for how the
    /// OS spreads connections among them. Every listener of the group must
    /// be bound with this call, the first one included: bind it to port 0,
    /// then the others to the port it got.
    ///
    /// ```
    /// # runtime::block_on(async {
    /// let first = net::TcpListener::bind_reuseport("127.0.0.1:0").await?;
    /// let addr = first.local_addr()?;
    /// let second = net::TcpListener::bind_reuseport(addr).await?;
    /// assert_eq!(second.local_addr()?, addr);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`bind`](TcpListener::bind); `EADDRINUSE` if a socket already
    /// bound to `addr` did not set the option (or belongs to another user).
    pub async fn bind_reuseport(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        addr::try_each(&addr, "bind (SO_REUSEPORT) to", |a| ready(bind_tcp(a))).await
    }
}

impl UdpSocket {
    /// Binds a socket that shares `addr` with other sockets bound the same
    /// way; on Linux each datagram goes to one of them by a hash of its
    /// addresses and ports (see the [module docs](crate::reuseport)). As
    /// with [`TcpListener::bind_reuseport`], every socket of the group must
    /// be bound with this call.
    ///
    /// ```
    /// # runtime::block_on(async {
    /// let first = net::UdpSocket::bind_reuseport("127.0.0.1:0").await?;
    /// let second = net::UdpSocket::bind_reuseport(first.local_addr()?).await?;
    /// assert_eq!(second.local_addr()?, first.local_addr()?);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`bind`](UdpSocket::bind); `EADDRINUSE` if a socket already bound
    /// to `addr` did not set the option.
    pub async fn bind_reuseport(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        addr::try_each(&addr, "bind (SO_REUSEPORT) to", |a| ready(bind_udp(a))).await
    }
}

fn bind_tcp(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = sys::socket(Family::of(&addr), Kind::Stream)?;
    sys::set_reuseaddr(socket.as_fd())?;
    set_reuseport(socket.as_fd())?;
    sys::bind(socket.as_fd(), &SockAddr::from_inet(&addr))?;
    sys::listen(socket.as_fd(), sys::BACKLOG)?;
    TcpListener::from_std(socket.into())
}

fn bind_udp(addr: SocketAddr) -> io::Result<UdpSocket> {
    let socket = sys::socket(Family::of(&addr), Kind::Datagram)?;
    set_reuseport(socket.as_fd())?;
    sys::bind(socket.as_fd(), &SockAddr::from_inet(&addr))?;
    UdpSocket::from_std(socket.into())
}

/// Sets the option that lets sockets share a port, spreading the load
/// where the OS can (see the module docs).
fn set_reuseport(fd: BorrowedFd<'_>) -> io::Result<()> {
    sys::setsockopt_int(fd, libc::SOL_SOCKET, REUSEPORT, 1)
        .map_err(|e| io::Error::new(e.kind(), format!("setting {REUSEPORT_NAME}: {e}")))
}

#[cfg(target_os = "freebsd")]
const REUSEPORT: libc::c_int = libc::SO_REUSEPORT_LB;
#[cfg(target_os = "freebsd")]
const REUSEPORT_NAME: &str = "SO_REUSEPORT_LB";
#[cfg(not(target_os = "freebsd"))]
const REUSEPORT: libc::c_int = libc::SO_REUSEPORT;
#[cfg(not(target_os = "freebsd"))]
const REUSEPORT_NAME: &str = "SO_REUSEPORT";
