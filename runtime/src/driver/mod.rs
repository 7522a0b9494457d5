//! The drivers: the one layer that talks to the kernel's readiness interface.
//!
//! The reactor sees one type, [`Poller`], with five operations:
//!
//! - `new(capacity)` creates the kernel object; `capacity` is the most events
//!   one wait returns.
//! - `register(fd, token)` asks for edge-triggered read and write readiness of
//!   `fd`, reported under `token`. A source is registered once, for both
//!   directions, and never re-armed.
//! - `deregister(fd)` stops reporting `fd`, and leaves the kernel with no
//!   registration for it whether or not the caller closes it next: a value
//!   need not own its fd, and a closed fd may live on in a `dup`.
//! - `wait(events, timeout)` blocks until an event, a remote wake or the
//!   timeout, and fills `events`. `None` waits for ever; the timeout is rounded
//!   up to the driver's resolution, never down, so a deadline is never missed
//!   by a wait that returns early and spins.
//! - `remote_waker()` makes the handle another thread uses to end a wait.
//!
//! Child processes (a pidfd on epoll, `EVFILT_PROC` on kqueue) have their
//! own few methods in `process.rs`.
//!
//! Each driver counts its own system calls in [`DriverCounters`]. Which driver
//! runs is chosen at run time ([`Driver`]), so `Poller` is an enum and each
//! method is one `match`: every driver must expose the same methods.
//!
//! The io_uring driver (`uring/`, Linux with the `io-uring` feature) is
//! asked for, never assumed: where it cannot run (not compiled in, or the
//! kernel refuses `io_uring_setup`), `Poller::new` makes the platform's
//! driver instead and records why in its counters (`fallback`).

use std::fmt;
use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

#[cfg(all(target_os = "linux", feature = "io-uring"))]
use crate::sys::libc;

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
mod epoll;
#[cfg(kqueue_driver)]
#[allow(unsafe_code)]
mod kqueue;
#[allow(unsafe_code)]
#[cfg_attr(not(feature = "process"), allow(dead_code))]
pub(crate) mod process;
mod readiness;
pub(crate) mod syscall;

pub(crate) use self::readiness::Readiness;
#[cfg(all(target_os = "linux", feature = "io-uring"))]
#[allow(unsafe_code)]
mod uring;

#[cfg(not(any(
    target_os = "linux",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
)))]
compile_error!("runtime runs on Linux (epoll), macOS and the BSDs (kqueue)");

/// The kernel interface a runtime waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    /// Linux `epoll`: one `epoll_ctl` per registration change.
    Epoll,
    /// BSD and macOS `kqueue`: every change of a tick rides in the `kevent` call that waits.
    Kqueue,
    /// Linux `io_uring` (feature `io-uring`, Linux 5.13 or later), as a
    /// readiness notifier: registrations ride in the `io_uring_enter` that
    /// waits; a removal is submitted at once. Where it cannot run (another
    /// platform, the feature off, or the kernel refuses it: `ENOSYS`,
    /// `EPERM` from `io_uring_disabled` or seccomp) the platform's driver
    /// runs instead, and [`Metrics::fallback_from`](crate::Metrics::fallback_from)
    /// says so: asking for it never fails.
    Uring,
}

impl Driver {
    /// The driver of the platform this was compiled for: epoll on Linux,
    /// kqueue elsewhere.
    pub const fn platform_default() -> Driver {
        if cfg!(target_os = "linux") {
            Driver::Epoll
        } else {
            Driver::Kqueue
        }
    }

    /// The driver's name as metrics report it: `"epoll"`, `"kqueue"` or `"uring"`.
    pub const fn name(self) -> &'static str {
        match self {
            Driver::Epoll => "epoll",
            Driver::Kqueue => "kqueue",
            Driver::Uring => "uring",
        }
    }
}

