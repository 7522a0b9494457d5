//! The kqueue driver (BSD, macOS; on Linux over libkqueue or `emulation/`).
//!
//! Registration changes are not applied at once: `register` and
//! `deregister` queue them in a [`Changelist`], and `wait` hands the whole
//! list to the `kevent` call that also waits. So with this driver
//! `change_syscalls == 0`, and every turn makes exactly one `kevent`
//! (`wait_syscalls == ticks`; an `EINTR` retry adds one).
//!
//! The rules (FreeBSD `kevent(2)` and `sys/kern/kern_event.c`, xnu
//! `bsd/kern/kern_event.c`, mio, polling, libevent; the table in
//! `docs/KQUEUE.md` says which kqueue does what):
//! - **Changes merge per (fd, filter)** as they are queued (`changelist.rs`).
//! - **Every deregistration deletes**: a value need not own its fd
//!   (`AsyncFd<RawFd>`, `AsyncFd<Arc<File>>`), and libkqueue keeps a filter
//!   after `close`. A delete that finds nothing (`ENOENT`, or `EBADF` for a
//!   closed fd) is not an error, though on FreeBSD it still ends that
//!   `kevent` before it waits: the price is one more (empty) turn. fd
//!   reuse is safe: a delete is queued before the fd is closed, so a new
//!   registration of the same number in the same tick merges into "delete,
//!   then add".
//! - **Errors per change** come back as `EV_ERROR` entries (the event list
//!   holds `changes + capacity`, so an error always finds room). Which
//!   change failed is found from the changelist entry with the same
//!   (ident, filter), in order, never from the returned `flags`: FreeBSD
//!   overwrites them with `EV_ERROR`, xnu and libkqueue OR it in. A failed
//!   add reaches its source, together with any events returned with it, in
//!   the same dispatch, and the turn ends: FreeBSD returns at once after a
//!   failure (libkqueue waits first, BUGS.md); waiting again here would
//!   hold the error back for a whole timeout. `EPIPE` on a write-filter add
//!   (a pipe whose reader is gone) is not an error either: the next write
//!   reports it.
//! - **`EV_EOF` on the read filter also wakes the writer**: some kqueues
//!   report a pipe or socket whose reader closed only that way (polling and
//!   Go's netpoll note the same).
//! - **EINTR**: the changes were applied already; the retry sends none.
//! - **Remote wake**: `waker.rs`.

mod changelist;
#[cfg(not(kqueue_ffi))]
mod emulation;
#[cfg(all(kqueue_ffi, target_os = "linux"))]
mod libkqueue;
mod lossy;
#[cfg_attr(not(feature = "process"), allow(dead_code))]
mod proc;
mod sys;
mod waker;

use std::io;
use std::os::fd::RawFd;
use std::sync::Arc;
use std::time::Duration;

use self::changelist::{Change, Changelist};
use self::sys::portable::{
    EVFILT_PROC, EVFILT_READ, EVFILT_WRITE, EV_ADD, EV_CLEAR, EV_DELETE, EV_EOF, EV_ERROR, NOTE_EXIT,
};
use self::sys::{KEvent, Kq};
use super::{DriverCounters, Event, Readiness};
use crate::sys::libc;
pub(crate) use waker::RemoteWaker;

/// Longest single wait: macOS rejects much longer timeouts with `EINVAL`.
const MAX_TIMEOUT: Duration = Duration::from_secs(86_400 * 365);

/// A kqueue, its pending changes and the buffers of one `kevent`.
#[derive(Debug)]
pub(crate) struct Kqueue {
    kq: Arc<Kq>,
    pending: Changelist,
    /// The changes of the current turn, kept to tell which one an
    /// `EV_ERROR` entry is for: every delete, then every add. (libkqueue
    /// shares one epoll registration between an fd's filters: with a
    /// number reused in the tick, an add before the other filter's delete
    /// would land on the closed file's state and fail.)
    sent: Vec<KEvent>,
    /// The adds of the turn, while the deletes are collected.
    adds: Vec<KEvent>,
    buf: Vec<KEvent>,
    capacity: usize,
    wake: waker::Local,
    remote: Option<RemoteWaker>,
    registered: lossy::Registered,
    pub(crate) counters: DriverCounters,
}

impl Kqueue {
    pub(crate) fn new(capacity: usize) -> io::Result<Kqueue> {
        Kqueue::with_wake(capacity, waker::Mechanism::Best)
    }

