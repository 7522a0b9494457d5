//! A kqueue emulated on epoll, for running the kqueue driver on Linux.
//!
//! Test-only (feature `kqueue-emulation`): it exists so that the whole test
//! suite exercises the kqueue driver's changelist, batching and error paths
//! on Linux. It keeps the semantics the driver relies on:
//! - the changelist is applied in order, before waiting;
//! - `EV_ADD` (adds or modifies), `EV_DELETE` (`ENOENT` if absent, `EBADF` for
//!   a closed fd), `EV_CLEAR` (edge-triggered; without it, level-triggered);
//! - a failed change becomes an `EV_ERROR` event (`data` = errno) when the
//!   event list has room — and then `kevent` returns at once, without
//!   waiting; with no room it returns -1 with that errno, and the rest of
//!   the changelist is not applied;
//! - one event per filter: `EVFILT_READ` and `EVFILT_WRITE` of one fd come
//!   as two events, each with its own `udata`; `EV_EOF` on hang-up (and for
//!   the write filter on error); `fflags` stays 0 (see `translate`);
//! - `EVFILT_USER` with `NOTE_TRIGGER`, from any thread (an eventfd);
//! - closing an fd drops its filters (detected when the fd number is added
//!   again, since epoll forgets a closed fd on its own).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::driver::syscall::{context, cvt};

// The FreeBSD values.
pub(crate) const EVFILT_READ: i16 = -1;
pub(crate) const EVFILT_WRITE: i16 = -2;
pub(crate) const EVFILT_USER: i16 = -11;
pub(crate) const EV_ADD: u16 = 0x0001;
pub(crate) const EV_DELETE: u16 = 0x0002;
pub(crate) const EV_CLEAR: u16 = 0x0020;
pub(crate) const EV_EOF: u16 = 0x8000;
pub(crate) const EV_ERROR: u16 = 0x4000;
pub(crate) const NOTE_TRIGGER: u32 = 0x0100_0000;

/// The epoll key of the user-event eventfd; no fd has this number.
const USER_KEY: u64 = u64::MAX;

/// `struct kevent`, with the FreeBSD field names.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct kevent {
    pub(crate) ident: usize,
    pub(crate) filter: i16,
    pub(crate) flags: u16,
    pub(crate) fflags: u32,
    pub(crate) data: i64,
    pub(crate) udata: u64,
}

/// One registered filter.
#[derive(Debug, Clone, Copy)]
struct Knote {
    udata: u64,
    clear: bool,
}

#[derive(Debug, Default)]
struct Filters {
    read: Option<Knote>,
    write: Option<Knote>,
}

#[derive(Debug, Default)]
struct State {
    fds: HashMap<RawFd, Filters>,
    user: Option<Knote>,
}

/// An emulated kqueue: an epoll fd, an eventfd for `EVFILT_USER`, and the
/// registered filters.
#[derive(Debug)]
pub(crate) struct Kq {
    ep: OwnedFd,
    user: File,
    state: Mutex<State>,
}

