//! Tests of the kqueue driver and, on Linux, of the emulation under it.
//! Run on Linux with `--features kqueue-emulation`; natively on the BSDs.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use super::sys::{
    self, KEvent, Kq, EVFILT_READ, EVFILT_USER, EVFILT_WRITE, EV_ADD, EV_CLEAR, EV_DELETE, EV_EOF, EV_ERROR,
};
use crate::io::AsyncFd;
use crate::{Builder, Driver, Runtime};

const SECOND: Option<Duration> = Some(Duration::from_secs(1));

fn change(fd: RawFd, filter: i16, flags: u16, udata: u64) -> KEvent {
    sys::event(fd as usize, filter.into(), flags.into(), 0, udata)
}

fn blank_events(n: usize) -> Vec<KEvent> {
    vec![sys::event(0, 0, 0, 0, 0); n]
}

fn pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

/// An fd number far above the process's fd limit: never open.
fn closed_fd() -> RawFd {
    999_999
}

fn kqueue_runtime() -> Runtime {
    Builder::new().driver(Driver::Kqueue).build().expect("kqueue runtime")
}

#[test]
fn kq_failed_change_returns_at_once_with_ev_error_and_applies_the_rest() {
    let kq = Kq::new().unwrap();
    let (a, b) = pair();
    let changes = [
        change(closed_fd(), EVFILT_READ, EV_ADD | EV_CLEAR, 1),
        change(a.as_raw_fd(), EVFILT_READ, EV_ADD | EV_CLEAR, 2),
    ];
    let mut events = blank_events(8);
    let start = Instant::now();
    let n = kq.kevent(&changes, &mut events, Some(Duration::from_secs(10))).unwrap();
    assert!(start.elapsed() < Duration::from_secs(5), "a failed change must not wait");
    assert_eq!(n, 1);
    let f = sys::fields(&events[0]);
    assert_ne!(f.flags & u32::from(EV_ERROR), 0);
    assert_eq!(f.data, i64::from(libc::EBADF));
    assert_eq!(f.udata, 1);
    // The change after the failed one was applied.
    (&b).write_all(b"x").unwrap();
    let n = kq.kevent(&[], &mut events, SECOND).unwrap();
    assert_eq!(n, 1);
    assert_eq!(sys::fields(&events[0]).udata, 2);
}

#[test]
fn kq_failed_change_without_room_is_an_error() {
    let kq = Kq::new().unwrap();
    let err = kq.kevent(&[change(closed_fd(), EVFILT_READ, EV_ADD, 1)], &mut [], None).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EBADF));
}

#[test]
fn kq_delete_of_an_absent_filter_is_enoent() {
    let kq = Kq::new().unwrap();
    let (a, _b) = pair();
    let mut events = blank_events(4);
    let n = kq.kevent(&[change(a.as_raw_fd(), EVFILT_WRITE, EV_DELETE, 3)], &mut events, SECOND).unwrap();
    assert_eq!(n, 1);
    assert_eq!(sys::fields(&events[0]).data, i64::from(libc::ENOENT));
}

