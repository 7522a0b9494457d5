//! Socket options and vectored sends: the generic `getsockopt` /
//! `setsockopt` pair over the few plain C value types options use, the typed
//! options `net` offers (linger, TOS, reuse, buffer sizes, keepalive), and
//! `sendmsg` over `IoSlice`s with the same no-`SIGPIPE` flags as `send`.
//!
//! Part of `sys`, the only module of `net` allowed `unsafe`.

use std::io::{self, IoSlice};
use std::mem::size_of;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::time::Duration;

use super::{cvt, os, zeroed};
use crate::sys::libc;

/// Plain C values an option is read or written as.
pub(crate) trait OptValue: Copy {
    fn zero() -> Self;
}

impl OptValue for libc::c_int {
    fn zero() -> Self {
        0
    }
}

impl OptValue for libc::linger {
    fn zero() -> Self {
        libc::linger { l_onoff: 0, l_linger: 0 }
    }
}

fn set<T: OptValue>(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int, value: T) -> io::Result<()> {
    let ptr: *const T = &value;
    let len = size_of::<T>() as libc::socklen_t;
    // SAFETY: `ptr` points at a live, initialised `T` of `len` bytes for the call.
    cvt(unsafe { libc::setsockopt(fd.as_raw_fd(), level, name, ptr.cast(), len) }).map(drop)
}

fn get<T: OptValue>(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> io::Result<T> {
    let mut value = T::zero();
    let mut len = size_of::<T>() as libc::socklen_t;
    let ptr: *mut T = &mut value;
    // SAFETY: `ptr` and `len` describe a writable `T` for the call; the
    // kernel writes at most `len` bytes, and every bit pattern of the plain
    // C types `OptValue` allows is valid.
    cvt(unsafe { libc::getsockopt(fd.as_raw_fd(), level, name, ptr.cast(), &mut len) })?;
    Ok(value)
}

/// Sets a boolean option (any non-zero int is `true`).
pub(crate) fn set_flag(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int, on: bool) -> io::Result<()> {
    set(fd, level, name, libc::c_int::from(on))
}

/// Reads a boolean option.
pub(crate) fn flag(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> io::Result<bool> {
    get::<libc::c_int>(fd, level, name).map(|v| v != 0)
}

/// Sets an option whose value is a non-negative int, given as `u32`.
pub(crate) fn set_u32(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int, value: u32) -> io::Result<()> {
    let value = libc::c_int::try_from(value)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, format!("{value} does not fit a C int")))?;
    set(fd, level, name, value)
}

/// Reads an option whose value is a non-negative int.
pub(crate) fn get_u32(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> io::Result<u32> {
    get::<libc::c_int>(fd, level, name).map(|v| v.unsigned_abs())
}

/// `SO_LINGER` (in seconds; `SO_LINGER_SEC` on macOS): `Some(0)` makes
/// `close` reset the connection, `None` is the default graceful close.
pub(crate) fn set_linger(fd: BorrowedFd<'_>, linger: Option<Duration>) -> io::Result<()> {
    let secs = linger.map_or(0, |d| d.as_secs().min(libc::c_int::MAX as u64) as libc::c_int);
    let value = libc::linger { l_onoff: libc::c_int::from(linger.is_some()), l_linger: secs };
    set(fd, libc::SOL_SOCKET, os::SO_LINGER, value)
}

/// Reads `SO_LINGER`.
pub(crate) fn linger(fd: BorrowedFd<'_>) -> io::Result<Option<Duration>> {
    let value: libc::linger = get(fd, libc::SOL_SOCKET, os::SO_LINGER)?;
    Ok((value.l_onoff != 0).then(|| Duration::from_secs(value.l_linger.unsigned_abs().into())))
}

/// `IP_TOS`, the IPv4 type-of-service byte.
pub(crate) fn set_tos(fd: BorrowedFd<'_>, tos: u32) -> io::Result<()> {
    set_u32(fd, libc::IPPROTO_IP, libc::IP_TOS, tos)
}

/// Reads `IP_TOS`.
pub(crate) fn tos(fd: BorrowedFd<'_>) -> io::Result<u32> {
    get_u32(fd, libc::IPPROTO_IP, libc::IP_TOS)
}

/// `IPV6_TCLASS`, the IPv6 traffic class byte.
pub(crate) fn set_tclass_v6(fd: BorrowedFd<'_>, tclass: u32) -> io::Result<()> {
    set_u32(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS, tclass)
}

/// Reads `IPV6_TCLASS`.
pub(crate) fn tclass_v6(fd: BorrowedFd<'_>) -> io::Result<u32> {
    get_u32(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS)
}

/// The socket-level options `TcpSocket` exposes, by name.
pub(crate) mod name {
    use crate::sys::libc;

    pub(crate) const SOCKET: libc::c_int = libc::SOL_SOCKET;
    pub(crate) const REUSEADDR: libc::c_int = libc::SO_REUSEADDR;
    pub(crate) const REUSEPORT: libc::c_int = libc::SO_REUSEPORT;
    /// The option `bind_reuseport` sets: the one that spreads connections
    /// over the group (`SO_REUSEPORT_LB` on FreeBSD, where plain
    /// `SO_REUSEPORT` does not).
    pub(crate) const REUSEPORT_SPREAD: libc::c_int = super::os::REUSEPORT_SPREAD;
    pub(crate) const SNDBUF: libc::c_int = libc::SO_SNDBUF;
    pub(crate) const RCVBUF: libc::c_int = libc::SO_RCVBUF;
    pub(crate) const KEEPALIVE: libc::c_int = libc::SO_KEEPALIVE;
}

/// Writes `bufs` in order with one `sendmsg(2)` (a gather write); a peer
/// that has gone gives `BrokenPipe`, never `SIGPIPE`. At most 1024 slices
/// (the smallest `IOV_MAX`) are sent in one call.
#[inline]
pub(crate) fn send_vectored(fd: RawFd, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    let bufs = &bufs[..bufs.len().min(1024)];
    let mut msg: libc::msghdr = zeroed();
    // `IoSlice` is ABI-compatible with `iovec` on Unix (std guarantees it);
    // sendmsg only reads through the pointer.
    msg.msg_iov = bufs.as_ptr().cast_mut().cast();
    msg.msg_iovlen = bufs.len() as _;
    // SAFETY: `msg` names no address and `bufs.len()` valid iovecs that live
    // for the call; the control buffer is null with length 0.
    let n = cvt(unsafe { libc::sendmsg(fd, &msg, os::SEND_FLAGS) })?;
    Ok(n.unsigned_abs())
}
