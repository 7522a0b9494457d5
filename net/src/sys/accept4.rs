//! Linux, Android and the BSDs (included by `linux.rs` and `bsd.rs`): new
//! sockets are nonblocking and close-on-exec from the call that makes them
//! (`SOCK_NONBLOCK | SOCK_CLOEXEC`, `accept4`), and `MSG_NOSIGNAL` keeps a
//! write to a peer that has gone from raising `SIGPIPE`.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use crate::sys::libc;
use crate::sys::{cvt, SockAddr};

/// Added to every socket type: created nonblocking and close-on-exec.
pub(in crate::sys) const SOCK_FLAGS: libc::c_int = libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
/// `send` flags: a write to a peer that has gone gives `EPIPE`, no signal.
pub(in crate::sys) const SEND_FLAGS: libc::c_int = libc::MSG_NOSIGNAL;

/// Nothing to do: `SOCK_FLAGS` did it.
pub(in crate::sys) fn configure(_fd: BorrowedFd<'_>) -> io::Result<()> {
    Ok(())
}

/// Nothing to do: `SEND_FLAGS` suppresses the signal.
pub(in crate::sys) fn no_sigpipe(_fd: BorrowedFd<'_>) -> io::Result<()> {
    Ok(())
}

/// `accept4` with `SOCK_FLAGS`, filling `addr` with the peer's address.
pub(in crate::sys) fn accept(listener: BorrowedFd<'_>, addr: &mut SockAddr) -> io::Result<OwnedFd> {
    let fd = listener.as_raw_fd();
    let (ptr, len) = (addr.as_mut_ptr(), &mut addr.len);
    // SAFETY: `ptr` and `len` describe the writable sockaddr_storage of
    // `addr`; a non-negative return is a new fd that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(cvt(libc::accept4(fd, ptr, len, SOCK_FLAGS))?) })
}