#[test]
fn kq_reports_one_event_per_filter_with_its_own_udata() {
    let kq = Kq::new().unwrap();
    let (a, b) = pair();
    let fd = a.as_raw_fd();
    let changes = [change(fd, EVFILT_READ, EV_ADD | EV_CLEAR, 10), change(fd, EVFILT_WRITE, EV_ADD | EV_CLEAR, 20)];
    (&b).write_all(b"x").unwrap();
    let mut events = blank_events(8);
    let n = kq.kevent(&changes, &mut events, SECOND).unwrap();
    let mut got: Vec<(i64, u64)> = events[..n].iter().map(|e| (sys::fields(e).filter, sys::fields(e).udata)).collect();
    got.sort();
    let mut want = vec![(i64::from(EVFILT_READ), 10), (i64::from(EVFILT_WRITE), 20)];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn kq_add_then_delete_in_one_list_leaves_nothing_registered() {
    let kq = Kq::new().unwrap();
    let (a, b) = pair();
    let fd = a.as_raw_fd();
    let changes = [change(fd, EVFILT_READ, EV_ADD | EV_CLEAR, 1), change(fd, EVFILT_READ, EV_DELETE, 1)];
    (&b).write_all(b"x").unwrap();
    let mut events = blank_events(4);
    assert_eq!(kq.kevent(&changes, &mut events, Some(Duration::from_millis(20))).unwrap(), 0);
}

#[test]
fn kq_hangup_sets_ev_eof_on_the_read_filter() {
    let kq = Kq::new().unwrap();
    let (a, b) = pair();
    let mut events = blank_events(4);
    kq.kevent(&[change(a.as_raw_fd(), EVFILT_READ, EV_ADD | EV_CLEAR, 5)], &mut events, Some(Duration::ZERO)).unwrap();
    drop(b);
    let n = kq.kevent(&[], &mut events, SECOND).unwrap();
    assert_eq!(n, 1);
    let f = sys::fields(&events[0]);
    assert_eq!((f.udata, f.flags & u32::from(EV_EOF) != 0), (5, true));
}

#[test]
fn kq_user_event_triggered_from_another_thread_is_edge_triggered() {
    let kq = std::sync::Arc::new(Kq::new().unwrap());
    let mut events = blank_events(4);
    kq.kevent(&[change(0, EVFILT_USER, EV_ADD | EV_CLEAR, 99)], &mut events, Some(Duration::ZERO)).unwrap();
    let remote = kq.clone();
    std::thread::spawn(move || {
        let trigger = sys::event(0, EVFILT_USER.into(), EV_CLEAR.into(), sys::NOTE_TRIGGER, 99);
        remote.kevent(&[trigger], &mut [], None).unwrap();
    })
    .join()
    .unwrap();
    assert_eq!(kq.kevent(&[], &mut events, SECOND).unwrap(), 1);
    assert_eq!(sys::fields(&events[0]).udata, 99);
    // EV_CLEAR: the trigger is consumed, the next wait times out.
    assert_eq!(kq.kevent(&[], &mut events, Some(Duration::from_millis(20))).unwrap(), 0);
}

#[test]
fn kqueue_driver_delete_after_queued_add_cancels_both() {
    let mut driver = super::Kqueue::new(16).unwrap();
    let (a, _b) = pair();
    driver.register(a.as_raw_fd(), 7).unwrap();
    driver.deregister(a.as_raw_fd(), false).unwrap();
    assert!(driver.changes.is_empty() && driver.pending.is_empty());
    driver.register(a.as_raw_fd(), 8).unwrap();
    driver.register(a.as_raw_fd(), 9).unwrap();
    assert_eq!(driver.changes.len(), 2, "one pending entry per (fd, filter)");
    let mut events = Vec::new();
    driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
    assert_eq!(driver.counters.changes, 2);
    assert!(events.iter().all(|e| e.token == 9));
}

#[test]
fn kqueue_driver_add_after_queued_delete_becomes_an_add() {
    let mut driver = super::Kqueue::new(16).unwrap();
    let (a, b) = pair();
    driver.register(a.as_raw_fd(), 1).unwrap();
    let mut events = Vec::new();
    driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
    driver.deregister(a.as_raw_fd(), false).unwrap();
    driver.register(a.as_raw_fd(), 2).unwrap();
    assert_eq!(driver.changes.len(), 2);
    assert!(driver.changes.iter().all(|c| sys::fields(c).flags & u32::from(EV_ADD) != 0));
    (&b).write_all(b"x").unwrap();
    driver.wait(&mut events, SECOND).unwrap();
    assert!(!events.is_empty() && events.iter().all(|e| e.token == 2));
}

#[test]
fn kqueue_runtime_change_error_reaches_its_source_and_costs_one_extra_wait() {
    let rt = kqueue_runtime();
    rt.block_on(async {
        let bad = AsyncFd::new(Fd(closed_fd())).unwrap();
        crate::time::sleep(Duration::from_millis(1)).await;
        let err = bad.readable().await.unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EBADF));
        std::mem::forget(bad); // its fd number was never ours to close
    });
    let m = rt.metrics();
    assert_eq!(m.driver, "kqueue");
    assert_eq!(m.change_syscalls, 0);
    assert!(m.failed_change_turns >= 1);
    assert_eq!(m.wait_syscalls, m.ticks + m.failed_change_turns);
}

