//! The io_uring driver (Linux, feature `io-uring`), in readiness mode.
//!
//! Each source is one multishot `POLL_ADD` for `POLLIN | POLLOUT |
//! POLLRDHUP` (no `POLLPRI`: see `readiness`). Without `IORING_POLL_ADD_LEVEL` the kernel arms it
//! edge-triggered: a completion per wake-up, plus one at once if the file
//! is ready when armed (the initial write edge epoll also gives). The poll
//! mask means what epoll's bits mean, so [`epoll::readiness`] reads it.
//!
//! - **Adds ride in the wait.** `register` writes its SQE into the
//!   submission queue; the `io_uring_enter` that waits submits it. Many
//!   registrations in one tick cost no system call (a full queue is
//!   submitted early, counted in `change_syscalls`).
//! - **Removals are submitted at once.** An in-flight poll holds a
//!   reference to its file: until its cancel is processed, closing the fd
//!   closes nothing (no FIN, the port stays bound, a listener still takes
//!   connections). So `deregister` queues an `ASYNC_CANCEL` (never
//!   `POLL_REMOVE`, which can fail with `EALREADY`) and submits the queue
//!   in one `io_uring_enter` that does not wait; the cancelled poll
//!   completes in the task work that runs before that call returns. A
//!   source removed in the tick it was added had its add still queued:
//!   that SQE becomes a `NOP`, and nothing is submitted.
//! - **Stale completions**: `user_data` is the fd and a per-registration
//!   generation; a completion whose pair is not registered is dropped, so a
//!   reused fd number never hears an old registration's events.
//! - **A multishot poll can end** (a completion without `IORING_CQE_F_MORE`:
//!   the completion queue was full, or the file has no wait queue). The
//!   driver re-arms it, unless the file is a regular file or a directory,
//!   which epoll refuses with `EPERM`: that error goes to the source.
//! - **Remote wake**: `waker.rs`.
//! - **Setup**: `io_uring_setup` with `SUBMIT_ALL | COOP_TASKRUN |
//!   SINGLE_ISSUER | DEFER_TASKRUN` (the reactor is per thread: the thread
//!   that makes the ring is the one that drives it), or without the last
//!   two, or without any, on a kernel that refuses them (`EINVAL`).
//!   `RUNTIME_URING_DEFER_TASKRUN=0` leaves the last two out (for measuring).
//!   With `DEFER_TASKRUN` task work runs only in an enter that asks for
//!   events, so a submit-only enter asks for them too (waiting for none):
//!   a cancel's target must drop its file reference before `deregister`
//!   returns. A kernel older
//!   than 5.13 (no multishot poll), or no `EXT_ARG` (timed waits), is
//!   refused with `ENOSYS`, and [`Poller::new`](super::Poller::new) runs the
//!   epoll driver instead (so does any setup error: `ENOSYS`, `EPERM` from
//!   `io_uring_disabled` or seccomp, `ENOMEM`).
//! - **Timeouts** go to the kernel in nanoseconds (`IORING_ENTER_EXT_ARG`):
//!   nothing to round.
//!
//! **Completion mode** (`docs/URING.md`) for TCP streams switched by
//! [`set_completion`](Uring::set_completion): a multishot `RECV` into the
//! provided-buffer ring whose buffers queue in a [`Conn`] until
//! [`read`](Uring::read) copies them out (`conn.rs`, `completion.rs`), and
//! writes copied into a send slot that one `SEND` carries (`send.rs`).

mod conn;
mod files;
mod send;
mod sys;

pub(crate) use self::waker::RemoteWaker;

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::Arc;
use std::time::Duration;

use self::conn::{Bufs, Conn, COMPLETION, RECV_BIT};
use self::sys::{Ring, Sqe};
use super::syscall::{annotate, retry};
use super::{epoll, libc, DriverCounters, Event, Readiness};

/// `user_data` of the remote wake's poll.
const WAKE_DATA: u64 = u64::MAX;
/// `user_data` of cancels and `NOP`s, whose completions mean nothing. (A
/// registration's `user_data` has a file descriptor, never `u32::MAX`, in
/// its low half.)
const NOTHING: u64 = u32::MAX as u64;

/// No `POLLPRI`: see `readiness`.
const POLL_EVENTS: u32 = (libc::POLLIN | libc::POLLOUT | libc::POLLRDHUP) as u32;
/// A completion-mode source's poll: write edges only (its recv reads).
const POLL_OUT: u32 = libc::POLLOUT as u32;

