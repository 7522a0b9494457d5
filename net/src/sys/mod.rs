//! The only `unsafe` in `net`: the socket system calls std does not offer.
//!
//! Owns socket creation (nonblocking and close-on-exec in the one call where
//! the OS allows it), `accept4`, the nonblocking `connect` that may still be
//! in progress, `send` with `MSG_NOSIGNAL`, and the conversion between std's
//! addresses and `sockaddr`. Every libc return goes through [`cvt`]; every
//! new fd becomes an [`OwnedFd`] on the line that created it, and the callers
//! turn it into a std type (`std::net::TcpStream`, ...), so std does the
//! reading and writing.
//!
//! OS differences are chosen once, here, as the private `os` module, a file
//! per family: `linux.rs` (Linux, Android), `apple.rs` (macOS, iOS) and
//! `bsd.rs` (the BSDs). Linux, Android and the BSDs pass
//! `SOCK_NONBLOCK | SOCK_CLOEXEC` and use `accept4` and `MSG_NOSIGNAL`
//! (`accept4.rs`); macOS and iOS, which lack all three, set the flags with
//! `fcntl` right after creation and suppress `SIGPIPE` with the
//! `SO_NOSIGPIPE` socket option instead. Abstract Unix socket names and
//! `SO_PEERCRED` exist on Linux and Android only (elsewhere
//! `not_linux.rs`). Nothing outside `sys/` names an OS.

use std::io;
use std::mem::{self, size_of};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The C library's declarations, through `runtime` (`runtime::__libc`, not
/// a public API): its own on Linux x86_64 and aarch64, the `libc` crate
/// elsewhere. Every file of `net` that calls C writes `use crate::sys::libc;`.
pub(crate) use runtime::__libc as libc;

mod from_raw;
#[cfg(feature = "hyper")]
mod hyper_read;
mod sockopt;
#[cfg(feature = "hyper")]
pub(crate) use hyper_read::read_into;
pub(crate) use os::{abstract_addr, abstract_name, abstract_name_of, peer_cred};
pub(crate) use sockopt::*;

#[cfg(any(target_os = "linux", target_os = "android"))]
#[path = "linux.rs"]
mod os;
#[cfg(any(target_os = "macos", target_os = "ios"))]
#[path = "apple.rs"]
mod os;
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos", target_os = "ios")))]
#[path = "bsd.rs"]
mod os;

/// The listen backlog, as tokio uses it; the kernel caps it at its own
/// maximum (`net.core.somaxconn` on Linux).
pub(crate) const BACKLOG: libc::c_int = 1024;

/// Turns a libc return value into an `io::Result`: `-1` becomes
/// [`io::Error::last_os_error`], anything else is the value.
pub(crate) fn cvt<T: MinusOne>(ret: T) -> io::Result<T> {
    if ret.is_minus_one() {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Integer return types of libc calls, whose `-1` means "see errno".
pub(crate) trait MinusOne: Copy {
    fn is_minus_one(self) -> bool;
}

impl MinusOne for i32 {
    fn is_minus_one(self) -> bool {
        self == -1
    }
}

impl MinusOne for isize {
    fn is_minus_one(self) -> bool {
        self == -1
    }
}

/// The socket families `net` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Inet,
    Inet6,
    Unix,
}

impl Family {
    /// The family of an IP socket address.
    pub(crate) const fn of(addr: &SocketAddr) -> Family {
        match addr {
            SocketAddr::V4(_) => Family::Inet,
            SocketAddr::V6(_) => Family::Inet6,
        }
    }

    const fn raw(self) -> libc::c_int {
        match self {
            Family::Inet => libc::AF_INET,
            Family::Inet6 => libc::AF_INET6,
            Family::Unix => libc::AF_UNIX,
        }
    }
}

/// Stream (TCP, Unix stream) or datagram (UDP, Unix datagram).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Stream,
    Datagram,
}

