//! What macOS and the BSDs share (included by `apple.rs` and `bsd.rs`):
//! Unix sockets have no abstract names, so a path with a NUL in it is
//! refused; a peer's credentials come from `getpeereid`, without its pid.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::net::SocketAddr;
use std::path::Path;

use crate::sys::cvt;
use crate::sys::libc;

/// Abstract names exist only on Linux and Android.
pub(crate) fn abstract_name(_path: &Path) -> Option<&[u8]> {
    None
}

/// Abstract names exist only on Linux and Android.
pub(crate) fn abstract_name_of(_addr: &SocketAddr) -> Option<&[u8]> {
    None
}

/// Never called: [`abstract_name`] is always `None` here.
pub(crate) fn abstract_addr(_name: &[u8]) -> io::Result<SocketAddr> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "abstract Unix socket names exist on Linux and Android only"))
}

/// The peer's credentials of a connected Unix socket, `(uid, gid, None)`,
/// from `getpeereid`.
pub(crate) fn peer_cred(fd: BorrowedFd<'_>) -> io::Result<(u32, u32, Option<i32>)> {
    let (mut uid, mut gid) = (0, 0);
    // SAFETY: both pointers are to live, writable integers for the call.
    cvt(unsafe { libc::getpeereid(fd.as_raw_fd(), &mut uid, &mut gid) })?;
    Ok((uid, gid, None))
}
