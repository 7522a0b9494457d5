//! Tests of the emulation's own FreeBSD behaviour (see the module docs):
//! where libkqueue differs, so these run on the emulation only.

use std::io::Write;
use std::os::fd::AsRawFd;
use std::time::Duration;

use super::super::tests::{blank_events, bounded, change, closed_fd, pair, pipe, reuse, Fd, BRIEF, SECOND};
use super::{kevent, Kq, EVFILT_READ, EVFILT_WRITE, EV_ADD, EV_CLEAR, EV_DELETE, EV_ERROR};
use crate::io::AsyncFd;
use crate::sys::libc;
use crate::{Builder, Driver};

fn kevents(kq: &Kq, changes: &[kevent], timeout: Option<Duration>) -> Vec<kevent> {
    let mut events = blank_events(8);
    let n = kq.kevent(changes, &mut events, timeout).unwrap();
    events.truncate(n);
    events
}

#[test]
fn emulation_failed_change_flags_are_ev_error_alone() {
    let kq = Kq::new().unwrap();
    let got = kevents(&kq, &[change(closed_fd(), EVFILT_READ, EV_ADD | EV_CLEAR, 1)], SECOND);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].flags, got[0].data, got[0].udata), (EV_ERROR, i64::from(libc::EBADF), 1));
}

#[test]
fn emulation_read_edge_does_not_report_the_write_filter() {
    let kq = Kq::new().unwrap();
    let (a, b) = pair();
    let fd = a.as_raw_fd();
    let first = kevents(
        &kq,
        &[change(fd, EVFILT_READ, EV_ADD | EV_CLEAR, 1), change(fd, EVFILT_WRITE, EV_ADD | EV_CLEAR, 2)],
        SECOND,
    );
    assert_eq!(first.iter().map(|e| e.filter).collect::<Vec<_>>(), vec![EVFILT_WRITE], "writable from the start");
    (&b).write_all(b"x").unwrap();
    let got = kevents(&kq, &[], SECOND);
    assert_eq!(got.iter().map(|e| (e.filter, e.udata)).collect::<Vec<_>>(), vec![(EVFILT_READ, 1)]);
}

#[test]
fn emulation_reused_fd_number_starts_with_no_filters() {
    let kq = Kq::new().unwrap();
    let (a, _b) = pair();
    let fd = a.as_raw_fd();
    kevents(&kq, &[change(fd, EVFILT_READ, EV_ADD | EV_CLEAR, 1)], Some(Duration::ZERO));
    drop(a);
    let (_c, _d) = reuse(fd);
    let got = kevents(&kq, &[change(fd, EVFILT_READ, EV_DELETE, 0)], SECOND);
    assert_eq!((got.len(), got[0].data), (1, i64::from(libc::ENOENT)));
}

#[test]
fn emulation_write_filter_add_on_a_pipe_with_no_reader_is_epipe() {
    let kq = Kq::new().unwrap();
    let (read, write) = pipe();
    drop(read);
    let got = kevents(&kq, &[change(write.as_raw_fd(), EVFILT_WRITE, EV_ADD | EV_CLEAR, 1)], SECOND);
    assert_eq!((got.len(), got[0].data), (1, i64::from(libc::EPIPE)));
}

#[test]
fn emulation_sub_millisecond_timeout_waits_at_least_that_long() {
    let kq = Kq::new().unwrap();
    let start = std::time::Instant::now();
    assert!(kevents(&kq, &[], Some(Duration::from_micros(300))).is_empty());
    assert!(start.elapsed() >= Duration::from_micros(300));
}

#[test]
fn emulation_runtime_failed_registration_wakes_its_task_with_no_timer() {
    // FreeBSD returns at once after a failed change: the driver must hand
    // the error on, not wait again (for ever, with no timer armed).
    bounded(|| {
        let rt = Builder::new().driver(Driver::Kqueue).build().unwrap();
        rt.block_on(async {
            let bad = AsyncFd::new(Fd(closed_fd())).unwrap();
            bad.clear_read_ready();
            let err = bad.readable().await.unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EBADF));
        });
    });
}

#[test]
fn emulation_nothing_is_reported_after_a_brief_wait_with_no_knotes() {
    let kq = Kq::new().unwrap();
    assert!(kevents(&kq, &[], BRIEF).is_empty());
}

/// `EVFILT_PROC`, as FreeBSD's `filt_proc`: the exit fires once with
/// `EV_EOF | EV_ONESHOT` and `NOTE_EXIT`, which leaves nothing to delete.
#[test]
fn emulation_proc_exit_fires_once_then_nothing_is_left() {
    use super::{EVFILT_PROC, EV_EOF, EV_ONESHOT, NOTE_EXIT};
    bounded(|| {
        let kq = Kq::new().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id() as usize;
        let add = kevent { ident: pid, filter: EVFILT_PROC, flags: EV_ADD, fflags: NOTE_EXIT, data: 0, udata: 5 };
        let mut got = kevents(&kq, &[add], SECOND);
        while got.is_empty() {
            got = kevents(&kq, &[], SECOND);
        }
        assert_eq!(got.len(), 1);
        let e = got[0];
        assert_eq!(
            (e.ident, e.filter, e.flags, e.fflags, e.udata),
            (pid, EVFILT_PROC, EV_EOF | EV_ONESHOT, NOTE_EXIT, 5)
        );
        assert!(kevents(&kq, &[], BRIEF).is_empty());
        let delete = kevent { flags: EV_DELETE, ..add };
        let got = kevents(&kq, &[delete], BRIEF);
        assert_eq!((got.len(), got[0].flags, got[0].data), (1, EV_ERROR, i64::from(libc::ENOENT)));
        assert!(child.wait().unwrap().success());
    });
}
