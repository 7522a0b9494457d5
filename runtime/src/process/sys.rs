//! The process module's one system call of its own.

use std::io;
use std::os::fd::AsRawFd;

use crate::driver::syscall::{annotate, cvt};
use crate::sys::libc;

/// Sets or clears `O_NONBLOCK` with one `ioctl(FIONBIO)` (tokio makes two
/// `fcntl` calls per pipe).
pub(super) fn set_nonblocking(fd: &impl AsRawFd, on: bool) -> io::Result<()> {
    let mut value: libc::c_int = on.into();
    // SAFETY: FIONBIO reads one c_int through the pointer, valid for the call.
    cvt(unsafe { libc::ioctl(fd.as_raw_fd(), libc::FIONBIO, &mut value) })
        .map(drop)
        .map_err(|e| annotate(e, "ioctl(FIONBIO) on a child's pipe"))
}
