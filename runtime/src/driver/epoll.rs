//! The Linux driver: `epoll` in edge-triggered mode.
//!
//! Every source is registered once with `EPOLLIN | EPOLLOUT | EPOLLRDHUP |
//! EPOLLET` and never re-armed: the kernel reports each new edge, and the
//! reactor keeps the readiness until an operation returns `WouldBlock`. Each
//! registration change is one `epoll_ctl` made at once, so with this driver
//! `change_syscalls == changes`. Remote wakes write to an `eventfd` registered
//! under [`WAKER_TOKEN`]; its events end a wait and are not handed on.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use super::syscall::{annotate, cvt, retry};
use super::{DriverCounters, Event, Readiness};
use crate::sys::libc;

/// The token of the remote-wake eventfd; the reactor never hands it out.
pub(crate) const WAKER_TOKEN: u64 = u64::MAX;

/// An epoll instance and the buffer its waits fill.
#[derive(Debug)]
pub(crate) struct Epoll {
    ep: OwnedFd,
    buf: Vec<libc::epoll_event>,
    /// The kernel has `epoll_pwait2`; cleared at the first `ENOSYS`.
    has_pwait2: bool,
    /// Held once this driver has lowered the thread's timer slack.
    slack: Option<SlackLease>,
    pub(crate) counters: DriverCounters,
}

