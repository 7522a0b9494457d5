//! `kevent` semantics the driver relies on, which FreeBSD, libkqueue and
//! the emulation share.

use std::io::Write;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Duration;

use super::super::sys::{
    self, Kq, EVFILT_READ, EVFILT_USER, EVFILT_WRITE, EV_ADD, EV_CLEAR, EV_DELETE, EV_EOF, EV_ERROR,
};
use super::{blank_events, change, closed_fd, pair, BRIEF, SECOND};
use crate::sys::libc;

#[test]
fn kq_failed_change_is_an_ev_error_entry_and_the_rest_is_applied() {
    let kq = Kq::new().unwrap();
    let (a, b) = pair();
    let changes = [
        change(closed_fd(), EVFILT_READ, EV_ADD | EV_CLEAR, 1),
        change(a.as_raw_fd(), EVFILT_READ, EV_ADD | EV_CLEAR, 2),
    ];
    // Data is waiting, so libkqueue (which waits after a failure) returns too.
    (&b).write_all(b"x").unwrap();
    let mut events = blank_events(8);
    let n = kq.kevent(&changes, &mut events, SECOND).unwrap();
    let got: Vec<_> = events[..n].iter().map(sys::fields).collect();
    let error = got.iter().find(|f| f.flags & u32::from(EV_ERROR) != 0).expect("an EV_ERROR entry");
    assert_eq!((error.ident, error.data, error.udata), (closed_fd() as usize, i64::from(libc::EBADF), 1));
    // The change after the failed one was applied: now, or at the next wait.
    if !got.iter().any(|f| f.udata == 2) {
        let n = kq.kevent(&[], &mut events, SECOND).unwrap();
        assert_eq!((n, sys::fields(&events[0]).udata), (1, 2));
    }
}

#[test]
fn kq_failed_change_without_room_is_an_error() {
    let kq = Kq::new().unwrap();
    let err = kq.kevent(&[change(closed_fd(), EVFILT_READ, EV_ADD, 1)], &mut [], None).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EBADF));
}

#[test]
fn kq_delete_of_a_filter_never_added_is_enoent() {
    let kq = Kq::new().unwrap();
    let (a, _b) = pair();
    let err = kq.kevent(&[change(a.as_raw_fd(), EVFILT_WRITE, EV_DELETE, 3)], &mut [], None).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ENOENT));
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
    assert_eq!(kq.kevent(&changes, &mut events, BRIEF).unwrap(), 0);
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
fn kq_refused_connect_reports_ev_eof_with_the_error_in_fflags() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let socket = connect_nonblocking(addr);
    let kq = Kq::new().unwrap();
    let mut events = blank_events(4);
    let add = change(socket, EVFILT_WRITE, EV_ADD | EV_CLEAR, 6);
    let n = kq.kevent(&[add], &mut events, SECOND).unwrap();
    assert_eq!(n, 1, "a refused connect on loopback is reported at once");
    let f = sys::fields(&events[0]);
    assert_ne!(f.flags & u32::from(EV_EOF), 0);
    assert_eq!(f.fflags, libc::ECONNREFUSED as u32);
    // SAFETY: closes the socket connect_nonblocking made, once.
    unsafe { libc::close(socket) };
}

/// A nonblocking TCP socket whose connect to `addr` is under way.
pub(super) fn connect_nonblocking(addr: std::net::SocketAddr) -> i32 {
    let std::net::SocketAddr::V4(v4) = addr else { panic!("IPv4 only") };
    // SAFETY: plain socket creation; the result is checked.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) };
    assert!(fd >= 0);
    // SAFETY: fcntl with integer arguments on an fd we own.
    assert_eq!(unsafe { libc::fcntl(fd, libc::F_SETFL, libc::O_NONBLOCK) }, 0);
    // SAFETY: an all-zero sockaddr_in is valid; the fields are set below.
    let mut sin: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    sin.sin_family = libc::AF_INET as _;
    sin.sin_port = v4.port().to_be();
    sin.sin_addr = libc::in_addr { s_addr: u32::from(*v4.ip()).to_be() };
    let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    // SAFETY: `sin` is a valid sockaddr_in of `len` bytes.
    let r = unsafe { libc::connect(fd, (&sin as *const libc::sockaddr_in).cast(), len) };
    let err = std::io::Error::last_os_error().raw_os_error();
    assert!(r == 0 || err == Some(libc::EINPROGRESS) || err == Some(libc::ECONNREFUSED), "{err:?}");
    fd
}

#[cfg(not(target_os = "openbsd"))]
#[test]
fn kq_user_event_triggered_from_another_thread_with_note_trigger_alone() {
    let kq = Arc::new(Kq::new().unwrap());
    let mut events = blank_events(4);
    kq.kevent(&[change(0, EVFILT_USER, EV_ADD | EV_CLEAR, 99)], &mut events, Some(Duration::ZERO)).unwrap();
    let remote = kq.clone();
    std::thread::spawn(move || {
        let trigger = sys::event(0, EVFILT_USER.into(), 0, sys::NOTE_TRIGGER, 99);
        remote.kevent(&[trigger], &mut [], None).unwrap();
    })
    .join()
    .unwrap();
    assert_eq!(kq.kevent(&[], &mut events, SECOND).unwrap(), 1);
    assert_eq!(sys::fields(&events[0]).udata, 99);
    // EV_CLEAR on the knote: the trigger is consumed, the next wait times out.
    assert_eq!(kq.kevent(&[], &mut events, BRIEF).unwrap(), 0);
}

#[cfg(not(target_os = "openbsd"))]
#[test]
fn kq_trigger_sent_with_ev_clear_wakes_nobody() {
    // FreeBSD's filt_usertouch resets the trigger the same change sets;
    // libkqueue ignores a change whose only flag is EV_CLEAR. Either way the
    // old driver's remote wake was lost.
    let kq = Kq::new().unwrap();
    let mut events = blank_events(4);
    kq.kevent(&[change(0, EVFILT_USER, EV_ADD | EV_CLEAR, 99)], &mut events, Some(Duration::ZERO)).unwrap();
    let trigger = sys::event(0, EVFILT_USER.into(), EV_CLEAR.into(), sys::NOTE_TRIGGER, 99);
    kq.kevent(&[trigger], &mut [], None).unwrap();
    assert_eq!(kq.kevent(&[], &mut events, BRIEF).unwrap(), 0);
}