impl Kind {
    const fn raw(self) -> libc::c_int {
        match self {
            Kind::Stream => libc::SOCK_STREAM,
            Kind::Datagram => libc::SOCK_DGRAM,
        }
    }
}

/// What a nonblocking `connect` did.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Connect {
    /// The connection is established.
    Done,
    /// `EINPROGRESS` (or `EINTR`, after which the connect goes on): wait for
    /// writability, then read `SO_ERROR`.
    InProgress,
}

/// A new socket, nonblocking and close-on-exec.
pub(crate) fn socket(family: Family, kind: Kind) -> io::Result<OwnedFd> {
    let ty = kind.raw() | os::SOCK_FLAGS;
    // SAFETY: socket(2) takes integers only; a non-negative return is a new
    // fd that nothing else owns, so the OwnedFd is its only owner.
    let fd = unsafe { OwnedFd::from_raw_fd(cvt(libc::socket(family.raw(), ty, 0))?) };
    os::configure(fd.as_fd())?;
    Ok(fd)
}

/// A connected pair of Unix sockets, both nonblocking and close-on-exec.
pub(crate) fn socketpair(kind: Kind) -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds: [libc::c_int; 2] = [-1, -1];
    let ty = kind.raw() | os::SOCK_FLAGS;
    // SAFETY: `fds` is a writable array of two ints, as socketpair(2) needs.
    cvt(unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, fds.as_mut_ptr()) })?;
    // SAFETY: socketpair succeeded, so both fds are new and owned by nobody else.
    let (a, b) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    os::configure(a.as_fd())?;
    os::configure(b.as_fd())?;
    Ok((a, b))
}

/// Sets `SO_REUSEADDR`, as std does for listeners.
pub(crate) fn set_reuseaddr(fd: BorrowedFd<'_>) -> io::Result<()> {
    setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1)
}

/// Binds `fd` to `addr`.
pub(crate) fn bind(fd: BorrowedFd<'_>, addr: &SockAddr) -> io::Result<()> {
    // SAFETY: `addr` points at an initialised sockaddr of `addr.len` bytes.
    cvt(unsafe { libc::bind(fd.as_raw_fd(), addr.as_ptr(), addr.len) }).map(drop)
}

/// Marks `fd` as a listening socket.
pub(crate) fn listen(fd: BorrowedFd<'_>, backlog: libc::c_int) -> io::Result<()> {
    // SAFETY: listen(2) takes integers only.
    cvt(unsafe { libc::listen(fd.as_raw_fd(), backlog) }).map(drop)
}

/// Starts connecting the nonblocking socket `fd` to `addr`.
pub(crate) fn connect(fd: BorrowedFd<'_>, addr: &SockAddr) -> io::Result<Connect> {
    // SAFETY: `addr` points at an initialised sockaddr of `addr.len` bytes.
    match cvt(unsafe { libc::connect(fd.as_raw_fd(), addr.as_ptr(), addr.len) }) {
        Ok(_) => Ok(Connect::Done),
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINPROGRESS | libc::EINTR)) => Ok(Connect::InProgress),
        Err(e) => Err(e),
    }
}

/// Accepts a connection: the new socket (nonblocking, close-on-exec) and the
/// peer's address. `EMFILE`, `ENFILE` and every other error are returned
/// unchanged.
pub(crate) fn accept(listener: BorrowedFd<'_>) -> io::Result<(OwnedFd, SockAddr)> {
    let mut addr = SockAddr::empty();
    let fd = os::accept(listener, &mut addr)?;
    os::configure(fd.as_fd())?;
    Ok((fd, addr))
}

