//! The kqueue driver (BSD, macOS; on Linux over `emulation.rs`).
//!
//! Registration changes are not applied at once: `register` and
//! `deregister` queue them in a changelist, and `wait` hands the whole list
//! to the `kevent` call that also waits. So with this driver
//! `change_syscalls == 0`, and a turn makes exactly one `kevent` unless a
//! change fails.
//!
//! The rules (FreeBSD `kevent(2)`, `kern_event.c`; libevent and libuv do the
//! same):
//! - **One pending entry per (fd, filter)**, merged as it is queued: an add
//!   after a queued delete replaces it; a delete after a queued add that
//!   never reached the kernel cancels it (and is not sent either).
//! - **Errors per change** come back as `EV_ERROR` events; the kernel then
//!   returns without waiting, so the turn waits again with an empty list
//!   (`failed_change_turns`). The event list holds at least
//!   `pending changes + capacity` entries, so an error always finds room
//!   (with no room the kernel stops at the first failure). `ENOENT`/`EBADF`
//!   on a delete and `EPIPE` on the write filter are not errors.
//! - **fd reuse**: closing an fd removes its filters in the kernel, so a
//!   source that is closing only purges its own pending changes and sends
//!   no delete, which could otherwise land on the next user of the number.
//! - **EINTR**: the changes were applied already; the retry sends none.
//! - **Remote wake**: `EVFILT_USER` with `EV_CLEAR`, set up once when the
//!   queue is made (not counted as a change); triggers keep `EV_CLEAR`.

#[cfg(target_os = "linux")]
mod emulation;
mod sys;

use std::collections::HashMap;
use std::io;
use std::os::fd::RawFd;
use std::sync::Arc;
use std::time::Duration;

use self::sys::{KEvent, Kq, EVFILT_READ, EVFILT_USER, EVFILT_WRITE, EV_ADD, EV_CLEAR, EV_DELETE, EV_EOF, EV_ERROR};
use super::{DriverCounters, Event, Readiness};

/// The `ident` of the user event that ends a wait.
const WAKE_IDENT: usize = 0;
/// The token the user event carries; the reactor never hands it out.
const WAKE_TOKEN: u64 = u64::MAX;
/// Longest single wait: macOS rejects much longer timeouts with `EINVAL`.
const MAX_TIMEOUT: Duration = Duration::from_secs(86_400 * 365);

/// A kqueue, its pending changelist and the buffer its waits fill.
#[derive(Debug)]
pub(crate) struct Kqueue {
    kq: Arc<Kq>,
    changes: Vec<KEvent>,
    /// Index in `changes` of the pending entry for each (fd, filter).
    pending: HashMap<(RawFd, i64), usize>,
    buf: Vec<KEvent>,
    capacity: usize,
    pub(crate) counters: DriverCounters,
}

impl Kqueue {
    pub(crate) fn new(capacity: usize) -> io::Result<Kqueue> {
        let kq = Arc::new(Kq::new()?);
        let user = sys::event(WAKE_IDENT, EVFILT_USER.into(), (EV_ADD | EV_CLEAR).into(), 0, WAKE_TOKEN);
        kq.kevent(&[user], &mut [], Some(Duration::ZERO))?;
        Ok(Kqueue {
            kq,
            changes: Vec::new(),
            pending: HashMap::new(),
            buf: Vec::new(),
            capacity: capacity.max(1),
            counters: DriverCounters::default(),
        })
    }

    pub(crate) fn register(&mut self, fd: RawFd, token: u64) -> io::Result<()> {
        for filter in [EVFILT_READ, EVFILT_WRITE] {
            self.queue(fd, filter.into(), (EV_ADD | EV_CLEAR).into(), token);
        }
        Ok(())
    }

    /// Stops reporting `fd`. If the caller is about to close it, the kernel
    /// drops its filters by itself and only pending changes are purged.
    pub(crate) fn deregister(&mut self, fd: RawFd, closing: bool) -> io::Result<()> {
        for filter in [EVFILT_READ, EVFILT_WRITE] {
            if closing {
                self.purge(fd, filter.into());
            } else {
                self.queue(fd, filter.into(), EV_DELETE.into(), 0);
            }
        }
        Ok(())
    }

