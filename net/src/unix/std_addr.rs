//! From std's Unix socket address to the kernel form: for `bind_addr` and
//! `connect_addr`, which take `std::os::unix::net::SocketAddr` (a path, or
//! on Linux and Android an abstract name).

use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::SocketAddr;
use std::path::Path;

use crate::sys::{abstract_name_of, SockAddr};

/// The kernel form of `addr`.
///
/// # Errors
/// `InvalidInput` for an unnamed address (nothing to bind or connect to).
pub(crate) fn to_sockaddr(addr: &SocketAddr) -> io::Result<SockAddr> {
    if let Some(path) = addr.as_pathname() {
        return SockAddr::from_path(path);
    }
    if let Some(name) = abstract_name_of(addr) {
        let mut bytes = Vec::with_capacity(name.len() + 1);
        bytes.push(0);
        bytes.extend_from_slice(name);
        return SockAddr::from_path(Path::new(OsStr::from_bytes(&bytes)));
    }
    Err(io::Error::new(io::ErrorKind::InvalidInput, "an unnamed Unix socket address cannot be bound or connected to"))
}