impl Epoll {
    pub(crate) fn new(capacity: usize) -> io::Result<Epoll> {
        // SAFETY: epoll_create1 takes no pointers; the result is checked by cvt.
        let fd = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) }).map_err(|e| annotate(e, "epoll_create1"))?;
        // SAFETY: `fd` was just returned by the kernel and nothing else owns it.
        let ep = unsafe { OwnedFd::from_raw_fd(fd) };
        let empty = libc::epoll_event { events: 0, u64: 0 };
        let buf = vec![empty; capacity.clamp(1, i32::MAX as usize)];
        Ok(Epoll { ep, buf, has_pwait2: true, slack: None, counters: DriverCounters::default() })
    }

    pub(crate) fn register(&mut self, fd: RawFd, token: u64) -> io::Result<()> {
        let flags = libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLPRI | libc::EPOLLET;
        let mut ev = libc::epoll_event { events: flags as u32, u64: token };
        self.ctl(libc::EPOLL_CTL_ADD, fd, &mut ev).map_err(|e| annotate(e, "epoll_ctl(EPOLL_CTL_ADD)"))
    }

    /// Always an `epoll_ctl`: even a closing fd may live on in a `dup`, and
    /// epoll forgets only the last copy's registration by itself.
    pub(crate) fn deregister(&mut self, fd: RawFd) -> io::Result<()> {
        let mut ev = libc::epoll_event { events: 0, u64: 0 };
        self.ctl(libc::EPOLL_CTL_DEL, fd, &mut ev).map_err(|e| annotate(e, "epoll_ctl(EPOLL_CTL_DEL)"))
    }

    fn ctl(&mut self, op: i32, fd: RawFd, ev: &mut libc::epoll_event) -> io::Result<()> {
        self.counters.changes += 1;
        self.counters.change_syscalls += 1;
        // SAFETY: `ev` is a valid epoll_event for the duration of the call; an
        // invalid `fd` is reported by the kernel as EBADF, not undefined behaviour.
        cvt(unsafe { libc::epoll_ctl(self.ep.as_raw_fd(), op, fd, ev) })?;
        Ok(())
    }

    /// Waits once and hands each event to `on_event`, read in place from
    /// the kernel's buffer (no copy into a list first).
    #[inline]
    pub(crate) fn wait(&mut self, timeout: Option<Duration>, mut on_event: impl FnMut(Event)) -> io::Result<()> {
        let n = retry(|| {
            self.counters.wait_syscalls += 1;
            self.wait_once(timeout)
        })
        .map_err(|e| annotate(e, "epoll_wait"))?;
        for ev in &self.buf[..n] {
            let (bits, token) = (ev.events, ev.u64);
            if token != WAKER_TOKEN {
                on_event(Event { token, readiness: readiness(bits), error: 0, socket_error: 0 });
            }
        }
        Ok(())
    }

    /// One wait. A timeout that is not a whole number of milliseconds goes
    /// to `epoll_pwait2` (nanoseconds, Linux 5.11+), so timers fire within
    /// microseconds of their deadline instead of up to a millisecond late;
    /// where the kernel lacks it (`ENOSYS`), `epoll_wait` with the timeout
    /// rounded up to the next millisecond.
    fn wait_once(&mut self, timeout: Option<Duration>) -> io::Result<usize> {
        let (ep, ptr, len) = (self.ep.as_raw_fd(), self.buf.as_mut_ptr(), self.buf.len() as i32);
        if let Some(d) = timeout.filter(|d| self.has_pwait2 && d.subsec_nanos() % 1_000_000 != 0) {
            self.precise_slack();
            let ts = libc::timespec { tv_sec: d.as_secs().min(i32::MAX as u64) as _, tv_nsec: d.subsec_nanos() as _ };
            let no_mask: *const libc::sigset_t = std::ptr::null();
            // SAFETY: `ptr` points to `len` initialised epoll_events owned by
            // `self.buf`; `ts` outlives the call; a null mask means "keep the
            // thread's mask" and makes the size argument unused.
            let r = unsafe {
                libc::syscall(libc::SYS_epoll_pwait2, ep, ptr, len, &ts as *const libc::timespec, no_mask, 0usize)
            };
            match cvt(r as isize) {
                Err(e) if e.raw_os_error() == Some(libc::ENOSYS) => self.has_pwait2 = false,
                other => return other.map(|n| n as usize),
            }
        }
        // SAFETY: as above.
        cvt(unsafe { libc::epoll_wait(ep, ptr, len, timeout_ms(timeout)) }).map(|n| n as usize)
    }

    /// Before the first sub-millisecond wait, lowers this thread's timer
    /// slack (by default 50 µs, by which the kernel may delay any timed wait
    /// to batch wake-ups) to 1 µs, so timers fire within microseconds of
    /// their deadline. A runtime never leaves its thread, so this is the
    /// runtime's thread; dropping the driver ends its lease.
    fn precise_slack(&mut self) {
        if self.slack.is_none() {
            self.slack = SlackLease::acquire();
        }
    }

    pub(crate) fn remote_waker(&mut self) -> io::Result<RemoteWaker> {
        let flags = libc::EFD_CLOEXEC | libc::EFD_NONBLOCK;
        // SAFETY: eventfd takes no pointers; the result is checked by cvt.
        let fd = cvt(unsafe { libc::eventfd(0, flags) }).map_err(|e| annotate(e, "eventfd"))?;
        // SAFETY: `fd` was just returned by the kernel and nothing else owns it.
        let file = unsafe { File::from_raw_fd(fd) };
        // Read interest only: every write is a new edge, so the counter
        // need not be read back (see `RemoteWaker::wake`).
        let mut ev = libc::epoll_event { events: (libc::EPOLLIN | libc::EPOLLET) as u32, u64: WAKER_TOKEN };
        self.ctl(libc::EPOLL_CTL_ADD, file.as_raw_fd(), &mut ev)
            .map_err(|e| annotate(e, "epoll_ctl(EPOLL_CTL_ADD)"))?;
        Ok(RemoteWaker { file })
    }
}

thread_local! {
    /// This thread's lowered timer slack: how many drivers hold a lease on
    /// it, and the slack it had before the first of them lowered it. Here
    /// and not in `context/` because it is kernel state of the thread, not
    /// the current runtime: two runtimes on one thread share one slack.
    static SLACK: Cell<(usize, u64)> = const { Cell::new((0, 0)) };
}

/// One driver's share of the thread's lowered timer slack. The first lease
/// on a thread saves the slack and lowers it to 1 µs; the last one dropped
/// puts the saved value back, whatever order runtimes are dropped in.
#[derive(Debug)]
struct SlackLease(());

