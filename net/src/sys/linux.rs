//! Linux and Android: the socket flags ride in `socket` and `accept4`
//! (`accept4.rs`, shared with the BSDs); Unix sockets may have abstract
//! names; `SO_PEERCRED` gives a peer's credentials with its pid.

use std::io;
use std::mem::size_of;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::SocketAddr;
use std::path::Path;

// std spells the one extension trait per OS; the rest of the file is the same.
#[cfg(target_os = "android")]
use std::os::android::net::SocketAddrExt;
#[cfg(target_os = "linux")]
use std::os::linux::net::SocketAddrExt;

use super::cvt;
use crate::sys::libc;

#[path = "accept4.rs"]
mod accept4;
pub(super) use accept4::{accept, configure, no_sigpipe, SEND_FLAGS, SOCK_FLAGS};

/// `SO_LINGER` counts seconds here.
pub(super) const SO_LINGER: libc::c_int = libc::SO_LINGER;
/// `SO_REUSEPORT` spreads connections over the group.
pub(super) const REUSEPORT_SPREAD: libc::c_int = libc::SO_REUSEPORT;

/// The abstract name a Unix socket path spells (`"\0name"`: a leading NUL,
/// as tokio and std's `SocketAddrExt` write it), or `None` for a filesystem
/// path. An abstract socket has no file: it goes away with its last fd.
pub(crate) fn abstract_name(path: &Path) -> Option<&[u8]> {
    path.as_os_str().as_bytes().strip_prefix(b"\0")
}

/// The abstract name of std's Unix socket address, if it has one.
pub(crate) fn abstract_name_of(addr: &SocketAddr) -> Option<&[u8]> {
    addr.as_abstract_name()
}

/// std's Unix socket address for an abstract name.
pub(crate) fn abstract_addr(name: &[u8]) -> io::Result<SocketAddr> {
    SocketAddr::from_abstract_name(name)
}

/// The peer's credentials of a connected Unix socket, `(uid, gid, pid)`,
/// from `SO_PEERCRED`.
pub(crate) fn peer_cred(fd: BorrowedFd<'_>) -> io::Result<(u32, u32, Option<i32>)> {
    let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
    let mut len = size_of::<libc::ucred>() as libc::socklen_t;
    let ptr: *mut libc::ucred = &mut cred;
    // SAFETY: `ptr` and `len` describe a writable `ucred` for the call; the
    // kernel writes at most `len` bytes of plain integers.
    cvt(unsafe { libc::getsockopt(fd.as_raw_fd(), libc::SOL_SOCKET, libc::SO_PEERCRED, ptr.cast(), &mut len) })?;
    Ok((cred.uid, cred.gid, Some(cred.pid)))
}