    fn with_wake(capacity: usize, mechanism: waker::Mechanism) -> io::Result<Kqueue> {
        let kq = Arc::new(Kq::new()?);
        let (wake, remote) = waker::new(&kq, mechanism)?;
        Ok(Kqueue {
            kq,
            pending: Changelist::default(),
            sent: Vec::new(),
            adds: Vec::new(),
            buf: Vec::new(),
            capacity: capacity.max(1),
            wake,
            remote: Some(remote),
            registered: lossy::Registered::new(),
            counters: DriverCounters::default(),
        })
    }

    /// Queues the two filters, the write filter first: libkqueue watches
    /// both with one epoll registration and keeps `EPOLLRDHUP` (so `EV_EOF`
    /// on data and FIN that arrive together) only if the read filter comes
    /// second. The order means nothing to FreeBSD.
    pub(crate) fn register(&mut self, fd: RawFd, token: u64) -> io::Result<()> {
        for filter in [EVFILT_WRITE, EVFILT_READ] {
            self.pending.add(fd, filter, token);
        }
        self.registered.insert((fd, 0), token);
        Ok(())
    }

    /// Stops reporting `fd`: a delete for each filter, whether or not the
    /// caller closes the fd next, since a closed fd number may
    /// still be registered (libkqueue) and a value may not own its fd. In
    /// `register`'s order, so a reuse in the same tick adds in that order too.
    pub(crate) fn deregister(&mut self, fd: RawFd) -> io::Result<()> {
        for filter in [EVFILT_WRITE, EVFILT_READ] {
            self.pending.delete(fd, filter);
        }
        self.registered.remove((fd, 0));
        Ok(())
    }

    pub(crate) fn wait(&mut self, events: &mut Vec<Event>, timeout: Option<Duration>) -> io::Result<()> {
        events.clear();
        let timeout = timeout.map(|d| d.min(MAX_TIMEOUT));
        self.take_changes();
        let blank = sys::event(0, 0, 0, 0, 0);
        self.buf.resize(self.sent.len() + self.capacity, blank);
        self.buf[..self.sent.len()].fill(blank); // see `stranded_errors`
        let (mut submit, mut failed) = (self.sent.len(), false);
        loop {
            self.counters.wait_syscalls += 1;
            match self.kq.kevent(&self.sent[..submit], &mut self.buf, timeout) {
                Ok(n) => {
                    let n = if n == 0 && submit > 0 { self.stranded_errors() } else { n };
                    failed |= self.collect(n, events);
                    self.registered.after_wait(n, self.buf.len(), events);
                    break;
                }
                // The changes were applied (kevent(2)); the retry sends none.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    if submit > 0 {
                        failed |= self.collect(self.stranded_errors(), events);
                    }
                    submit = 0;
                }
                Err(e) => return Err(super::syscall::annotate(e, "kevent")),
            }
        }
        if failed {
            self.counters.failed_change_turns += 1;
        }
        Ok(())
    }

    /// How many `EV_ERROR` entries lead the event list although `kevent`
    /// did not count them. libkqueue writes a failed change's entry, waits,
    /// and when that wait times out (or is interrupted) returns 0 (or -1),
    /// so the entry would be lost; FreeBSD returns at once with it counted.
    /// The prefix is blanked before each call, so only this call's entries
    /// are found.
    fn stranded_errors(&self) -> usize {
        let leading = self.buf[..self.sent.len()].iter();
        leading.take_while(|e| sys::fields(e).flags & EV_ERROR != 0).count()
    }

    /// Moves the pending changes into `sent`, as kernel changes.
    fn take_changes(&mut self) {
        self.sent.clear();
        self.sent.reserve(self.pending.len());
        let (deletes, adds) = (&mut self.sent, &mut self.adds);
        self.pending.drain(|fd, filter, change| {
            let (ident, add) = (fd as usize, EV_ADD | EV_CLEAR);
            if matches!(change, Change::Delete | Change::DeleteThenAdd(_)) {
                deletes.push(sys::event(ident, filter, EV_DELETE, 0, 0));
            }
            if let Change::Add(token) | Change::DeleteThenAdd(token) = change {
                let fflags = if filter == EVFILT_PROC { NOTE_EXIT } else { 0 };
                adds.push(sys::event(ident, filter, add, fflags, token));
            }
        });
        self.sent.append(&mut self.adds);
        self.counters.changes += self.sent.len() as u64;
    }

    /// Turns `n` kernel entries into [`Event`]s; returns whether a change
    /// failed in a way its source must hear about.
    fn collect(&self, n: usize, events: &mut Vec<Event>) -> bool {
        let mut failed = false;
        let mut next_change = 0;
        for ev in &self.buf[..n] {
            let f = sys::fields(ev);
            if f.flags & EV_ERROR != 0 {
                // Errors come in changelist order: find this one's change.
                let Some(i) = self.sent[next_change..].iter().position(|c| same_knote(c, &f)) else {
                    continue;
                };
                let change = sys::fields(&self.sent[next_change + i]);
                next_change += i + 1;
                if let Some(error) = reported_error(&change, f.data) {
                    events.push(Event { token: change.udata, readiness: Readiness::ERROR, error, socket_error: 0 });
                    failed = true;
                }
            } else if !self.wake.is_wake(&f) {
                events.push(Event {
                    token: f.udata,
                    readiness: readiness(&f),
                    error: 0,
                    socket_error: socket_error(&f),
                });
            }
        }
        failed
    }

    /// The handle other threads wake this driver with; there is one.
    pub(crate) fn remote_waker(&mut self) -> io::Result<RemoteWaker> {
        self.remote.take().ok_or_else(|| io::Error::other("the kqueue driver's remote waker was taken already"))
    }
}