impl SlackLease {
    /// `None` if the kernel refused (the wait is then just less precise).
    fn acquire() -> Option<SlackLease> {
        SLACK
            .try_with(|cell| {
                let (leases, saved) = cell.get();
                if leases > 0 {
                    cell.set((leases + 1, saved));
                    return Some(SlackLease(()));
                }
                // SAFETY: prctl with integer arguments only reads or sets
                // this thread's timer slack.
                let old = unsafe { libc::prctl(libc::PR_GET_TIMERSLACK, 0, 0, 0, 0) };
                // SAFETY: as above.
                if old > 0 && unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, 1000, 0, 0, 0) } == 0 {
                    cell.set((1, old as u64));
                    return Some(SlackLease(()));
                }
                None
            })
            .ok()
            .flatten()
    }
}

impl Drop for SlackLease {
    fn drop(&mut self) {
        // At thread exit the count may be gone already; so is the thread.
        let _ = SLACK.try_with(|cell| {
            let (leases, saved) = cell.get();
            cell.set((leases - 1, saved));
            if leases == 1 {
                // SAFETY: prctl with integer arguments only sets this thread's timer slack.
                unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, saved, 0, 0, 0) };
            }
        });
    }
}

/// The epoll bits that are [`Readiness`] flags as they stand (see there).
const AS_IS: u32 = (libc::EPOLLIN | libc::EPOLLOUT) as u32;
const _: () = assert!(
    Readiness::READABLE.0 as i32 == libc::EPOLLIN && Readiness::WRITABLE.0 as i32 == libc::EPOLLOUT,
    "the common event is read as it comes only while these bits agree"
);

/// Maps epoll's bits to [`Readiness`], the way mio reads them. The common
/// event (readable, writable, or both, and nothing else) is its own
/// translation; the rest goes through [`readiness_slow`].
#[inline(always)]
pub(super) fn readiness(bits: u32) -> Readiness {
    if bits & !AS_IS == 0 {
        Readiness(bits as u8)
    } else {
        readiness_slow(bits)
    }
}

/// [`readiness`] of an event with more than `EPOLLIN` and `EPOLLOUT` in it:
/// urgent data, a hang-up, an error.
#[inline(never)]
fn readiness_slow(bits: u32) -> Readiness {
    let has = |flag: i32| bits & flag as u32 != 0;
    let mut r = Readiness::default();
    if has(libc::EPOLLIN | libc::EPOLLPRI) {
        r = r.union(Readiness::READABLE);
    }
    if has(libc::EPOLLPRI) {
        r = r.union(Readiness::PRIORITY);
    }
    if has(libc::EPOLLOUT) {
        r = r.union(Readiness::WRITABLE);
    }
    if has(libc::EPOLLHUP) || (has(libc::EPOLLIN) && has(libc::EPOLLRDHUP)) {
        r = r.union(Readiness::READ_CLOSED);
    }
    if has(libc::EPOLLHUP) || (has(libc::EPOLLOUT) && has(libc::EPOLLERR)) {
        r = r.union(Readiness::WRITE_CLOSED);
    }
    if has(libc::EPOLLERR) {
        r = r.union(Readiness::ERROR);
    }
    r
}

/// Ends a wait from any thread: a write to the driver's eventfd.
#[derive(Debug)]
pub(crate) struct RemoteWaker {
    file: File,
}

impl RemoteWaker {
    pub(crate) fn wake(&self) -> io::Result<()> {
        match (&self.file).write(&1u64.to_ne_bytes()) {
            Ok(_) => Ok(()),
            // The counter is about to overflow: reset it and write again.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                let mut buf = [0u8; 8];
                let _ = (&self.file).read(&mut buf);
                self.wake()
            }
            Err(e) => Err(e),
        }
    }

    /// Model tests only: consumes the wakes written so far, as the driver's
    /// wait would, and says whether there were any.
    #[cfg(all(test, loom))]
    pub(crate) fn take_wakes(&self) -> bool {
        (&self.file).read(&mut [0u8; 8]).is_ok()
    }
}

