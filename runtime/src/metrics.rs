//! `Metrics`: a snapshot of a runtime's counters.
//!
//! The counters are bumped where the work happens: the drivers count their
//! own system calls, the reactor its turns and events, the executor its
//! polls and tasks, the injection queue the wakes that came from elsewhere.
//! A snapshot copies them; it never resets them.

use std::sync::atomic::Ordering::Relaxed;

use crate::context;
use crate::context::Scope;

/// What a runtime has done so far. Take one with [`metrics()`] or
/// [`Runtime::metrics`](crate::Runtime::metrics).
///
/// Invariants: with epoll `change_syscalls == changes` (one `epoll_ctl` per
/// change). With kqueue `change_syscalls == 0` (every change rides in the
/// `kevent` that waits) and every turn makes exactly one `kevent`:
/// `wait_syscalls == ticks`, plus one for each wait retried after `EINTR`.
/// A change the kernel refuses comes back in that call's event list and
/// reaches its source in the same turn, with the events returned beside it;
/// `failed_change_turns` counts those turns. With io_uring every registration
/// rides in the `io_uring_enter` that waits, and each removal is one
/// `io_uring_enter` of its own (its poll holds the file open until then):
/// `change_syscalls` counts removals.
///
/// A runtime asked to run on io_uring (`Driver::Uring`) that could not
/// reports the driver that runs instead in `driver`, and `fallback_from ==
/// Some("uring")` with the refusal's OS error in `fallback_errno`.
///
/// ```
/// runtime::block_on(async {
///     runtime::time::sleep(std::time::Duration::from_millis(1)).await;
///     let m = runtime::metrics();
///     assert!(m.ticks >= 1 && m.wait_syscalls >= 1);
///     match m.driver {
///         "kqueue" => assert_eq!(m.change_syscalls, 0),
///         "uring" => assert!(m.change_syscalls <= m.changes),
///         _ => assert_eq!(m.change_syscalls, m.changes),
///     }
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Metrics {
    /// `"epoll"`, `"kqueue"` or `"uring"`: the driver that runs.
    pub driver: &'static str,
    /// The driver asked for when it could not run and `driver` runs
    /// instead: `Some("uring")` where io_uring is not compiled in (feature
    /// `io-uring`, Linux only) or the kernel refused it. `None` otherwise.
    pub fallback_from: Option<&'static str>,
    /// Why `fallback_from` could not run: the OS error `io_uring_setup`
    /// failed with (`ENOSYS`: no io_uring, or a kernel older than 5.13;
    /// `EPERM`: `kernel.io_uring_disabled` or a seccomp filter), or 0 when
    /// it was not compiled in. 0 without a fallback.
    pub fallback_errno: i32,
    /// Tasks spawned, `spawn_blocking` jobs (and `net`'s name lookups) included.
    pub tasks_spawned: u64,
    /// Tasks whose future is not gone yet.
    pub tasks_alive: u64,
    /// Polls of spawned tasks.
    pub polls: u64,
    /// Turns of the reactor, blocking or not.
    pub ticks: u64,
    /// Readiness events delivered to registered sources.
    pub events: u64,
    /// System calls that waited for events: one per turn, plus one per
    /// wait retried after `EINTR`.
    pub wait_syscalls: u64,
    /// System calls made only to change registrations.
    pub change_syscalls: u64,
    /// Registration changes handed to the kernel.
    pub changes: u64,
    /// Turns in which the kernel refused a registration change (kqueue; the
    /// source's next operation returns the error). A delete that finds the
    /// fd already closed does not count.
    pub failed_change_turns: u64,
    /// Wakes that came from another thread (or from outside the runtime).
    pub remote_wakes: u64,
    /// io_uring: submission queue entries handed to the kernel (in the
    /// waits and in the change calls); 0 with the other drivers.
    pub submissions: u64,
    /// io_uring: completions reaped; 0 with the other drivers.
    pub completions: u64,
    /// io_uring: buffers of the provided-buffer ring that TCP streams in
    /// completion mode hold now (received, not yet read); 0 elsewhere.
    /// Idle connections hold none.
    pub buffers_held: u64,
    /// io_uring: send buffers that TCP streams in completion mode hold now
    /// (written bytes queued or in flight); 0 elsewhere. Idle connections
    /// hold none.
    pub send_buffers_held: u64,
}

impl Metrics {
    // `inline`: compiled in the crates that use it, not in every build of `runtime`.
    #[inline]
    pub(crate) fn of(scope: &Scope) -> Metrics {
        let reactor = scope.reactor.borrow();
        let driver = reactor.counters();
        Metrics {
            driver: reactor.driver().name(),
            fallback_from: driver.fallback.map(|(asked, _)| asked.name()),
            fallback_errno: driver.fallback.map_or(0, |(_, errno)| errno),
            tasks_spawned: scope.tasks_spawned.get(),
            tasks_alive: scope.tasks_alive() as u64,
            polls: scope.polls.get(),
            ticks: reactor.ticks,
            events: reactor.events_delivered,
            wait_syscalls: driver.wait_syscalls,
            change_syscalls: driver.change_syscalls,
            changes: driver.changes,
            failed_change_turns: driver.failed_change_turns,
            remote_wakes: scope.shared.remote_wakes.load(Relaxed),
            submissions: driver.submissions,
            completions: driver.completions,
            buffers_held: driver.buffers_held,
            send_buffers_held: driver.send_buffers_held,
        }
    }
}

/// The current thread's runtime's metrics.
///
/// # Panics
/// Outside a runtime.
#[track_caller]
#[inline]
pub fn metrics() -> Metrics {
    context::with(|scope| Metrics::of(scope))
}
