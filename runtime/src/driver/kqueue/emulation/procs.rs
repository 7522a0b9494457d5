//! `EVFILT_PROC` of the emulation: a pidfd per watched process (as
//! libkqueue's `linux/proc.c`), in one epoll instance keyed by pid.
//!
//! Only `NOTE_EXIT`, which is all the driver asks for. As on FreeBSD, the
//! exit event carries `EV_EOF | EV_ONESHOT` and `NOTE_EXIT`, and firing
//! removes the registration; a delete of a pid not watched is `ENOENT`; an
//! add for a pid that does not exist is `ESRCH` (a zombie is still watched
//! and fires at once: its pidfd is readable). `data` is 0, not the exit
//! status: the driver reaps with `waitpid`, which reports it. Where the
//! kernel has no `pidfd_open` (before Linux 5.3) the add fails with
//! `ENOSYS`, and the process layer falls back to `SIGCHLD`.

use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Duration;

use super::filters::{epoll_create, epoll_ctl, epoll_wait};
use super::{kevent, EVFILT_PROC, EV_ADD, EV_DELETE, EV_EOF, EV_ONESHOT, NOTE_EXIT};
use crate::driver::process::pidfd_open;
use crate::sys::libc;

/// One watched process: its pidfd (closing it removes the epoll entry).
#[derive(Debug)]
pub(super) struct ProcKnote {
    pidfd: OwnedFd,
    udata: u64,
}

/// The epoll instance the pidfds are registered in.
#[derive(Debug)]
pub(super) struct Procs {
    ep: OwnedFd,
}

impl Procs {
    pub(super) fn new() -> io::Result<Procs> {
        Ok(Procs { ep: epoll_create()? })
    }

    pub(super) fn raw(&self) -> RawFd {
        self.ep.as_raw_fd()
    }

    pub(super) fn apply(&self, knotes: &mut HashMap<u32, ProcKnote>, ch: &kevent) -> Result<(), i32> {
        let pid = u32::try_from(ch.ident).map_err(|_| libc::ESRCH)?;
        if ch.flags & EV_DELETE != 0 {
            return knotes.remove(&pid).map(drop).ok_or(libc::ENOENT);
        }
        if ch.flags & EV_ADD == 0 || ch.fflags & NOTE_EXIT == 0 {
            return Err(libc::EINVAL);
        }
        if let Some(k) = knotes.get_mut(&pid) {
            k.udata = ch.udata;
            return Ok(());
        }
        let pidfd = pidfd_open(pid).map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
        epoll_ctl(self.raw(), libc::EPOLL_CTL_ADD, pidfd.as_raw_fd(), libc::EPOLLIN, u64::from(pid))
            .map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
        knotes.insert(pid, ProcKnote { pidfd, udata: ch.udata });
        Ok(())
    }

    /// Takes the exits that happened, at most `out.len()`; each fires once.
    pub(super) fn collect(&self, knotes: &mut HashMap<u32, ProcKnote>, out: &mut [kevent]) -> io::Result<usize> {
        if out.is_empty() || knotes.is_empty() {
            return Ok(0);
        }
        let mut buf = vec![libc::epoll_event { events: 0, u64: 0 }; out.len()];
        let got = epoll_wait(self.raw(), &mut buf, Some(Duration::ZERO))?;
        let mut n = 0;
        for ev in &buf[..got] {
            let pid = ev.u64 as u32;
            if let Some(k) = knotes.remove(&pid) {
                let flags = EV_EOF | EV_ONESHOT;
                out[n] = kevent {
                    ident: pid as usize,
                    filter: EVFILT_PROC,
                    flags,
                    fflags: NOTE_EXIT,
                    data: 0,
                    udata: k.udata,
                };
                n += 1;
                drop(k.pidfd);
            }
        }
        Ok(n)
    }
}