fn same_knote(change: &KEvent, returned: &sys::Fields) -> bool {
    let c = sys::fields(change);
    (c.ident, c.filter) == (returned.ident, returned.filter)
}

/// The errno of a failed change that its source must see, or `None`: a
/// receipt (0), a delete that found nothing (`ENOENT`, `EBADF`: the fd was
/// closed, which dropped its filters), any other failed delete (the source
/// is gone), or `EPIPE` on a write-filter add (mio issue 582).
fn reported_error(change: &sys::Fields, data: i64) -> Option<i32> {
    let errno = i32::try_from(data).unwrap_or(libc::EINVAL);
    let write = change.filter == EVFILT_WRITE;
    let ignored = errno == 0 || change.flags & EV_ADD == 0 || (write && errno == libc::EPIPE);
    (!ignored).then_some(errno)
}

/// Maps one filter's event to [`Readiness`]. `EV_EOF` on the read filter
/// also lets a writer try (and see its error): some kqueues report a pipe
/// whose reader closed only on the read filter. A nonzero `fflags` with
/// `EV_EOF` is the socket's pending error.
fn readiness(f: &sys::Fields) -> Readiness {
    if f.filter == EVFILT_PROC {
        // The process exited (`proc.rs`).
        return Readiness::READABLE.union(Readiness::READ_CLOSED);
    }
    let eof = f.flags & EV_EOF != 0;
    let read = f.filter == EVFILT_READ;
    let mut r = if read { Readiness::READABLE } else { Readiness::WRITABLE };
    if eof {
        r = r.union(if read { Readiness::READ_CLOSED.union(Readiness::WRITABLE) } else { Readiness::WRITE_CLOSED });
        if f.fflags != 0 {
            r = r.union(Readiness::ERROR);
        }
    }
    r
}

/// The error of a socket that reported one (`EV_EOF` with a nonzero
/// `fflags`), taken with `SO_ERROR` for its source; 0 for anything else.
/// FreeBSD leaves `so_error` set (the next operation would return it),
/// but libkqueue takes it while building the event, so only the event
/// still knows it: the source gets it either way.
fn socket_error(f: &sys::Fields) -> i32 {
    // `EVFILT_PROC`'s ident is a pid and its `fflags` say `NOTE_EXIT`.
    if f.flags & EV_EOF == 0 || f.fflags == 0 || f.filter == EVFILT_PROC {
        return 0;
    }
    let (mut err, mut len): (libc::c_int, libc::socklen_t) = (0, std::mem::size_of::<libc::c_int>() as _);
    // SAFETY: `err` and `len` are valid for writes for the call; a number
    // that is not an open socket is reported as an error.
    let r = unsafe {
        libc::getsockopt(
            f.ident as RawFd,
            libc::SOL_SOCKET,
            libc::SO_ERROR,
            (&mut err as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    match (r, err) {
        (0, 0) => i32::try_from(f.fflags).unwrap_or(libc::EIO),
        (0, err) => err,
        // Not a socket (a pipe): its next operation reports the error.
        _ => 0,
    }
}

#[cfg(test)]
mod tests;