/// One fd's registration: the reactor's token, and the generation that
/// (with the fd) makes its `user_data`. Generation 0: not registered.
#[derive(Debug, Clone, Copy, Default)]
struct Reg {
    token: u64,
    generation: u32,
    /// Where its `POLL_ADD` was written in the submission queue.
    add_pos: u32,
    conn: Conn,
}

/// An io_uring instance used as a readiness notifier.
#[derive(Debug)]
pub(crate) struct Uring {
    ring: Ring,
    /// Indexed by fd.
    regs: Vec<Reg>,
    next_generation: u32,
    /// Registrations whose multishot poll ended, re-armed after the reap.
    ended: Vec<(u32, u64, i32)>,
    waker: Option<Arc<OwnedFd>>,
    skip_success: u8,
    pub(crate) counters: DriverCounters,
    /// Completion mode's buffers; `None` where it was not asked for
    /// (`completion_asked`) or the kernel cannot (before Linux 6.3 here:
    /// provided-buffer rings are 5.19, buffer-select recv on sockets 6.0).
    /// After `ring`: the ring's fd closes before this memory is unmapped.
    bufs: Option<Box<Bufs>>,
    /// Completion mode's send buffers (`send.rs`).
    sends: send::Sends,
    /// Completion mode's registered file table (`files.rs`), if any.
    files: Option<files::Files>,
}

impl Uring {
    pub(crate) fn new(capacity: usize) -> io::Result<Uring> {
        Uring::with_defer(capacity, defer_asked())
    }

    /// `new`, asking for `SINGLE_ISSUER | DEFER_TASKRUN` or not.
    fn with_defer(capacity: usize, defer_taskrun: bool) -> io::Result<Uring> {
        let entries = capacity.clamp(64, 4096).next_power_of_two() as u32;
        let flags = sys::IORING_SETUP_SUBMIT_ALL | sys::IORING_SETUP_COOP_TASKRUN;
        let defer = sys::IORING_SETUP_SINGLE_ISSUER | sys::IORING_SETUP_DEFER_TASKRUN;
        let mut ring = Err(io::Error::from_raw_os_error(libc::EINVAL));
        // Each set of flags in turn while the kernel refuses one (`EINVAL`).
        // Errors keep their OS error (not annotated): the fallback reports it.
        for flags in [if defer_taskrun { flags | defer } else { flags }, flags, 0] {
            ring = Ring::new(entries, 4 * entries, flags);
            if !matches!(&ring, Err(e) if e.raw_os_error() == Some(libc::EINVAL)) {
                break;
            }
        }
        let ring = ring?;
        let needed = sys::IORING_FEAT_NODROP | sys::IORING_FEAT_EXT_ARG | sys::IORING_FEAT_RSRC_TAGS;
        if ring.features & needed != needed {
            // No multishot poll or timed waits: older than Linux 5.13.
            return Err(io::Error::from_raw_os_error(libc::ENOSYS));
        }
        let skip = ring.features & sys::IORING_FEAT_CQE_SKIP != 0;
        let bufs = if completion_asked() && ring.features & sys::IORING_FEAT_REG_REG_RING != 0 {
            Bufs::new(&ring).ok()
        } else {
            None
        };
        let files = bufs.as_ref().and_then(|_| files::Files::new(&ring));
        Ok(Uring {
            ring,
            regs: Vec::new(),
            next_generation: 0,
            ended: Vec::new(),
            waker: None,
            skip_success: if skip { sys::IOSQE_CQE_SKIP_SUCCESS } else { 0 },
            counters: DriverCounters::default(),
            bufs,
            sends: send::Sends::default(),
            files,
        })
    }

    pub(crate) fn register(&mut self, fd: RawFd, token: u64) -> io::Result<()> {
        let index =
            usize::try_from(fd).map_err(|_| annotate(io::Error::from_raw_os_error(libc::EBADF), "io_uring poll"))?;
        if self.regs.get(index).is_some_and(|r| r.generation != 0) {
            return Err(annotate(io::Error::from_raw_os_error(libc::EEXIST), "io_uring poll"));
        }
        if index >= self.regs.len() {
            self.regs.resize(index + 1, Reg::default());
        }
        let generation = self.new_generation();
        let add_pos = self.push(poll_add(fd, user_data(fd, generation), POLL_EVENTS))?;
        self.regs[index] = Reg { token, generation, add_pos, conn: Conn::default() };
        self.counters.changes += 1;
        Ok(())
    }

