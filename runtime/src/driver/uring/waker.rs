//! Waking the driver from any thread: an eventfd watched by its own
//! multishot poll; each write is a wake-up, hence a completion (never read
//! back, as with epoll).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Arc;

use super::{poll_add, Uring, POLL_EVENTS, WAKE_DATA};
use crate::driver::syscall::{annotate, cvt};
use crate::sys::libc;

impl Uring {
    /// The eventfd other threads wake this driver with, watched by a poll
    /// that the next wait submits.
    pub(crate) fn remote_waker(&mut self) -> io::Result<RemoteWaker> {
        // SAFETY: eventfd takes no pointers; the result is checked by cvt.
        let fd = cvt(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) })
            .map_err(|e| annotate(e, "eventfd"))?;
        // SAFETY: `fd` was just returned by the kernel and nothing else owns it.
        let fd = Arc::new(unsafe { OwnedFd::from_raw_fd(fd) });
        self.push(poll_add(fd.as_raw_fd(), WAKE_DATA, POLL_EVENTS))?;
        self.waker = Some(fd.clone());
        Ok(RemoteWaker { fd })
    }
}

/// Ends a wait from any thread: a write to the driver's eventfd.
#[derive(Debug)]
pub(crate) struct RemoteWaker {
    fd: Arc<OwnedFd>,
}

impl RemoteWaker {
    pub(crate) fn wake(&self) -> io::Result<()> {
        loop {
            // SAFETY: writes 8 bytes from a live buffer to an eventfd we own.
            let n = unsafe { libc::write(self.fd.as_raw_fd(), 1u64.to_ne_bytes().as_ptr().cast(), 8) };
            match cvt(n) {
                Ok(_) => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // The counter is about to overflow: reset it and write again.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    let mut buf = [0u8; 8];
                    // SAFETY: reads 8 bytes into a live buffer from an eventfd we own.
                    unsafe { libc::read(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), 8) };
                }
                Err(e) => return Err(annotate(e, "write (eventfd)")),
            }
        }
    }
}