impl fmt::Display for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One readiness event: which source, and what it is ready for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Event {
    pub(crate) token: u64,
    pub(crate) readiness: Readiness,
    /// An errno for the source's next operation or readiness query, or 0:
    /// the kernel refused its registration (kqueue's `EV_ERROR`).
    pub(crate) error: i32,
    /// An errno for the source's next *operation* only, or 0: its socket
    /// reported an error (kqueue's `EV_EOF` with `fflags`, which the driver
    /// took with `SO_ERROR`). A readiness query reports `ERROR` readiness
    /// and leaves it, as tokio does.
    pub(crate) socket_error: i32,
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
    /// Turns in which a registration change failed (its source was told).
    pub(crate) failed_change_turns: u64,
    /// io_uring: entries submitted and completions reaped; buffers of the
    /// provided-buffer ring held by connections now (zero elsewhere).
    pub(crate) submissions: u64,
    pub(crate) completions: u64,
    pub(crate) buffers_held: u64,
    /// io_uring: send buffers held by TCP streams in completion mode now
    /// (bytes queued or in flight).
    pub(crate) send_buffers_held: u64,
    /// This driver runs instead of the one asked for, which could not: the
    /// driver asked for and the OS error that refused it (0: not compiled
    /// in, or not for this platform).
    pub(crate) fallback: Option<(Driver, i32)>,
}

/// The driver a reactor runs on, chosen at run time.
#[derive(Debug)]
pub(crate) enum Poller {
    #[cfg(target_os = "linux")]
    Epoll(epoll::Epoll),
    #[cfg(kqueue_driver)]
    Kqueue(Box<kqueue::Kqueue>), // boxed: its changelist and buffers make it several times epoll's size
    #[cfg(all(target_os = "linux", feature = "io-uring"))]
    Uring(Box<uring::Uring>),
}

/// Ends a driver's wait from any thread.
#[derive(Debug)]
pub(crate) enum RemoteWaker {
    #[cfg(target_os = "linux")]
    Epoll(epoll::RemoteWaker),
    #[cfg(kqueue_driver)]
    Kqueue(kqueue::RemoteWaker),
    #[cfg(all(target_os = "linux", feature = "io-uring"))]
    Uring(uring::RemoteWaker),
}

impl RemoteWaker {
    pub(crate) fn wake(&self) -> io::Result<()> {
        match self {
            #[cfg(target_os = "linux")]
            RemoteWaker::Epoll(w) => w.wake(),
            #[cfg(kqueue_driver)]
            RemoteWaker::Kqueue(w) => w.wake(),
            #[cfg(all(target_os = "linux", feature = "io-uring"))]
            RemoteWaker::Uring(w) => w.wake(),
        }
    }

    /// Model tests only (`--cfg loom`, epoll driver): consumes the wakes
    /// written so far, as a wait would, and says whether there were any.
    #[cfg(all(test, loom))]
    pub(crate) fn take_wakes(&self) -> bool {
        match self {
            #[cfg(target_os = "linux")]
            RemoteWaker::Epoll(w) => w.take_wakes(),
            #[cfg(any(not(target_os = "linux"), feature = "kqueue-emulation"))]
            RemoteWaker::Kqueue(_) => unimplemented!("the loom models run on the epoll driver"),
            #[cfg(all(target_os = "linux", feature = "io-uring"))]
            RemoteWaker::Uring(_) => unimplemented!("the loom models run on the epoll driver"),
        }
    }
}

/// Dispatches a method call to whichever driver `$poller` holds.
macro_rules! dispatch {
    ($poller:expr, $p:ident => $call:expr) => {
        match $poller {
            #[cfg(target_os = "linux")]
            Poller::Epoll($p) => $call,
            #[cfg(kqueue_driver)]
            Poller::Kqueue($p) => $call,
            #[cfg(all(target_os = "linux", feature = "io-uring"))]
            Poller::Uring($p) => $call,
        }
    };
}

impl Poller {
    /// Creates the kernel object of `driver`, or says why it cannot.
    pub(crate) fn new(driver: Driver, capacity: usize) -> io::Result<Poller> {
        match driver {
            #[cfg(target_os = "linux")]
            Driver::Epoll => Ok(Poller::Epoll(epoll::Epoll::new(capacity)?)),
            #[cfg(kqueue_driver)]
            Driver::Kqueue => Ok(Poller::Kqueue(Box::new(kqueue::Kqueue::new(capacity)?))),
            Driver::Uring => Poller::uring_or_fallback(capacity),
            #[allow(unreachable_patterns)]
            other => Err(io::Error::new(io::ErrorKind::Unsupported, unsupported(other))),
        }
    }