    /// Cancels `fd`'s poll at once (module docs), or drops its add if that
    /// was never submitted.
    pub(crate) fn deregister(&mut self, fd: RawFd) -> io::Result<()> {
        let reg = usize::try_from(fd).ok().and_then(|i| self.regs.get_mut(i)).map(std::mem::take);
        let Some(reg) = reg.filter(|r| r.generation != 0) else {
            return Err(annotate(io::Error::from_raw_os_error(libc::ENOENT), "io_uring cancel"));
        };
        let data = user_data(fd, reg.generation);
        if reg.conn.state & COMPLETION != 0 {
            self.deregister_send(fd, reg.conn.head != conn::NO_BID)?;
            return self.deregister_completion(fd, reg.generation, reg.conn);
        }
        if self.ring.is_unsubmitted(reg.add_pos) {
            let sqe = self.ring.get_mut(reg.add_pos);
            if sqe.user_data == data && sqe.opcode == sys::IORING_OP_POLL_ADD {
                *sqe =
                    Sqe { opcode: sys::IORING_OP_NOP, flags: self.skip_success, user_data: NOTHING, ..Sqe::default() };
                self.counters.changes -= 1;
                return Ok(());
            }
        }
        let cancel = Sqe {
            opcode: sys::IORING_OP_ASYNC_CANCEL,
            flags: self.skip_success,
            fd: -1,
            addr: data,
            user_data: NOTHING,
            ..Sqe::default()
        };
        self.push(cancel)?;
        self.counters.changes += 1;
        self.submit().map_err(|e| annotate(e, "io_uring_enter (cancel)"))
    }

    fn new_generation(&mut self) -> u32 {
        self.next_generation = (self.next_generation.wrapping_add(1) & !RECV_BIT).max(1);
        self.next_generation
    }

    /// Queues `sqe`; a full queue is submitted first.
    fn push(&mut self, sqe: Sqe) -> io::Result<u32> {
        loop {
            if let Some(pos) = self.ring.push(sqe) {
                return Ok(pos);
            }
            self.submit().map_err(|e| annotate(e, "io_uring_enter (full queue)"))?;
        }
    }

    /// Submits the queue without waiting: a change system call.
    fn submit(&mut self) -> io::Result<()> {
        self.counters.change_syscalls += 1;
        self.counters.submissions += u64::from(self.ring.unsubmitted());
        retry(|| self.ring.enter(None))
    }

    /// Submits the queued changes and waits once, in one `io_uring_enter`,
    /// then hands each completion to `on_event`, read in place.
    #[inline]
    pub(crate) fn wait(&mut self, timeout: Option<Duration>, mut on_event: impl FnMut(Event)) -> io::Result<()> {
        retry(|| {
            self.counters.wait_syscalls += 1;
            self.counters.submissions += u64::from(self.ring.unsubmitted());
            self.ring.enter(Some(timeout))
        })
        .map_err(|e| annotate(e, "io_uring_enter"))?;
        // Read in place, like epoll's events: no closure between the
        // queue and `on_event`.
        let (mut pos, tail) = self.ring.completions();
        self.counters.completions += u64::from(tail.wrapping_sub(pos));
        while pos != tail {
            let cqe = self.ring.cqe(pos);
            pos = pos.wrapping_add(1);
            let data = cqe.user_data;
            if send::is_send(data) {
                self.on_send(cqe, &mut on_event)?;
                continue;
            }
            if (data >> 32) as u32 & RECV_BIT != 0 && data != WAKE_DATA {
                self.on_recv(cqe, &mut on_event)?;
                continue;
            }
            let more = cqe.flags & sys::IORING_CQE_F_MORE != 0;
            // A reserved `user_data` (low half all ones) finds no entry.
            match self.regs.get(data as u32 as usize) {
                Some(reg) if reg.generation == (data >> 32) as u32 => {
                    if !more {
                        self.ended.push((data as u32, data, cqe.res));
                    } else if cqe.res > 0 {
                        on_event(Event { token: reg.token, readiness: readiness(cqe.res), error: 0, socket_error: 0 });
                    }
                }
                // Cancelled, an earlier registration of this fd, a cancel or
                // NOP; or a fixed file's install that failed.
                _ if data != WAKE_DATA || more => {
                    if let Some((slot, install)) = files::update_slot(data) {
                        self.on_install_failed(slot, install);
                    }
                }
                _ => self.ended.push((u32::MAX, 0, 0)),
            }
        }
        self.ring.consume(tail);
        if let Some(bufs) = &self.bufs {
            self.counters.buffers_held = bufs.held;
        }
        if !self.ended.is_empty() {
            self.rearm(&mut on_event)?;
        }
        Ok(())
    }

