//! Tests of the kqueue driver, run on every kqueue under it: on Linux with
//! `--features kqueue-emulation` or `--features libkqueue`, natively on the
//! BSDs. Nothing here depends on where those kqueues differ (the table in
//! `docs/KQUEUE.md`); tests of the emulation's own FreeBSD behaviour
//! are in `emulation/tests.rs`.

mod driver;
mod kq;
mod proc;
mod runtime;

use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::mpsc;
use std::time::Duration;

use super::sys::{self, KEvent};
use crate::sys::libc;

pub(super) const SECOND: Option<Duration> = Some(Duration::from_secs(1));
/// A short wait that should see nothing.
pub(super) const BRIEF: Option<Duration> = Some(Duration::from_millis(20));

pub(super) fn change(fd: RawFd, filter: i16, flags: u16, udata: u64) -> KEvent {
    sys::event(fd as usize, filter.into(), flags.into(), 0, udata)
}

pub(super) fn blank_events(n: usize) -> Vec<KEvent> {
    vec![sys::event(0, 0, 0, 0, 0); n]
}

pub(super) fn pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

/// A nonblocking pipe: (read end, write end).
pub(super) fn pipe() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two fds pipe writes.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    for fd in fds {
        // SAFETY: fcntl with integer arguments on an fd we own.
        assert_eq!(unsafe { libc::fcntl(fd, libc::F_SETFL, libc::O_NONBLOCK) }, 0);
    }
    // SAFETY: pipe just returned these fds and nothing else owns them.
    unsafe { (std::fs::File::from_raw_fd(fds[0]), std::fs::File::from_raw_fd(fds[1])) }
}

/// An fd number far above the process's fd limit: never open.
pub(super) fn closed_fd() -> RawFd {
    999_999
}

/// Runs `f` on its own thread; fails the test if it takes more than 20 s.
pub(super) fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the thread sent no result and did not panic"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("the test did not finish within 20 s"),
    }
}

/// A bare fd number, not owned (for a registration that must fail, or a
/// value that does not close its fd).
pub(super) struct Fd(pub(super) RawFd);

impl AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// A socket pair one of whose ends has the (just closed) number `fd`. The
/// kernel hands out the lowest free number, and other test threads free
/// lower ones now and then, so keep taking pairs (holding the others) until
/// one lands on `fd`.
pub(super) fn reuse(fd: RawFd) -> (UnixStream, UnixStream) {
    let mut held = Vec::new();
    for _ in 0..500 {
        let (a, b) = pair();
        match (a.as_raw_fd() == fd, b.as_raw_fd() == fd) {
            (true, _) => return (a, b),
            (_, true) => return (b, a),
            _ => held.push((a, b)),
        }
    }
    panic!("fd {fd} was not reused");
}
