//! The remote wake: how another thread ends the driver's wait.
//!
//! With `EVFILT_USER` (FreeBSD, macOS, NetBSD 10+, OpenBSD 7.8+, libkqueue)
//! one user event is added with `EV_CLEAR` when the queue is made, and a
//! wake triggers it with `NOTE_TRIGGER` **alone**: FreeBSD's
//! `filt_usertouch` applies the change's `EV_CLEAR` after `NOTE_TRIGGER`,
//! so `EV_CLEAR | NOTE_TRIGGER` sets the trigger and resets it in the same
//! change (and libkqueue ignores a change whose flags are only `EV_CLEAR`).
//! mio, polling and libevent trigger the same way.
//!
//! Without it (older NetBSD and OpenBSD, or a kernel that refuses the
//! filter) a nonblocking pipe: its read end is watched (`EVFILT_READ`,
//! `EV_CLEAR`), a wake writes one byte, and the driver drains the pipe when
//! it sees the event, so a later write is a new edge. A full pipe means a
//! wake is already pending, so a write that would block is a success.
//! polling does the same.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Arc;
use std::time::Duration;

use super::sys::portable::{EVFILT_READ, EV_ADD, EV_CLEAR};
use super::sys::{self, Kq, USER_EVENT, WAKE_UDATA};
use crate::driver::syscall::{annotate, cvt};
use crate::sys::libc;

/// The `ident` of the user event.
const WAKE_IDENT: usize = 0;

/// Which mechanism ends a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mechanism {
    /// `EVFILT_USER` if the platform and kernel have it, else the pipe.
    Best,
    /// The pipe, even where `EVFILT_USER` exists (for tests).
    #[cfg_attr(not(test), allow(dead_code))]
    Pipe,
}

/// The driver's half: recognises (and for a pipe, consumes) wake events.
#[derive(Debug)]
pub(super) enum Local {
    User { filter: i64 },
    Pipe { read: Arc<OwnedFd> },
}

/// Ends a wait from any thread.
#[derive(Debug)]
pub(crate) enum RemoteWaker {
    User {
        kq: Arc<Kq>,
        filter: i64,
        trigger: u32,
    },
    /// Holds the read end too, so a wake after the driver is gone finds a
    /// full pipe (a success), never a pipe with no reader (`SIGPIPE`).
    Pipe {
        write: OwnedFd,
        _read: Arc<OwnedFd>,
    },
}

/// Sets the wake up on `kq` (not counted as a registration change).
pub(super) fn new(kq: &Arc<Kq>, mechanism: Mechanism) -> io::Result<(Local, RemoteWaker)> {
    if let (Mechanism::Best, Some((filter, trigger))) = (mechanism, USER_EVENT) {
        let user = sys::event(WAKE_IDENT, filter, EV_ADD | EV_CLEAR, 0, WAKE_UDATA);
        if kq.kevent(&[user], &mut [], Some(Duration::ZERO)).is_ok() {
            return Ok((Local::User { filter }, RemoteWaker::User { kq: kq.clone(), filter, trigger }));
        }
    }
    let (read, write) = nonblocking_pipe()?;
    let watch = sys::event(read.as_raw_fd() as usize, EVFILT_READ, EV_ADD | EV_CLEAR, 0, WAKE_UDATA);
    kq.kevent(&[watch], &mut [], Some(Duration::ZERO)).map_err(|e| annotate(e, "kevent (wake pipe)"))?;
    let read = Arc::new(read);
    Ok((Local::Pipe { read: read.clone() }, RemoteWaker::Pipe { write, _read: read }))
}

impl Local {
    /// Whether `f` is a wake event; a pipe is drained when it is.
    pub(super) fn is_wake(&self, f: &sys::Fields) -> bool {
        match self {
            Local::User { filter } => f.filter == *filter && f.ident == WAKE_IDENT,
            Local::Pipe { read } => {
                let wake = f.filter == EVFILT_READ && f.ident == read.as_raw_fd() as usize;
                if wake {
                    drain(read.as_raw_fd());
                }
                wake
            }
        }
    }
}

impl RemoteWaker {
    pub(crate) fn wake(&self) -> io::Result<()> {
        match self {
            RemoteWaker::User { kq, filter, trigger } => {
                let trigger = sys::event(WAKE_IDENT, *filter, 0, *trigger, WAKE_UDATA);
                kq.kevent(&[trigger], &mut [], Some(Duration::ZERO)).map(drop)
            }
            RemoteWaker::Pipe { write, .. } => loop {
                // SAFETY: writes one byte from a live buffer to an fd we own.
                let n = unsafe { libc::write(write.as_raw_fd(), [1u8].as_ptr().cast(), 1) };
                match cvt(n) {
                    Ok(_) => return Ok(()),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                    Err(e) => return Err(annotate(e, "write (wake pipe)")),
                }
            },
        }
    }
}

/// Reads the pipe empty, so the next wake is a new edge.
fn drain(fd: RawFd) {
    let mut buf = [0u8; 64];
    loop {
        // SAFETY: reads into a live buffer of its length from an fd we own.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        match cvt(n) {
            Ok(n) if n as usize == buf.len() => continue,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            _ => return,
        }
    }
}

/// A pipe, both ends nonblocking and close-on-exec (`pipe2` is not on macOS).
fn nonblocking_pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two fds pipe writes.
    cvt(unsafe { libc::pipe(fds.as_mut_ptr()) }).map_err(|e| annotate(e, "pipe"))?;
    // SAFETY: pipe just returned these fds and nothing else owns them.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    for fd in [read.as_raw_fd(), write.as_raw_fd()] {
        // SAFETY: fcntl with integer arguments on fds we own.
        cvt(unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) })?;
        // SAFETY: as above.
        cvt(unsafe { libc::fcntl(fd, libc::F_SETFL, libc::O_NONBLOCK) })?;
    }
    Ok((read, write))
}
