//! The Linux driver: `epoll` in edge-triggered mode.
//!
//! Every source is registered once with `EPOLLIN | EPOLLOUT | EPOLLRDHUP |
//! EPOLLET` and never re-armed: the kernel reports each new edge, and the
//! reactor keeps the readiness until an operation returns `WouldBlock`. Each
//! registration change is one `epoll_ctl` made at once, so with this driver
//! `change_syscalls == changes`. Remote wakes write to an `eventfd` registered
//! under [`WAKER_TOKEN`]; its events end a wait and are not handed on.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use super::syscall::{context, cvt, retry};
use super::{DriverCounters, Event, Readiness};

/// The token of the remote-wake eventfd; the reactor never hands it out.
pub(crate) const WAKER_TOKEN: u64 = u64::MAX;

/// An epoll instance and the buffer its waits fill.
#[derive(Debug)]
pub(crate) struct Epoll {
    ep: OwnedFd,
    buf: Vec<libc::epoll_event>,
    pub(crate) counters: DriverCounters,
}

impl Epoll {
    pub(crate) fn new(capacity: usize) -> io::Result<Epoll> {
        // SAFETY: epoll_create1 takes no pointers; the result is checked by cvt.
        let fd = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) }).map_err(|e| context(e, "epoll_create1"))?;
        // SAFETY: `fd` was just returned by the kernel and nothing else owns it.
        let ep = unsafe { OwnedFd::from_raw_fd(fd) };
        let empty = libc::epoll_event { events: 0, u64: 0 };
        let buf = vec![empty; capacity.clamp(1, i32::MAX as usize)];
        Ok(Epoll { ep, buf, counters: DriverCounters::default() })
    }

    pub(crate) fn register(&mut self, fd: RawFd, token: u64) -> io::Result<()> {
        let flags = libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET;
        let mut ev = libc::epoll_event { events: flags as u32, u64: token };
        self.ctl(libc::EPOLL_CTL_ADD, fd, &mut ev).map_err(|e| context(e, "epoll_ctl(EPOLL_CTL_ADD)"))
    }

    /// Always an `epoll_ctl`: even a closing fd may live on in a `dup`, and
    /// epoll forgets only the last copy's registration by itself.
    pub(crate) fn deregister(&mut self, fd: RawFd, _closing: bool) -> io::Result<()> {
        let mut ev = libc::epoll_event { events: 0, u64: 0 };
        self.ctl(libc::EPOLL_CTL_DEL, fd, &mut ev).map_err(|e| context(e, "epoll_ctl(EPOLL_CTL_DEL)"))
    }

    fn ctl(&mut self, op: i32, fd: RawFd, ev: &mut libc::epoll_event) -> io::Result<()> {
        self.counters.changes += 1;
        self.counters.change_syscalls += 1;
        // SAFETY: `ev` is a valid epoll_event for the duration of the call; an
        // invalid `fd` is reported by the kernel as EBADF, not undefined behaviour.
        cvt(unsafe { libc::epoll_ctl(self.ep.as_raw_fd(), op, fd, ev) })?;
        Ok(())
    }

    pub(crate) fn wait(&mut self, events: &mut Vec<Event>, timeout: Option<Duration>) -> io::Result<()> {
        events.clear();
        let ms = timeout_ms(timeout);
        let n = retry(|| {
            self.counters.wait_syscalls += 1;
            let (ptr, len) = (self.buf.as_mut_ptr(), self.buf.len() as i32);
            // SAFETY: `ptr` points to `len` initialised epoll_events owned by
            // `self.buf`, which the kernel may overwrite; it outlives the call.
            cvt(unsafe { libc::epoll_wait(self.ep.as_raw_fd(), ptr, len, ms) })
        })
        .map_err(|e| context(e, "epoll_wait"))?;
        for ev in &self.buf[..n as usize] {
            let (bits, token) = (ev.events, ev.u64);
            if token != WAKER_TOKEN {
                events.push(Event { token, readiness: readiness(bits), error: 0 });
            }
        }
        Ok(())
    }

    pub(crate) fn remote_waker(&mut self) -> io::Result<RemoteWaker> {
        let flags = libc::EFD_CLOEXEC | libc::EFD_NONBLOCK;
        // SAFETY: eventfd takes no pointers; the result is checked by cvt.
        let fd = cvt(unsafe { libc::eventfd(0, flags) }).map_err(|e| context(e, "eventfd"))?;
        // SAFETY: `fd` was just returned by the kernel and nothing else owns it.
        let file = unsafe { File::from_raw_fd(fd) };
        // Read interest only: every write is a new edge, so the counter
        // need not be read back (see `RemoteWaker::wake`).
        let mut ev = libc::epoll_event { events: (libc::EPOLLIN | libc::EPOLLET) as u32, u64: WAKER_TOKEN };
        self.ctl(libc::EPOLL_CTL_ADD, file.as_raw_fd(), &mut ev).map_err(|e| context(e, "epoll_ctl(EPOLL_CTL_ADD)"))?;
        Ok(RemoteWaker { file })
    }
}

/// Maps epoll's bits to [`Readiness`], the way mio reads them.
fn readiness(bits: u32) -> Readiness {
    let has = |flag: i32| bits & flag as u32 != 0;
    let mut r = Readiness::default();
    if has(libc::EPOLLIN | libc::EPOLLPRI) {
        r = r.union(Readiness::READABLE);
    }
    if has(libc::EPOLLOUT) {
        r = r.union(Readiness::WRITABLE);
    }
    if has(libc::EPOLLHUP) || (has(libc::EPOLLIN) && has(libc::EPOLLRDHUP)) {
        r = r.union(Readiness::READ_CLOSED);
    }
    if has(libc::EPOLLHUP) || (has(libc::EPOLLOUT) && has(libc::EPOLLERR)) {
        r = r.union(Readiness::WRITE_CLOSED);
    }
    if has(libc::EPOLLERR) {
        r = r.union(Readiness::ERROR);
    }
    r
}

/// Ends a wait from any thread: a write to the driver's eventfd.
#[derive(Debug)]
pub(crate) struct RemoteWaker {
    file: File,
}

impl RemoteWaker {
    pub(crate) fn wake(&self) -> io::Result<()> {
        match (&self.file).write(&1u64.to_ne_bytes()) {
            Ok(_) => Ok(()),
            // The counter is about to overflow: reset it and write again.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                let mut buf = [0u8; 8];
                let _ = (&self.file).read(&mut buf);
                self.wake()
            }
            Err(e) => Err(e),
        }
    }
}

/// Milliseconds for a wait, rounded up so a wait never ends before the deadline.
pub(crate) fn timeout_ms(timeout: Option<Duration>) -> i32 {
    match timeout {
        None => -1,
        Some(d) => {
            let ms = d.as_nanos().div_ceil(1_000_000);
            ms.min(i32::MAX as u128) as i32
        }
    }
}
