//! A kqueue emulated on epoll, for running the kqueue driver on Linux.
//!
//! Test-only (feature `kqueue-emulation`): it exists so that the whole test
//! suite exercises the kqueue driver's changelist, batching and error paths
//! on Linux. Where the driver depends on a kqueue's behaviour, it behaves as
//! FreeBSD does (`sys/kern/kern_event.c`; the table in
//! `docs/KQUEUE.md`):
//! - the changelist is applied in order, before waiting; `EV_ADD` adds or
//!   modifies, `EV_DELETE` is `ENOENT` if absent and `EBADF` for a closed fd,
//!   `EV_CLEAR` is edge-triggered (without it, level-triggered);
//! - a failed change becomes an entry whose `flags` are `EV_ERROR` alone
//!   (FreeBSD overwrites them) and `data` the errno, when the event list has
//!   room, and then `kevent` returns at once without waiting; with no room it
//!   returns -1 with that errno and the rest of the changelist is not applied;
//! - each filter fires on its own edges: `EVFILT_READ` and `EVFILT_WRITE`
//!   watch the fd from two epoll instances (`filters.rs`), so a read edge
//!   does not report the write filter; `EV_EOF` on hang-up or error, and a
//!   socket's error in `fflags` (taken with `SO_ERROR`, as libkqueue does:
//!   FreeBSD leaves it set; the driver copes with both);
//! - closing an fd drops its filters: a reused number starts with none
//!   (epoll, which forgets a closed fd by itself, tells);
//! - a write-filter add on a pipe whose reader is gone fails with `EPIPE`;
//! - `EVFILT_USER`: `NOTE_TRIGGER` triggers, and `EV_CLEAR` in the same (or
//!   a later) change resets the trigger, as in `filt_usertouch`; triggers
//!   come from any thread (an eventfd);
//! - `EVFILT_PROC` with `NOTE_EXIT`: a pidfd per process (`procs.rs`);
//! - timeouts have nanosecond resolution (`epoll_pwait2`).

mod filters;
mod procs;

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use self::filters::Filter;
use self::procs::{ProcKnote, Procs};
use crate::driver::syscall::{annotate, cvt};
use crate::sys::libc;

// The FreeBSD values.
pub(crate) const EVFILT_READ: i16 = -1;
pub(crate) const EVFILT_WRITE: i16 = -2;
pub(crate) const EVFILT_PROC: i16 = -5;
pub(crate) const EVFILT_USER: i16 = -11;
pub(crate) const EV_ADD: u16 = 0x0001;
pub(crate) const EV_DELETE: u16 = 0x0002;
pub(crate) const EV_ONESHOT: u16 = 0x0010;
pub(crate) const EV_CLEAR: u16 = 0x0020;
pub(crate) const EV_EOF: u16 = 0x8000;
pub(crate) const EV_ERROR: u16 = 0x4000;
pub(crate) const NOTE_TRIGGER: u32 = 0x0100_0000;
pub(crate) const NOTE_EXIT: u32 = 0x8000_0000;

/// Keys in the outer epoll instance.
const USER_KEY: u64 = u64::MAX;
const READ_KEY: u64 = u64::MAX - 1;
const WRITE_KEY: u64 = u64::MAX - 2;
const PROC_KEY: u64 = u64::MAX - 3;

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

/// One registered fd filter.
#[derive(Debug, Clone, Copy)]
struct Knote {
    udata: u64,
    clear: bool,
}

/// The user event.
#[derive(Debug, Clone, Copy)]
struct UserKnote {
    udata: u64,
    clear: bool,
    triggered: bool,
}

#[derive(Debug, Default)]
struct State {
    fds: HashMap<(RawFd, i16), Knote>,
    user: Option<UserKnote>,
    procs: HashMap<u32, ProcKnote>,
}

/// An emulated kqueue: an epoll instance per fd filter, an eventfd for
/// `EVFILT_USER`, one for the pidfds of `EVFILT_PROC`, and an outer epoll
/// instance that waits on all four.
#[derive(Debug)]
pub(crate) struct Kq {
    outer: OwnedFd,
    read: Filter,
    write: Filter,
    procs: Procs,
    user: File,
    state: Mutex<State>,
}