    /// Queues one change, merged with a pending one for the same (fd, filter).
    fn queue(&mut self, fd: RawFd, filter: i64, flags: u32, token: u64) {
        let change = sys::event(fd as usize, filter, flags, 0, token);
        match self.pending.get(&(fd, filter)) {
            Some(&i) if is_add(&self.changes[i]) && flags & u32::from(EV_DELETE) != 0 => self.purge(fd, filter),
            Some(&i) => self.changes[i] = change,
            None => {
                self.pending.insert((fd, filter), self.changes.len());
                self.changes.push(change);
            }
        }
    }

    /// Drops the pending change for (fd, filter), if any.
    fn purge(&mut self, fd: RawFd, filter: i64) {
        let Some(i) = self.pending.remove(&(fd, filter)) else { return };
        self.changes.swap_remove(i);
        if let Some(moved) = self.changes.get(i) {
            let f = sys::fields(moved);
            self.pending.insert((f.ident as RawFd, f.filter), i);
        }
    }

    pub(crate) fn wait(&mut self, events: &mut Vec<Event>, timeout: Option<Duration>) -> io::Result<()> {
        events.clear();
        let timeout = timeout.map(|d| d.min(MAX_TIMEOUT));
        let mut changes = std::mem::take(&mut self.changes);
        self.pending.clear();
        self.buf.resize(changes.len() + self.capacity, sys::event(0, 0, 0, 0, 0));
        self.counters.changes += changes.len() as u64;
        loop {
            self.counters.wait_syscalls += 1;
            let result = self.kq.kevent(&changes, &mut self.buf, timeout);
            // Applied in every case: on success, and (the man page) on EINTR.
            changes.clear();
            let n = match result {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(super::syscall::context(e, "kevent")),
            };
            if self.collect(n, events) == 0 {
                break;
            }
            // The kernel returned the errors without waiting: wait again,
            // with the (now empty) changelist, which cannot fail.
            self.counters.failed_change_turns += 1;
        }
        self.changes = changes;
        Ok(())
    }

    /// Turns `n` kernel events into [`Event`]s; returns how many were errors.
    fn collect(&self, n: usize, events: &mut Vec<Event>) -> usize {
        let mut errors = 0;
        for ev in &self.buf[..n] {
            let f = sys::fields(ev);
            if f.flags & u32::from(EV_ERROR) != 0 {
                errors += 1;
                if f.data != 0 && !ignored_error(&f) {
                    events.push(Event { token: f.udata, readiness: Readiness::ERROR, error: f.data as i32 });
                }
                continue;
            }
            if f.filter == i64::from(EVFILT_USER) {
                continue;
            }
            events.push(Event { token: f.udata, readiness: readiness(&f), error: 0 });
        }
        errors
    }

    pub(crate) fn remote_waker(&self) -> RemoteWaker {
        RemoteWaker { kq: self.kq.clone() }
    }
}

fn is_add(change: &KEvent) -> bool {
    sys::fields(change).flags & u32::from(EV_ADD) != 0
}

/// Errors the kernel reports that mean nothing went wrong (mio issue 582).
fn ignored_error(f: &sys::Fields) -> bool {
    let errno = f.data as i32;
    let delete = f.flags & u32::from(EV_DELETE) != 0;
    (delete && (errno == libc::ENOENT || errno == libc::EBADF))
        || (f.filter == i64::from(EVFILT_WRITE) && errno == libc::EPIPE)
}

/// Maps one filter's event to [`Readiness`].
fn readiness(f: &sys::Fields) -> Readiness {
    let eof = f.flags & u32::from(EV_EOF) != 0;
    let (ready, closed) = if f.filter == i64::from(EVFILT_READ) {
        (Readiness::READABLE, Readiness::READ_CLOSED)
    } else {
        (Readiness::WRITABLE, Readiness::WRITE_CLOSED)
    };
    match (eof, f.fflags != 0) {
        (false, _) => ready,
        (true, false) => ready.union(closed),
        (true, true) => ready.union(closed).union(Readiness::ERROR),
    }
}

/// Ends a wait from any thread: triggers the user event.
#[derive(Debug)]
pub(crate) struct RemoteWaker {
    kq: Arc<Kq>,
}

impl RemoteWaker {
    pub(crate) fn wake(&self) -> io::Result<()> {
        let flags = u32::from(EV_CLEAR);
        let trigger = sys::event(WAKE_IDENT, EVFILT_USER.into(), flags, sys::NOTE_TRIGGER, WAKE_TOKEN);
        self.kq.kevent(&[trigger], &mut [], Some(Duration::ZERO)).map(drop)
    }
}

#[cfg(test)]
mod tests;