    /// The io_uring driver, or where it cannot run, the platform's driver
    /// with the reason in its counters.
    fn uring_or_fallback(capacity: usize) -> io::Result<Poller> {
        #[cfg(all(target_os = "linux", feature = "io-uring"))]
        let errno = match uring::Uring::new(capacity) {
            Ok(uring) => return Ok(Poller::Uring(Box::new(uring))),
            Err(e) => e.raw_os_error().unwrap_or(libc::ENOSYS),
        };
        #[cfg(not(all(target_os = "linux", feature = "io-uring")))]
        let errno = 0;
        let mut poller = Poller::new(Driver::platform_default(), capacity)?;
        dispatch!(&mut poller, p => p.counters.fallback = Some((Driver::Uring, errno)));
        Ok(poller)
    }

    pub(crate) fn driver(&self) -> Driver {
        match self {
            #[cfg(target_os = "linux")]
            Poller::Epoll(_) => Driver::Epoll,
            #[cfg(kqueue_driver)]
            Poller::Kqueue(_) => Driver::Kqueue,
            #[cfg(all(target_os = "linux", feature = "io-uring"))]
            Poller::Uring(_) => Driver::Uring,
        }
    }

    pub(crate) fn register(&mut self, fd: RawFd, token: u64) -> io::Result<()> {
        dispatch!(self, p => p.register(fd, token))
    }

    /// Stops reporting `fd`, whether or not the caller closes it next: every
    /// driver deletes the registration (epoll and io_uring at once, kqueue
    /// in its next `kevent`).
    pub(crate) fn deregister(&mut self, fd: RawFd) -> io::Result<()> {
        dispatch!(self, p => p.deregister(fd))
    }

    /// Waits once and hands each event to `on_event`: epoll's straight
    /// from the kernel's buffer; kqueue's through `scratch`, where its
    /// driver assembles them (it merges change errors and socket errors).
    #[inline]
    pub(crate) fn wait(
        &mut self,
        timeout: Option<Duration>,
        scratch: &mut Vec<Event>,
        #[allow(unused_mut)] mut on_event: impl FnMut(Event),
    ) -> io::Result<()> {
        let _ = &scratch;
        match self {
            #[cfg(target_os = "linux")]
            Poller::Epoll(p) => p.wait(timeout, on_event),
            #[cfg(all(target_os = "linux", feature = "io-uring"))]
            Poller::Uring(p) => p.wait(timeout, on_event),
            #[cfg(kqueue_driver)]
            Poller::Kqueue(p) => {
                let result = p.wait(scratch, timeout);
                scratch.iter().copied().for_each(&mut on_event);
                result
            }
        }
    }

    pub(crate) fn remote_waker(&mut self) -> io::Result<RemoteWaker> {
        match self {
            #[cfg(target_os = "linux")]
            Poller::Epoll(p) => p.remote_waker().map(RemoteWaker::Epoll),
            #[cfg(kqueue_driver)]
            Poller::Kqueue(p) => p.remote_waker().map(RemoteWaker::Kqueue),
            #[cfg(all(target_os = "linux", feature = "io-uring"))]
            Poller::Uring(p) => p.remote_waker().map(RemoteWaker::Uring),
        }
    }

    pub(crate) fn counters(&self) -> DriverCounters {
        dispatch!(self, p => p.counters)
    }
}

fn unsupported(driver: Driver) -> &'static str {
    match driver {
        Driver::Epoll => "the epoll driver exists only on Linux",
        Driver::Kqueue => {
            "the kqueue driver runs on Linux only with a test-only `runtime` feature: \
             `kqueue-emulation` or `libkqueue`"
        }
        Driver::Uring => "the io_uring driver always falls back",
    }
}

#[cfg(test)]
mod tests {
    use super::Readiness;

    #[test]
    fn readiness_ready_without_error_is_any_of_the_mask_and_no_error() {
        for bits in 0..=u8::MAX {
            let r = Readiness(bits);
            for mask in [Readiness::READ_ALL, Readiness::WRITE_ALL] {
                let plain = r.intersects(mask) && !r.intersects(Readiness::ERROR);
                assert_eq!(r.ready_without_error(mask), plain, "{r:?} in {mask:?}");
            }
        }
    }

    #[test]
    fn readiness_debug_names_each_state_joined_by_bars() {
        assert_eq!(format!("{:?}", Readiness::READABLE.union(Readiness::ERROR)), "Readiness(READABLE|ERROR)");
        assert_eq!(format!("{:?}", Readiness(0)), "Readiness()");
    }
}
