//! `FromRawFd` for the types that take ownership of a raw fd (an `unsafe`
//! trait method, so it lives in `sys`, the only module of `net` allowed
//! `unsafe`).

use std::os::fd::{FromRawFd, OwnedFd, RawFd};

#[cfg(feature = "tcp")]
impl FromRawFd for crate::tcp::TcpSocket {
    /// Takes ownership of `fd`.
    ///
    /// # Safety
    /// `fd` must be an open TCP socket in nonblocking mode that nothing else
    /// owns or closes.
    unsafe fn from_raw_fd(fd: RawFd) -> Self {
        // SAFETY: the caller hands over sole ownership of the open fd.
        crate::tcp::TcpSocket::from(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

#[cfg(feature = "unix")]
impl FromRawFd for crate::unix::UnixSocket {
    /// Takes ownership of `fd`.
    ///
    /// # Safety
    /// `fd` must be an open Unix socket that nothing else owns or closes
    /// (in nonblocking mode, for `listen`, `connect` and `datagram`).
    unsafe fn from_raw_fd(fd: RawFd) -> Self {
        // SAFETY: the caller hands over sole ownership of the open fd.
        crate::unix::UnixSocket::from(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}