#[test]
fn kqueue_runtime_fd_reused_in_one_tick_reaches_only_the_new_source() {
    let rt = kqueue_runtime();
    rt.block_on(async {
        // The old source's registration reaches the kernel first.
        let (old, _old_peer) = pair();
        let old_fd = old.as_raw_fd();
        let old = AsyncFd::new(old).unwrap();
        crate::time::sleep(Duration::from_millis(1)).await;
        drop(old); // closes the fd, in the same tick as the next registration
        let (new, new_peer) = reuse(old_fd);
        let new = AsyncFd::new(new).unwrap();
        let before = crate::metrics();
        (&new_peer).write_all(b"hi").unwrap();
        let mut buf = [0u8; 8];
        let n = new.read_with(|s| (&*s).read(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"hi");
        assert_eq!(crate::metrics().failed_change_turns, before.failed_change_turns);
    });
}

#[test]
fn kqueue_runtime_200_registrations_in_one_tick_ride_in_one_kevent() {
    let rt = kqueue_runtime();
    rt.block_on(async {
        crate::time::sleep(Duration::from_millis(1)).await;
        let before = crate::metrics();
        let fds: Vec<_> = (0..200).map(|_| pair()).map(|(a, b)| (AsyncFd::new(a).unwrap(), b)).collect();
        crate::time::sleep(Duration::from_millis(1)).await;
        let after = crate::metrics();
        assert_eq!(after.changes - before.changes, 400, "read and write filter of each");
        assert_eq!(after.change_syscalls, 0);
        assert_eq!(after.wait_syscalls - before.wait_syscalls, after.ticks - before.ticks);
        drop(fds);
    });
}

#[test]
fn kqueue_runtime_change_queued_while_busy_is_flushed_within_the_interval() {
    let rt = kqueue_runtime();
    rt.block_on(async {
        let stop = std::rc::Rc::new(std::cell::Cell::new(false));
        let s = stop.clone();
        crate::spawn(async move {
            while !s.get() {
                crate::task::yield_now().await;
            }
        });
        let (a, b) = pair();
        let a = AsyncFd::new(a).unwrap();
        let mut buf = [0u8; 4];
        // Forget the initial "assumed ready" so only a kernel event can wake us.
        assert!(a.try_read_with(|s| (&*s).read(&mut buf)).is_err());
        let writer = std::thread::spawn(move || (&b).write_all(b"late").map(|()| b));
        let n = a.read_with(|s| (&*s).read(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"late");
        stop.set(true);
        drop(writer.join().unwrap());
    });
}

/// A socket pair one of whose ends has the (just closed) number `fd`. The
/// kernel hands out the lowest free number, and other test threads free
/// lower ones now and then, so keep taking pairs (holding the others) until
/// one lands on `fd`.
fn reuse(fd: RawFd) -> (UnixStream, UnixStream) {
    let mut held = Vec::new();
    for _ in 0..500 {
        let (a, b) = pair();
        match (a.as_raw_fd() == fd, b.as_raw_fd() == fd) {
            (true, _) => return (a, b),
            (_, true) => return (b, a),
            _ => held.push((a, b)),
        }
    }
    panic!("fd {fd} was not reused");
}

/// A bare fd number, not owned (for a registration that must fail).
struct Fd(RawFd);

impl AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}
