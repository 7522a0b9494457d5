//! macOS and iOS: no `SOCK_NONBLOCK`, `SOCK_CLOEXEC`, `accept4` or
//! `MSG_NOSIGNAL`. The flags are set right after creation (a `fork` +
//! `exec` on another thread in between could inherit the fd), and
//! `SO_NOSIGPIPE` turns `SIGPIPE` into `EPIPE`. No abstract Unix socket
//! names and `getpeereid` for credentials (`not_linux.rs`, shared with the
//! BSDs).

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::{cvt, setsockopt_int, SockAddr};

#[path = "not_linux.rs"]
mod not_linux;
use crate::sys::libc;
pub(crate) use not_linux::{abstract_addr, abstract_name, abstract_name_of, peer_cred};

pub(super) const SOCK_FLAGS: libc::c_int = 0;
pub(super) const SEND_FLAGS: libc::c_int = 0;
/// Plain `SO_LINGER` counts clock ticks on Darwin; this one seconds.
pub(super) const SO_LINGER: libc::c_int = libc::SO_LINGER_SEC;
/// `SO_REUSEPORT` spreads connections over the group.
pub(super) const REUSEPORT_SPREAD: libc::c_int = libc::SO_REUSEPORT;

/// Close-on-exec, nonblocking, no `SIGPIPE`.
pub(super) fn configure(fd: BorrowedFd<'_>) -> io::Result<()> {
    let raw = fd.as_raw_fd();
    // SAFETY: fcntl(2) on a valid fd with integer arguments only.
    cvt(unsafe { libc::fcntl(raw, libc::F_SETFD, libc::FD_CLOEXEC) })?;
    // SAFETY: as above.
    let flags = cvt(unsafe { libc::fcntl(raw, libc::F_GETFL) })?;
    // SAFETY: as above.
    cvt(unsafe { libc::fcntl(raw, libc::F_SETFL, flags | libc::O_NONBLOCK) })?;
    no_sigpipe(fd)
}

pub(super) fn no_sigpipe(fd: BorrowedFd<'_>) -> io::Result<()> {
    setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_NOSIGPIPE, 1)
}

/// Plain `accept`; the caller then runs [`configure`] on the new fd.
pub(super) fn accept(listener: BorrowedFd<'_>, addr: &mut SockAddr) -> io::Result<OwnedFd> {
    let fd = listener.as_raw_fd();
    let (ptr, len) = (addr.as_mut_ptr(), &mut addr.len);
    // SAFETY: `ptr` and `len` describe the writable sockaddr_storage of
    // `addr`; a non-negative return is a new fd that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(cvt(libc::accept(fd, ptr, len))?) })
}