impl Kq {
    pub(crate) fn new() -> io::Result<Kq> {
        let outer = filters::epoll_create()?;
        // SAFETY: no pointers; the result is checked by cvt.
        let user = cvt(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) })?;
        // SAFETY: `user` was just returned by the kernel and nothing else owns it.
        let user = unsafe { File::from_raw_fd(user) };
        let kq = Kq {
            outer,
            read: Filter::new(EVFILT_READ)?,
            write: Filter::new(EVFILT_WRITE)?,
            procs: Procs::new()?,
            user,
            state: Default::default(),
        };
        let ep = kq.outer.as_raw_fd();
        filters::epoll_ctl(ep, libc::EPOLL_CTL_ADD, kq.user.as_raw_fd(), libc::EPOLLIN | libc::EPOLLET, USER_KEY)?;
        filters::epoll_ctl(ep, libc::EPOLL_CTL_ADD, kq.read.raw(), libc::EPOLLIN, READ_KEY)?;
        filters::epoll_ctl(ep, libc::EPOLL_CTL_ADD, kq.write.raw(), libc::EPOLLIN, WRITE_KEY)?;
        filters::epoll_ctl(ep, libc::EPOLL_CTL_ADD, kq.procs.raw(), libc::EPOLLIN, PROC_KEY)?;
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
                    events[n] = kevent { flags: EV_ERROR, data: i64::from(errno), ..*change };
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
            EVFILT_USER => self.apply_user(state, ch),
            EVFILT_READ => self.read.apply(&mut state.fds, ch),
            EVFILT_WRITE => self.write.apply(&mut state.fds, ch),
            EVFILT_PROC => self.procs.apply(&mut state.procs, ch),
            _ => Err(libc::EINVAL),
        }
    }

    /// FreeBSD's `filt_usertouch`: `NOTE_TRIGGER` sets the trigger, then
    /// `EV_CLEAR` in the same change resets it.
    fn apply_user(&self, state: &mut State, ch: &kevent) -> Result<(), i32> {
        if ch.flags & EV_DELETE != 0 {
            return state.user.take().map(drop).ok_or(libc::ENOENT);
        }
        if ch.flags & EV_ADD != 0 && state.user.is_none() {
            state.user = Some(UserKnote { udata: ch.udata, clear: ch.flags & EV_CLEAR != 0, triggered: false });
        }
        let user = state.user.as_mut().ok_or(libc::ENOENT)?;
        user.udata = ch.udata;
        if ch.fflags & NOTE_TRIGGER != 0 {
            user.triggered = true;
        }
        if ch.flags & EV_CLEAR != 0 {
            user.triggered = false;
        }
        if user.triggered {
            (&self.user).write_all(&1u64.to_ne_bytes()).map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
        }
        Ok(())
    }

    fn wait(&self, events: &mut [kevent], timeout: Option<Duration>) -> io::Result<usize> {
        let mut ready = [libc::epoll_event { events: 0, u64: 0 }; 4];
        let got =
            filters::epoll_wait(self.outer.as_raw_fd(), &mut ready, timeout).map_err(|e| annotate(e, "epoll_wait"))?;
        let mut state = self.lock();
        let mut n = 0;
        for key in ready[..got].iter().map(|ev| ev.u64) {
            if key == USER_KEY {
                let mut drain = [0u8; 8];
                let _ = (&self.user).read(&mut drain);
            }
        }
        if let Some(user) = state.user.as_mut().filter(|u| u.triggered) {
            events[n] = kevent { filter: EVFILT_USER, udata: user.udata, ..kevent::default() };
            n += 1;
            if user.clear {
                user.triggered = false;
            }
        }
        n += self.read.collect(&state.fds, &mut events[n..])?;
        n += self.write.collect(&state.fds, &mut events[n..])?;
        n += self.procs.collect(&mut state.procs, &mut events[n..])?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
