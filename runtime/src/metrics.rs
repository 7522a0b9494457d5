//! `Metrics`: a snapshot of a runtime's counters.
//!
//! The counters are bumped where the work happens: the drivers count their
//! own system calls, the reactor its turns and events, the executor its
//! polls and tasks, the injection queue the wakes that came from elsewhere.
//! A snapshot copies them; it never resets them.

use std::sync::atomic::Ordering::Relaxed;

use crate::context;
use crate::executor::Core;

/// What a runtime has done so far. Take one with [`metrics()`] or
/// [`Runtime::metrics`](crate::Runtime::metrics).
///
/// Invariants: with epoll `change_syscalls == changes` (one `epoll_ctl` per
/// change); with kqueue `change_syscalls == 0` and
/// `wait_syscalls == ticks + failed_change_turns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Metrics {
    /// `"epoll"` or `"kqueue"`.
    pub driver: &'static str,
    /// Tasks spawned, `spawn_blocking` included.
    pub tasks_spawned: u64,
    /// Tasks whose future is not gone yet.
    pub tasks_alive: u64,
    /// Polls of spawned tasks.
    pub polls: u64,
    /// Turns of the reactor, blocking or not.
    pub ticks: u64,
    /// Readiness events delivered to registered sources.
    pub events: u64,
    /// System calls that waited for events.
    pub wait_syscalls: u64,
    /// System calls made only to change registrations.
    pub change_syscalls: u64,
    /// Registration changes handed to the kernel.
    pub changes: u64,
    /// Turns in which a registration change failed (kqueue).
    pub failed_change_turns: u64,
    /// Wakes that came from another thread (or from outside the runtime).
    pub remote_wakes: u64,
}

impl Metrics {
    pub(crate) fn of(core: &Core) -> Metrics {
        let reactor = core.reactor.borrow();
        let driver = reactor.counters();
        Metrics {
            driver: reactor.driver().name(),
            tasks_spawned: core.tasks_spawned.get(),
            tasks_alive: core.tasks_alive() as u64,
            polls: core.polls.get(),
            ticks: reactor.ticks,
            events: reactor.events_delivered,
            wait_syscalls: driver.wait_syscalls,
            change_syscalls: driver.change_syscalls,
            changes: driver.changes,
            failed_change_turns: driver.failed_change_turns,
            remote_wakes: core.shared.remote_wakes.load(Relaxed),
        }
    }
}

/// The current thread's runtime's metrics.
///
/// # Panics
/// Outside a runtime.
pub fn metrics() -> Metrics {
    context::with(|core| Metrics::of(core))
}
