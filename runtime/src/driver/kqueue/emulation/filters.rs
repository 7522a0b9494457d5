//! `EVFILT_READ` and `EVFILT_WRITE` of the emulation: one epoll instance
//! per filter, so each fires on its own edges (a wake-up of a socket's read
//! side is not reported to its write filter), and epoll helpers.

use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use super::{kevent, Knote, EVFILT_READ, EV_ADD, EV_CLEAR, EV_DELETE, EV_EOF};
use crate::driver::syscall::{annotate, cvt};
use crate::sys::libc;

/// The registrations of one filter: an epoll instance keyed by fd.
#[derive(Debug)]
pub(super) struct Filter {
    ep: OwnedFd,
    filter: i16,
}

impl Filter {
    pub(super) fn new(filter: i16) -> io::Result<Filter> {
        Ok(Filter { ep: epoll_create()?, filter })
    }

    pub(super) fn raw(&self) -> RawFd {
        self.ep.as_raw_fd()
    }

    /// Applies one change to this filter of fd `ch.ident`.
    pub(super) fn apply(&self, knotes: &mut HashMap<(RawFd, i16), Knote>, ch: &kevent) -> Result<(), i32> {
        let fd = RawFd::try_from(ch.ident).map_err(|_| libc::EBADF)?;
        // SAFETY: fcntl with integer arguments only checks that `fd` is open.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
            return Err(libc::EBADF);
        }
        let key = (fd, self.filter);
        // A knote whose fd was closed since is gone, as kqueue drops the
        // filters of a closed fd: epoll no longer knows (file, number).
        if let Some(k) = knotes.get(&key) {
            if self.ctl(libc::EPOLL_CTL_MOD, fd, k.clear).is_err() {
                knotes.remove(&key);
            }
        }
        if ch.flags & EV_DELETE != 0 {
            knotes.remove(&key).ok_or(libc::ENOENT)?;
            let _ = self.ctl(libc::EPOLL_CTL_DEL, fd, false);
            return Ok(());
        }
        if ch.flags & EV_ADD != 0 {
            let clear = ch.flags & EV_CLEAR != 0;
            if knotes.contains_key(&key) {
                self.ctl(libc::EPOLL_CTL_MOD, fd, clear).map_err(errno)?;
            } else {
                if self.filter != EVFILT_READ && pipe_reader_gone(fd) {
                    return Err(libc::EPIPE);
                }
                // EEXIST: a closed fd's registration lives on in a dup.
                match self.ctl(libc::EPOLL_CTL_ADD, fd, clear) {
                    Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {
                        self.ctl(libc::EPOLL_CTL_MOD, fd, clear).map_err(errno)?
                    }
                    other => other.map_err(errno)?,
                }
            }
            knotes.insert(key, Knote { udata: ch.udata, clear });
        }
        Ok(())
    }

    fn ctl(&self, op: i32, fd: RawFd, clear: bool) -> io::Result<()> {
        let mut bits = if self.filter == EVFILT_READ { libc::EPOLLIN | libc::EPOLLRDHUP } else { libc::EPOLLOUT };
        if clear {
            bits |= libc::EPOLLET;
        }
        epoll_ctl(self.ep.as_raw_fd(), op, fd, bits, fd as u64)
    }

    /// Takes this filter's ready events, at most `out.len()`; the rest stay
    /// queued in its epoll instance for the next wait.
    pub(super) fn collect(&self, knotes: &HashMap<(RawFd, i16), Knote>, out: &mut [kevent]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        let mut buf = vec![libc::epoll_event { events: 0, u64: 0 }; out.len()];
        let got = epoll_wait(self.ep.as_raw_fd(), &mut buf, Some(Duration::ZERO))?;
        let mut n = 0;
        for ev in &buf[..got] {
            let fd = ev.u64 as RawFd;
            if let Some(k) = knotes.get(&(fd, self.filter)) {
                out[n] = self.event(fd, ev.events, k.udata);
                n += 1;
            }
        }
        Ok(n)
    }

    fn event(&self, fd: RawFd, bits: u32, udata: u64) -> kevent {
        let has = |flag: i32| bits & flag as u32 != 0;
        let hangup = if self.filter == EVFILT_READ { libc::EPOLLRDHUP | libc::EPOLLHUP } else { libc::EPOLLHUP };
        let eof = has(hangup | libc::EPOLLERR);
        let fflags = if has(libc::EPOLLERR) { take_socket_error(fd) } else { 0 };
        let flags = if eof { EV_EOF } else { 0 };
        kevent { ident: fd as usize, filter: self.filter, flags, fflags, data: 0, udata }
    }
}