/// Writes `buf` to the connected socket `fd` with `send(2)`; a peer that has
/// gone gives `BrokenPipe`, never `SIGPIPE`.
///
/// The per-operation calls (`send`, `send_vectored`, `read_into`) take the
/// raw fd: callers pass `as_raw_fd()`, which std inlines, where std's
/// `AsFd::as_fd` for its sockets is an out-of-line call on every operation.
/// An fd that is not open only makes the call fail with `EBADF`.
#[inline]
pub(crate) fn send(fd: RawFd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is a readable slice of `buf.len()` bytes for the call.
    let n = cvt(unsafe { libc::send(fd, buf.as_ptr().cast(), buf.len(), os::SEND_FLAGS) })?;
    Ok(n.unsigned_abs())
}

/// Reads from the connected socket `fd` into `buf` with `recv(2)`, as std's
/// `Read` for its sockets does, but inlined into the caller (std's is an
/// out-of-line call chain on every read).
#[inline]
pub(crate) fn recv(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is a writable slice of `buf.len()` bytes for the call.
    let n = cvt(unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) })?;
    Ok(n.unsigned_abs())
}

/// Prepares a socket handed in by the user (`from_std`) the way `net`'s own
/// sockets are: on macOS this sets `SO_NOSIGPIPE`; elsewhere nothing.
pub(crate) fn prepare_std(fd: BorrowedFd<'_>) -> io::Result<()> {
    os::no_sigpipe(fd)
}

fn setsockopt_int(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int, value: libc::c_int) -> io::Result<()> {
    let len = size_of::<libc::c_int>() as libc::socklen_t;
    let ptr: *const libc::c_int = &value;
    // SAFETY: `ptr` points at a live c_int of `len` bytes for the call.
    cvt(unsafe { libc::setsockopt(fd.as_raw_fd(), level, name, ptr.cast(), len) }).map(drop)
}

/// A socket address in the kernel's form.
///
/// # Invariant
/// `storage` holds an initialised `sockaddr` of family `storage.ss_family`
/// in its first `len` bytes, and `len <= size_of::<sockaddr_storage>()`.
pub(crate) struct SockAddr {
    storage: libc::sockaddr_storage,
    len: libc::socklen_t,
}

impl SockAddr {
    /// Room for any address, as `accept` fills it (family `AF_UNSPEC`).
    fn empty() -> SockAddr {
        SockAddr { storage: zeroed(), len: size_of::<libc::sockaddr_storage>() as libc::socklen_t }
    }

    /// The kernel form of an IP socket address.
    pub(crate) fn from_inet(addr: &SocketAddr) -> SockAddr {
        match addr {
            SocketAddr::V4(a) => {
                let mut sin: libc::sockaddr_in = zeroed();
                sin.sin_family = libc::AF_INET as libc::sa_family_t;
                sin.sin_port = a.port().to_be();
                sin.sin_addr = libc::in_addr { s_addr: u32::from(*a.ip()).to_be() };
                SockAddr::from_raw(sin)
            }
            SocketAddr::V6(a) => {
                let mut sin6: libc::sockaddr_in6 = zeroed();
                sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sin6.sin6_port = a.port().to_be();
                // Stored as std stores it (see std's `socket_addr_to_c`).
                sin6.sin6_flowinfo = a.flowinfo();
                sin6.sin6_addr = libc::in6_addr { s6_addr: a.ip().octets() };
                sin6.sin6_scope_id = a.scope_id();
                SockAddr::from_raw(sin6)
            }
        }
    }