impl Kq {
    pub(crate) fn new() -> io::Result<Kq> {
        // SAFETY: no pointers; the result is checked by cvt.
        let ep = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) }).map_err(|e| context(e, "epoll_create1"))?;
        // SAFETY: `ep` was just returned by the kernel and nothing else owns it.
        let ep = unsafe { OwnedFd::from_raw_fd(ep) };
        // SAFETY: no pointers; the result is checked by cvt.
        let user = cvt(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) })?;
        // SAFETY: as above.
        let user = unsafe { File::from_raw_fd(user) };
        let kq = Kq { ep, user, state: Mutex::new(State::default()) };
        kq.epoll_ctl(libc::EPOLL_CTL_ADD, kq.user.as_raw_fd(), libc::EPOLLIN | libc::EPOLLET, USER_KEY)?;
        Ok(kq)
    }

    /// Applies `changes` in order, then (if none failed) waits for events.
    pub(crate) fn kevent(
        &self,
        changes: &[kevent],
        events: &mut [kevent],
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        let mut n = 0;
        {
            let mut state = self.lock();
            for change in changes {
                if let Err(errno) = self.apply(&mut state, change) {
                    if n == events.len() {
                        return Err(io::Error::from_raw_os_error(errno));
                    }
                    events[n] = kevent { flags: change.flags | EV_ERROR, data: i64::from(errno), ..*change };
                    n += 1;
                }
            }
        }
        if n > 0 || events.is_empty() {
            return Ok(n);
        }
        self.wait(events, timeout)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn apply(&self, state: &mut State, ch: &kevent) -> Result<(), i32> {
        match ch.filter {
            EVFILT_USER => Self::apply_user(state, ch, &self.user),
            EVFILT_READ | EVFILT_WRITE => self.apply_fd(state, ch),
            _ => Err(libc::EINVAL),
        }
    }

    fn apply_user(state: &mut State, ch: &kevent, user: &File) -> Result<(), i32> {
        if ch.flags & EV_ADD != 0 {
            state.user = Some(Knote { udata: ch.udata, clear: ch.flags & EV_CLEAR != 0 });
        }
        if ch.flags & EV_DELETE != 0 && state.user.take().is_none() {
            return Err(libc::ENOENT);
        }
        if ch.fflags & NOTE_TRIGGER != 0 {
            state.user.ok_or(libc::ENOENT)?;
            (&*user).write_all(&1u64.to_ne_bytes()).map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
        }
        Ok(())
    }

    fn apply_fd(&self, state: &mut State, ch: &kevent) -> Result<(), i32> {
        let fd = RawFd::try_from(ch.ident).map_err(|_| libc::EBADF)?;
        // SAFETY: fcntl with integer arguments only checks that `fd` is open.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
            return Err(libc::EBADF);
        }
        let mut filters = state.fds.remove(&fd).unwrap_or_default();
        let slot = if ch.filter == EVFILT_READ { &mut filters.read } else { &mut filters.write };
        if ch.flags & EV_DELETE != 0 && slot.take().is_none() {
            state.fds.insert(fd, filters);
            return Err(libc::ENOENT);
        }
        if ch.flags & EV_ADD != 0 {
            *slot = Some(Knote { udata: ch.udata, clear: ch.flags & EV_CLEAR != 0 });
        }
        let result = self.sync_epoll(fd, &mut filters);
        if filters.read.is_some() || filters.write.is_some() {
            state.fds.insert(fd, filters);
        }
        result
    }

    /// Makes the epoll registration of `fd` match its filters. A fresh
    /// `EPOLL_CTL_ADD` succeeding means epoll had forgotten the fd (it was
    /// closed and its number reused): the old filters are gone, as kqueue
    /// drops them on close.
    fn sync_epoll(&self, fd: RawFd, filters: &mut Filters) -> Result<(), i32> {
        let interest = interest(filters);
        if interest == 0 {
            let _ = self.epoll_ctl(libc::EPOLL_CTL_DEL, fd, 0, 0);
            return Ok(());
        }
        match self.epoll_ctl(libc::EPOLL_CTL_MOD, fd, interest, fd as u64) {
            Ok(()) => Ok(()),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => self
                .epoll_ctl(libc::EPOLL_CTL_ADD, fd, interest, fd as u64)
                .map_err(|e| e.raw_os_error().unwrap_or(libc::EIO)),
            Err(e) => Err(e.raw_os_error().unwrap_or(libc::EIO)),
        }
    }

    fn epoll_ctl(&self, op: i32, fd: RawFd, events: i32, key: u64) -> io::Result<()> {
        let mut ev = libc::epoll_event { events: events as u32, u64: key };
        // SAFETY: `ev` is valid for the call; a bad fd is reported as an error.
        cvt(unsafe { libc::epoll_ctl(self.ep.as_raw_fd(), op, fd, &mut ev) }).map(drop)
    }

    fn wait(&self, events: &mut [kevent], timeout: Option<Duration>) -> io::Result<usize> {
        // Each epoll event may become two kevents (read and write).
        let mut buf = vec![libc::epoll_event { events: 0, u64: 0 }; events.len().div_ceil(2)];
        let ms = crate::driver::epoll::timeout_ms(timeout);
        // SAFETY: `buf` holds `buf.len()` initialised epoll_events for the call.
        let got = cvt(unsafe { libc::epoll_wait(self.ep.as_raw_fd(), buf.as_mut_ptr(), buf.len() as i32, ms) })?;
        let state = self.lock();
        let mut n = 0;
        for ev in &buf[..got as usize] {
            let (bits, key) = (ev.events, ev.u64);
            for out in translate(&state, bits, key, &self.user) {
                events[n] = out;
                n += 1;
            }
        }
        Ok(n)
    }
}

/// The epoll interest for a set of filters; edge-triggered if every filter
/// has `EV_CLEAR`.
fn interest(f: &Filters) -> i32 {
    let mut bits = 0;
    if f.read.is_some() {
        bits |= libc::EPOLLIN | libc::EPOLLRDHUP;
    }
    if f.write.is_some() {
        bits |= libc::EPOLLOUT;
    }
    let all_clear = f.read.iter().chain(f.write.iter()).all(|k| k.clear);
    if bits != 0 && all_clear {
        bits |= libc::EPOLLET;
    }
    bits
}

/// The kevents one epoll event stands for: one per registered filter it reports.
fn translate(state: &State, bits: u32, key: u64, user: &File) -> Vec<kevent> {
    let has = |flag: i32| bits & flag as u32 != 0;
    if key == USER_KEY {
        let mut drain = [0u8; 8];
        let _ = (&*user).read(&mut drain);
        return state
            .user
            .iter()
            .map(|k| kevent { filter: EVFILT_USER, udata: k.udata, ..kevent::default() })
            .collect();
    }
    let fd = key as RawFd;
    let Some(filters) = state.fds.get(&fd) else { return Vec::new() };
    // Real kqueue reports the socket error in `fflags`; reading SO_ERROR
    // here would clear it before the read or write that should return it,
    // so the emulation leaves `fflags` 0 and the operation reports it.
    let error = 0;
    let mut out = Vec::with_capacity(2);
    if let Some(k) = filters.read.filter(|_| has(libc::EPOLLIN | libc::EPOLLRDHUP | libc::EPOLLHUP | libc::EPOLLERR)) {
        let eof = has(libc::EPOLLRDHUP | libc::EPOLLHUP);
        out.push(fd_event(fd, EVFILT_READ, k.udata, eof, error));
    }
    if let Some(k) = filters.write.filter(|_| has(libc::EPOLLOUT | libc::EPOLLHUP | libc::EPOLLERR)) {
        let eof = has(libc::EPOLLHUP | libc::EPOLLERR);
        out.push(fd_event(fd, EVFILT_WRITE, k.udata, eof, error));
    }
    out
}

fn fd_event(fd: RawFd, filter: i16, udata: u64, eof: bool, error: u32) -> kevent {
    let flags = if eof { EV_EOF } else { 0 };
    kevent { ident: fd as usize, filter, flags, fflags: if eof { error } else { 0 }, data: 0, udata }
}