/// A socket's pending error (0 for anything else). Taking it clears it, as
/// libkqueue does; FreeBSD reports `so_error` without clearing it.
fn take_socket_error(fd: RawFd) -> u32 {
    let mut err: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `err` and `len` are valid for writes for the call.
    let r = unsafe {
        libc::getsockopt(fd, libc::SOL_SOCKET, libc::SO_ERROR, (&mut err as *mut libc::c_int).cast(), &mut len)
    };
    if r == 0 {
        err as u32
    } else {
        0
    }
}

/// Whether `fd` is a pipe's write end whose reader is closed.
fn pipe_reader_gone(fd: RawFd) -> bool {
    // SAFETY: an all-zero `stat` is a valid value to be overwritten.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is valid for writes for the call.
    if unsafe { libc::fstat(fd, &mut st) } != 0 || st.st_mode & libc::S_IFMT != libc::S_IFIFO {
        return false;
    }
    let mut pfd = libc::pollfd { fd, events: libc::POLLOUT, revents: 0 };
    // SAFETY: one valid pollfd, no wait.
    let r = unsafe { libc::poll(&mut pfd, 1, 0) };
    r == 1 && pfd.revents & libc::POLLERR != 0
}

fn errno(e: io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

pub(super) fn epoll_create() -> io::Result<OwnedFd> {
    // SAFETY: no pointers; the result is checked by cvt.
    let ep = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) }).map_err(|e| annotate(e, "epoll_create1"))?;
    // SAFETY: `ep` was just returned by the kernel and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(ep) })
}

pub(super) fn epoll_ctl(ep: RawFd, op: i32, fd: RawFd, events: i32, key: u64) -> io::Result<()> {
    let mut ev = libc::epoll_event { events: events as u32, u64: key };
    // SAFETY: `ev` is valid for the call; a bad fd is reported as an error.
    cvt(unsafe { libc::epoll_ctl(ep, op, fd, &mut ev) }).map(drop)
}

/// Waits with nanosecond resolution (`epoll_pwait2`), or where the kernel
/// lacks it with the timeout rounded up to whole milliseconds.
pub(super) fn epoll_wait(ep: RawFd, buf: &mut [libc::epoll_event], timeout: Option<Duration>) -> io::Result<usize> {
    let (ptr, len) = (buf.as_mut_ptr(), buf.len().min(i32::MAX as usize) as i32);
    if let Some(d) = timeout {
        let ts = libc::timespec { tv_sec: d.as_secs().min(i32::MAX as u64) as _, tv_nsec: d.subsec_nanos() as _ };
        let no_mask: *const libc::sigset_t = std::ptr::null();
        // SAFETY: `ptr` points to `len` initialised epoll_events; `ts`
        // outlives the call; a null mask keeps the thread's mask.
        let r = unsafe {
            libc::syscall(libc::SYS_epoll_pwait2, ep, ptr, len, &ts as *const libc::timespec, no_mask, 0usize)
        };
        match cvt(r as isize) {
            Err(e) if e.raw_os_error() == Some(libc::ENOSYS) => {}
            other => return other.map(|n| n as usize),
        }
    }
    let ms = crate::driver::epoll::timeout_ms(timeout);
    // SAFETY: as above.
    cvt(unsafe { libc::epoll_wait(ep, ptr, len, ms) }).map(|n| n as usize)
}
