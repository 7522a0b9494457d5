//! The drivers: the one layer that talks to the kernel's readiness interface.
//!
//! The reactor sees one type, [`Poller`], with five operations:
//!
//! - `new(capacity)` creates the kernel object; `capacity` is the most events
//!   one wait returns.
//! - `register(fd, token)` asks for edge-triggered read and write readiness of
//!   `fd`, reported under `token`. A source is registered once, for both
//!   directions, and never re-armed.
//! - `deregister(fd)` stops reporting `fd`.
//! - `wait(events, timeout)` blocks until an event, a remote wake or the
//!   timeout, and fills `events`. `None` waits for ever; the timeout is rounded
//!   up to the driver's resolution, never down, so a deadline is never missed
//!   by a wait that returns early and spins.
//! - `remote_waker()` makes the handle another thread uses to end a wait.
//!
//! Each driver counts its own system calls in [`DriverCounters`]. Which driver
//! runs is chosen at run time ([`Driver`]), so `Poller` is an enum and each
//! method is one `match`: both drivers must expose the same methods.

use std::fmt;
use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

#[allow(unsafe_code)]
mod epoll;
#[allow(unsafe_code)]
pub(crate) mod syscall;

pub(crate) use epoll::RemoteWaker;

/// The kernel interface a runtime waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    /// Linux `epoll`: one `epoll_ctl` per registration change.
    Epoll,
    /// BSD and macOS `kqueue`: every change of a tick rides in the `kevent` call that waits.
    Kqueue,
}

impl Driver {
    /// The driver of the platform this was compiled for.
    pub const fn platform_default() -> Driver {
        Driver::Epoll
    }

    /// The driver's name as metrics report it: `"epoll"` or `"kqueue"`.
    pub const fn name(self) -> &'static str {
        match self {
            Driver::Epoll => "epoll",
            Driver::Kqueue => "kqueue",
        }
    }
}

impl fmt::Display for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of readiness flags, as a driver reports them for one source.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Readiness(u8);

impl Readiness {
    pub(crate) const EMPTY: Readiness = Readiness(0);
    /// Data can be read (or a connection accepted).
    pub(crate) const READABLE: Readiness = Readiness(1);
    /// Data can be written.
    pub(crate) const WRITABLE: Readiness = Readiness(2);
    /// The peer will send nothing more: a read returns 0 or an error.
    pub(crate) const READ_CLOSED: Readiness = Readiness(4);
    /// Writing can no longer succeed: a write returns an error.
    pub(crate) const WRITE_CLOSED: Readiness = Readiness(8);
    /// The source has a pending error (`SO_ERROR`); both directions wake.
    pub(crate) const ERROR: Readiness = Readiness(16);
    /// Everything that lets a read make progress.
    pub(crate) const READ_ALL: Readiness = Readiness(1 | 4 | 16);
    /// Everything that lets a write make progress.
    pub(crate) const WRITE_ALL: Readiness = Readiness(2 | 8 | 16);

    pub(crate) const fn union(self, other: Readiness) -> Readiness {
        Readiness(self.0 | other.0)
    }

    pub(crate) const fn intersects(self, other: Readiness) -> bool {
        self.0 & other.0 != 0
    }

    pub(crate) const fn remove(self, other: Readiness) -> Readiness {
        Readiness(self.0 & !other.0)
    }
}

impl fmt::Debug for Readiness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            "READABLE",
            "WRITABLE",
            "READ_CLOSED",
            "WRITE_CLOSED",
            "ERROR",
        ];
        let set: Vec<_> = (0..5)
            .filter(|b| self.0 & (1 << b) != 0)
            .map(|b| names[b])
            .collect();
        write!(f, "Readiness({})", set.join("|"))
    }
}

/// One readiness event: which source, and what it is ready for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Event {
    pub(crate) token: u64,
    pub(crate) readiness: Readiness,
}

/// What a driver counts at its system-call sites.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DriverCounters {
    /// Calls that waited for events (`epoll_wait`, or a `kevent` with an event list).
    pub(crate) wait_syscalls: u64,
    /// Calls made only to change registrations (`epoll_ctl`); zero with kqueue.
    pub(crate) change_syscalls: u64,
    /// Registration changes handed to the kernel.
    pub(crate) changes: u64,
    /// Turns in which a change failed and the driver had to wait again.
    pub(crate) failed_change_turns: u64,
}

/// The driver a reactor runs on, chosen at run time.
#[derive(Debug)]
pub(crate) enum Poller {
    Epoll(epoll::Epoll),
}

impl Poller {
    pub(crate) fn new(driver: Driver, capacity: usize) -> io::Result<Poller> {
        match driver {
            Driver::Epoll => Ok(Poller::Epoll(epoll::Epoll::new(capacity)?)),
            Driver::Kqueue => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "the kqueue driver is not available on this platform yet",
            )),
        }
    }

    pub(crate) fn driver(&self) -> Driver {
        match self {
            Poller::Epoll(_) => Driver::Epoll,
        }
    }

    pub(crate) fn register(&mut self, fd: RawFd, token: u64) -> io::Result<()> {
        match self {
            Poller::Epoll(p) => p.register(fd, token),
        }
    }

    pub(crate) fn deregister(&mut self, fd: RawFd) -> io::Result<()> {
        match self {
            Poller::Epoll(p) => p.deregister(fd),
        }
    }

    pub(crate) fn wait(
        &mut self,
        events: &mut Vec<Event>,
        timeout: Option<Duration>,
    ) -> io::Result<()> {
        match self {
            Poller::Epoll(p) => p.wait(events, timeout),
        }
    }

    pub(crate) fn remote_waker(&mut self) -> io::Result<RemoteWaker> {
        match self {
            Poller::Epoll(p) => p.remote_waker(),
        }
    }

    pub(crate) fn counters(&self) -> DriverCounters {
        match self {
            Poller::Epoll(p) => p.counters,
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