/// Milliseconds for a wait, rounded up so a wait never ends before the deadline.
pub(crate) fn timeout_ms(timeout: Option<Duration>) -> i32 {
    match timeout {
        None => -1,
        // In 64-bit steps: `as_nanos` is a `u128`, and its division a
        // library call on every wait, the zero-timeout turns of `yield_now`
        // included.
        Some(d) => {
            let ms = d.as_secs().saturating_mul(1000).saturating_add(u64::from(d.subsec_nanos().div_ceil(1_000_000)));
            ms.min(i32::MAX as u64) as i32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slack() -> i32 {
        // SAFETY: prctl with integer arguments only reads this thread's timer slack.
        unsafe { libc::prctl(libc::PR_GET_TIMERSLACK, 0, 0, 0, 0) }
    }

    #[test]
    fn epoll_precise_wait_lowers_timer_slack_and_drop_restores_it() {
        let before = slack();
        let mut ep = Epoll::new(8).unwrap();
        let mut events = Vec::new();
        ep.wait(Some(Duration::from_millis(2)), |e| events.push(e)).unwrap();
        assert_eq!(slack(), before, "a whole-millisecond wait leaves the slack alone");
        ep.wait(Some(Duration::from_micros(1500)), |e| events.push(e)).unwrap();
        assert_eq!(slack(), 1000);
        assert!(events.is_empty());
        drop(ep);
        assert_eq!(slack(), before);
    }

    #[test]
    fn epoll_two_drivers_on_one_thread_restore_the_first_slack_in_any_drop_order() {
        let before = slack();
        let precise = Some(Duration::from_micros(500));
        for first_dropped_first in [true, false] {
            let mut a = Epoll::new(8).unwrap();
            a.wait(precise, |_| {}).unwrap();
            let mut b = Epoll::new(8).unwrap();
            b.wait(precise, |_| {}).unwrap();
            assert_eq!(slack(), 1000);
            let (first, second) = if first_dropped_first { (a, b) } else { (b, a) };
            drop(first);
            assert_eq!(slack(), 1000, "the remaining driver keeps its precise slack");
            drop(second);
            assert_eq!(slack(), before, "the last driver restores the thread's own slack");
        }
    }

    #[test]
    fn epoll_readiness_reads_the_common_event_as_the_full_decode_does() {
        let flags = [libc::EPOLLIN, libc::EPOLLOUT, libc::EPOLLPRI, libc::EPOLLERR, libc::EPOLLHUP, libc::EPOLLRDHUP];
        for set in 0..1u32 << flags.len() {
            let bits = (0..flags.len()).filter(|i| set & 1 << i != 0).fold(0, |b, i| b | flags[i] as u32);
            assert_eq!(readiness(bits), readiness_slow(bits), "epoll bits {bits:#x}");
        }
        let both = (libc::EPOLLIN | libc::EPOLLOUT) as u32;
        assert_eq!(readiness(both), Readiness::READABLE.union(Readiness::WRITABLE));
    }

    #[test]
    fn epoll_timeout_ms_rounds_up_never_down() {
        assert_eq!(timeout_ms(None), -1);
        assert_eq!(timeout_ms(Some(Duration::ZERO)), 0);
        assert_eq!(timeout_ms(Some(Duration::from_nanos(1))), 1);
        assert_eq!(timeout_ms(Some(Duration::from_micros(1500))), 2);
        assert_eq!(timeout_ms(Some(Duration::new(2, 999_000_001))), 3000);
        assert_eq!(timeout_ms(Some(Duration::new(2, 999_000_000))), 2999);
        assert_eq!(timeout_ms(Some(Duration::from_millis(i32::MAX as u64 + 1))), i32::MAX);
        assert_eq!(timeout_ms(Some(Duration::from_secs(u64::MAX))), i32::MAX);
    }
}