    /// The kernel form of a Unix socket path, or of an abstract name
    /// (`"\0name"`, Linux and Android only: see `abstract_name` in `linux.rs`):
    /// a NUL, then the name's bytes (any bytes), counted with no terminator.
    ///
    /// # Errors
    /// `InvalidInput` if the path has a NUL byte or does not fit `sun_path`.
    pub(crate) fn from_path(path: &Path) -> io::Result<SockAddr> {
        let mut sun: libc::sockaddr_un = zeroed();
        sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
        let (lead, bytes) = match os::abstract_name(path) {
            Some(name) => (1, name),
            None => (0, path.as_os_str().as_bytes()),
        };
        if lead == 0 && bytes.contains(&0) {
            let msg = format!(
                "unix socket path {path:?} contains a NUL byte \
                 (a leading NUL names an abstract socket on Linux and Android only)"
            );
            return Err(io::Error::new(io::ErrorKind::InvalidInput, msg));
        }
        if bytes.len() >= sun.sun_path.len() {
            let max = sun.sun_path.len() - 1;
            let msg = format!("unix socket path {path:?} is longer than {max} bytes");
            return Err(io::Error::new(io::ErrorKind::InvalidInput, msg));
        }
        for (dst, src) in sun.sun_path[lead..].iter_mut().zip(bytes) {
            *dst = *src as libc::c_char;
        }
        // A path and its terminating NUL, as std counts it; an abstract
        // name's leading NUL and its bytes, exactly.
        let len = mem::offset_of!(libc::sockaddr_un, sun_path) + bytes.len() + 1;
        let mut addr = SockAddr::from_raw(sun);
        addr.len = len as libc::socklen_t;
        Ok(addr)
    }

    /// The IP socket address this holds.
    ///
    /// # Errors
    /// `InvalidInput` if it is not an IPv4 or IPv6 address.
    pub(crate) fn to_inet(&self) -> io::Result<SocketAddr> {
        let len = self.len as usize;
        match libc::c_int::from(self.storage.ss_family) {
            libc::AF_INET if len >= size_of::<libc::sockaddr_in>() => {
                // SAFETY: by the invariant, the family says the first bytes
                // are an initialised sockaddr_in; storage is aligned for it.
                let sin = unsafe { *self.as_ptr().cast::<libc::sockaddr_in>() };
                let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                Ok(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)).into())
            }
            libc::AF_INET6 if len >= size_of::<libc::sockaddr_in6>() => {
                // SAFETY: as above, for sockaddr_in6.
                let sin6 = unsafe { *self.as_ptr().cast::<libc::sockaddr_in6>() };
                let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
                let port = u16::from_be(sin6.sin6_port);
                Ok(SocketAddrV6::new(ip, port, sin6.sin6_flowinfo, sin6.sin6_scope_id).into())
            }
            family => {
                Err(io::Error::new(io::ErrorKind::InvalidInput, format!("address family {family} is not IPv4 or IPv6")))
            }
        }
    }

    /// Copies a `sockaddr_*` into the storage.
    fn from_raw<T: Copy>(raw: T) -> SockAddr {
        let mut addr = SockAddr::empty();
        assert!(size_of::<T>() <= size_of::<libc::sockaddr_storage>());
        // SAFETY: sockaddr_storage is at least as large (checked above) and
        // as aligned as every sockaddr type, and `raw` is a plain C struct.
        unsafe { addr.as_mut_ptr().cast::<T>().write(raw) };
        addr.len = size_of::<T>() as libc::socklen_t;
        addr
    }

    fn as_ptr(&self) -> *const libc::sockaddr {
        std::ptr::addr_of!(self.storage).cast()
    }

    fn as_mut_ptr(&mut self) -> *mut libc::sockaddr {
        std::ptr::addr_of_mut!(self.storage).cast()
    }
}

/// An all-zero C struct.
fn zeroed<T: ZeroValid>() -> T {
    // SAFETY: `ZeroValid` is implemented only for libc's plain C socket
    // address structs and `msghdr` (integers and raw pointers, null when
    // zero), for which all-zero bytes is a valid value.
    unsafe { mem::zeroed() }
}

/// Plain C structs for which all-zero bytes is a valid value.
trait ZeroValid {}
impl ZeroValid for libc::msghdr {}
impl ZeroValid for libc::sockaddr_storage {}
impl ZeroValid for libc::sockaddr_in {}
impl ZeroValid for libc::sockaddr_in6 {}
impl ZeroValid for libc::sockaddr_un {}