    /// Re-arms the polls that ended in this turn's completions; a file that
    /// cannot be polled, or a poll the kernel refused, reports its error.
    #[cold]
    fn rearm(&mut self, on_event: &mut impl FnMut(Event)) -> io::Result<()> {
        let mut failed = false;
        let mut ended = std::mem::take(&mut self.ended);
        for &(fd, data, res) in &ended {
            if fd == u32::MAX {
                if let Some(waker) = &self.waker {
                    let fd = waker.as_raw_fd();
                    self.push(poll_add(fd, WAKE_DATA, POLL_EVENTS))?;
                }
                continue;
            }
            let Some(reg) =
                self.regs.get(fd as usize).copied().filter(|r| user_data(fd as RawFd, r.generation) == data)
            else {
                continue;
            };
            let error = match res {
                _ if res >= 0 && !pollable(fd as RawFd) => libc::EPERM,
                r if r >= 0 || r == -libc::ECANCELED => 0,
                r => -r,
            };
            if error != 0 {
                failed = true;
                on_event(Event { token: reg.token, readiness: Readiness::ERROR, error, socket_error: 0 });
                continue;
            }
            if res > 0 {
                on_event(Event { token: reg.token, readiness: readiness(res), error: 0, socket_error: 0 });
            }
            let events = if reg.conn.state & COMPLETION != 0 { POLL_OUT } else { POLL_EVENTS };
            let add_pos = self.push(poll_add(fd as RawFd, data, events))?;
            self.regs[fd as usize].add_pos = add_pos;
            self.counters.changes += 1;
        }
        ended.clear();
        self.ended = ended;
        if failed {
            self.counters.failed_change_turns += 1;
        }
        Ok(())
    }
}

impl Drop for Uring {
    fn drop(&mut self) {
        self.drop_sends();
    }
}

/// Completion mode is on unless `RUNTIME_URING_COMPLETION=0` turns it off
/// (`docs/URING.md`): then every source runs in readiness mode.
fn completion_asked() -> bool {
    completion_wanted(std::env::var_os("RUNTIME_URING_COMPLETION").as_deref())
}

fn completion_wanted(value: Option<&std::ffi::OsStr>) -> bool {
    !matches!(value, Some(v) if v == "0")
}

/// `SINGLE_ISSUER | DEFER_TASKRUN` unless `RUNTIME_URING_DEFER_TASKRUN=0`
/// (for measuring one against the other). A ring is made and driven by one
/// thread (the reactor is per thread), which `SINGLE_ISSUER` requires.
fn defer_asked() -> bool {
    completion_wanted(std::env::var_os("RUNTIME_URING_DEFER_TASKRUN").as_deref())
}

fn user_data(fd: RawFd, generation: u32) -> u64 {
    (u64::from(generation) << 32) | u64::from(fd as u32)
}

fn poll_add(fd: RawFd, user_data: u64, events: u32) -> Sqe {
    // The kernel swaps the halves of `poll32_events` on big-endian targets.
    let events = if cfg!(target_endian = "big") { events.rotate_left(16) } else { events };
    Sqe {
        opcode: sys::IORING_OP_POLL_ADD,
        fd,
        len: sys::IORING_POLL_ADD_MULTI,
        op_flags: events,
        user_data,
        ..Sqe::default()
    }
}

/// A completion's mask is the wake-up's key, not the file's state: a
/// socket's "data arrived" wake names `EPOLLPRI` whether or not the data is
/// urgent. So `POLLPRI` is dropped, and `PRIORITY` is never reported (as
/// with kqueue); every other bit means what epoll's does.
#[inline]
fn readiness(mask: i32) -> Readiness {
    epoll::readiness(mask as u32 & !(libc::POLLPRI as u32))
}

/// Whether epoll would watch `fd`: not a regular file or a directory.
fn pollable(fd: RawFd) -> bool {
    // SAFETY: `st` is written by fstat before it is read; a bad fd is an error.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return true;
    }
    !matches!(st.st_mode & libc::S_IFMT, libc::S_IFREG | libc::S_IFDIR)
}

mod completion;
#[cfg(test)]
mod tests;
mod waker;
