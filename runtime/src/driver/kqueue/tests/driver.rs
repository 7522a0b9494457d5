//! The driver over whichever kqueue is underneath.

use std::io::Write;
use std::os::fd::AsRawFd;
use std::time::Duration;

use super::super::sys;
use super::super::sys::portable::{EVFILT_READ, EV_EOF};
use super::super::waker::Mechanism;
use super::super::{readiness, Kqueue};
use super::{bounded, closed_fd, pair, pipe, BRIEF, SECOND};
use crate::driver::{Event, Readiness};
use crate::sys::libc;

fn tokens(events: &[Event]) -> Vec<u64> {
    let mut t: Vec<u64> = events.iter().map(|e| e.token).collect();
    t.sort();
    t.dedup();
    t
}

#[test]
fn kqueue_driver_delete_after_queued_add_sends_neither() {
    let mut driver = Kqueue::new(16).unwrap();
    let (a, b) = pair();
    driver.register(a.as_raw_fd(), 7).unwrap();
    driver.deregister(a.as_raw_fd()).unwrap();
    assert_eq!(driver.pending.len(), 0);
    let mut events = Vec::new();
    (&b).write_all(b"x").unwrap();
    driver.wait(&mut events, BRIEF).unwrap();
    assert_eq!((driver.counters.changes, events.len()), (0, 0));
}

#[test]
fn kqueue_driver_add_after_queued_delete_reaches_only_the_new_token() {
    let mut driver = Kqueue::new(16).unwrap();
    let (a, b) = pair();
    driver.register(a.as_raw_fd(), 1).unwrap();
    let mut events = Vec::new();
    driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
    driver.deregister(a.as_raw_fd()).unwrap();
    driver.register(a.as_raw_fd(), 2).unwrap();
    (&b).write_all(b"x").unwrap();
    driver.wait(&mut events, SECOND).unwrap();
    assert_eq!(tokens(&events), vec![2]);
    assert_eq!(driver.counters.failed_change_turns, 0);
}

#[test]
fn kqueue_driver_delete_add_delete_in_one_tick_leaves_nothing_registered() {
    let mut driver = Kqueue::new(16).unwrap();
    let (a, b) = pair();
    let fd = a.as_raw_fd();
    driver.register(fd, 1).unwrap();
    let mut events = Vec::new();
    driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
    driver.deregister(fd).unwrap();
    driver.register(fd, 2).unwrap();
    driver.deregister(fd).unwrap();
    driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
    (&b).write_all(b"x").unwrap();
    driver.wait(&mut events, BRIEF).unwrap();
    assert!(events.is_empty(), "the kernel still reports the fd: {events:?}");
}

#[test]
fn kqueue_driver_deregister_of_an_fd_that_stays_open_deletes_it_even_when_closing() {
    // A value that does not own its fd (AsyncFd<RawFd>, AsyncFd<Arc<File>>)
    // deregisters as "closing", but the fd stays open.
    let mut driver = Kqueue::new(16).unwrap();
    let (a, b) = pair();
    driver.register(a.as_raw_fd(), 1).unwrap();
    let mut events = Vec::new();
    driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
    driver.deregister(a.as_raw_fd()).unwrap();
    driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
    (&b).write_all(b"x").unwrap();
    driver.wait(&mut events, BRIEF).unwrap();
    assert!(events.is_empty(), "the kernel still reports the fd: {events:?}");
}

#[test]
fn kqueue_driver_delete_of_a_closed_fd_is_not_a_failure() {
    // FreeBSD answers EBADF with flags == EV_ERROR alone: the change, not
    // the returned flags, says it was a delete.
    let mut driver = Kqueue::new(16).unwrap();
    let (a, _b) = pair();
    let fd = a.as_raw_fd();
    driver.register(fd, 1).unwrap();
    let mut events = Vec::new();
    driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
    driver.deregister(fd).unwrap();
    drop(a);
    driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(driver.counters.failed_change_turns, 0);
}

#[test]
fn kqueue_driver_write_filter_on_a_pipe_whose_reader_is_gone_is_not_a_failure() {
    let mut driver = Kqueue::new(16).unwrap();
    let (read, write) = pipe();
    drop(read);
    driver.register(write.as_raw_fd(), 1).unwrap();
    let mut events = Vec::new();
    driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
    assert!(events.iter().all(|e| e.error == 0), "{events:?}");
    assert_eq!(driver.counters.failed_change_turns, 0);
    let err = (&write).write(b"x").unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EPIPE));
}

#[test]
fn kqueue_driver_failed_add_reaches_its_token_in_one_kevent() {
    let mut driver = Kqueue::new(16).unwrap();
    let (a, b) = pair();
    driver.register(closed_fd(), 3).unwrap();
    driver.register(a.as_raw_fd(), 4).unwrap();
    (&b).write_all(b"x").unwrap(); // so a kqueue that waits after a failure returns too
    let mut events = Vec::new();
    driver.wait(&mut events, SECOND).unwrap();
    let errors: Vec<_> = events.iter().filter(|e| e.error != 0).map(|e| (e.token, e.error)).collect();
    assert_eq!(errors, vec![(3, libc::EBADF), (3, libc::EBADF)], "read and write filter");
    assert_eq!((driver.counters.wait_syscalls, driver.counters.failed_change_turns), (1, 1));
}

#[test]
fn kqueue_driver_data_and_fin_that_arrive_together_report_the_end_of_stream() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    server.set_nonblocking(true).unwrap();
    let mut driver = Kqueue::new(16).unwrap();
    driver.register(server.as_raw_fd(), 1).unwrap();
    let mut events = Vec::new();
    driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
    client.write_all(b"abc").unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let mut seen = Readiness::default();
    while !seen.intersects(Readiness::READ_CLOSED) {
        driver.wait(&mut events, SECOND).unwrap();
        assert!(!events.is_empty(), "no end of stream after data and FIN (seen {seen:?})");
        seen = events.iter().fold(seen, |r, e| r.union(e.readiness));
    }
}

#[test]
fn kqueue_read_eof_wakes_the_writer_too() {
    let f = sys::Fields { ident: 3, filter: EVFILT_READ, flags: EV_EOF, fflags: 0, data: 0, udata: 1 };
    assert!(readiness(&f).intersects(Readiness::WRITE_ALL));
    let plain = sys::Fields { flags: 0, ..f };
    assert!(!readiness(&plain).intersects(Readiness::WRITE_ALL));
}

#[test]
fn kqueue_pipe_waker_ends_waits_from_another_thread_again_and_again() {
    bounded(|| {
        let mut driver = Kqueue::with_wake(16, Mechanism::Pipe).unwrap();
        let remote = std::sync::Arc::new(driver.remote_waker().unwrap());
        let mut events = Vec::new();
        for round in 0..3 {
            let r = remote.clone();
            let waker = std::thread::spawn(move || {
                // More wakes than a pipe holds: a full pipe is a pending wake.
                for _ in 0..(if round == 2 { 100_000 } else { 1 }) {
                    r.wake().unwrap();
                }
            });
            driver.wait(&mut events, None).unwrap();
            assert!(events.is_empty(), "the wake is not handed on: {events:?}");
            waker.join().unwrap();
        }
        // Drained: no wake is pending any more.
        driver.wait(&mut events, BRIEF).unwrap();
        assert_eq!(driver.counters.wait_syscalls, 4);
    });
}

#[test]
fn kqueue_user_waker_ends_a_wait_with_no_timeout() {
    bounded(|| {
        let mut driver = Kqueue::new(16).unwrap();
        let remote = driver.remote_waker().unwrap();
        let waker = std::thread::spawn(move || remote.wake().unwrap());
        let mut events = Vec::new();
        driver.wait(&mut events, None).unwrap();
        waker.join().unwrap();
        assert!(events.is_empty());
    });
}

#[test]
fn kqueue_driver_reports_every_read_edge_when_more_fds_are_ready_than_the_list_holds() {
    // 260 fds readable and writable at once: 520 filter events, more than
    // libkqueue's 512-entry list (which drops what does not fit).
    let mut driver = Kqueue::new(1024).unwrap();
    let pairs: Vec<_> = (0..260).map(|_| pair()).collect();
    for (i, (a, _)) in pairs.iter().enumerate() {
        driver.register(a.as_raw_fd(), i as u64).unwrap();
    }
    let mut events = Vec::new();
    driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
    for (_, b) in &pairs {
        (&*b).write_all(b"x").unwrap();
    }
    let mut readable = vec![false; pairs.len()];
    while readable.contains(&false) {
        driver.wait(&mut events, SECOND).unwrap();
        assert!(!events.is_empty(), "read edges lost: {} fds never reported", readable.iter().filter(|r| !**r).count());
        for e in events.iter().filter(|e| e.readiness.intersects(Readiness::READABLE)) {
            readable[e.token as usize] = true;
        }
    }
}

#[test]
fn kqueue_driver_number_reused_in_one_tick_gets_both_filters_and_no_error() {
    // The connect that tries the next address: the refused socket is
    // dropped and the next one takes its number, in one tick.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let mut driver = Kqueue::new(16).unwrap();
    let old = super::kq::connect_nonblocking(refused);
    driver.register(old, 1).unwrap();
    let mut events = Vec::new();
    driver.wait(&mut events, SECOND).unwrap();
    driver.deregister(old).unwrap();
    // SAFETY: closes the socket connect_nonblocking made, once.
    unsafe { libc::close(old) };
    // Sockets until one takes the number (other test threads may take it
    // first and free it again); the others are closed after.
    let mut held = Vec::new();
    let new = loop {
        let fd = super::kq::connect_nonblocking(listener.local_addr().unwrap());
        if fd == old {
            break fd;
        }
        assert!(held.len() < 500, "fd {old} was not reused");
        held.push(fd);
    };
    driver.register(new, 2).unwrap();
    // The deletes find nothing (FreeBSD then returns at once, with only
    // those ignored errors): the write edge comes in the next wait at most.
    let mut writable = false;
    for _ in 0..2 {
        driver.wait(&mut events, SECOND).unwrap();
        assert!(events.iter().all(|e| e.error == 0), "{events:?}");
        writable |= events.iter().any(|e| e.token == 2 && e.readiness.intersects(Readiness::WRITABLE));
    }
    assert!(writable, "the new socket is never reported writable");
    assert_eq!(driver.counters.failed_change_turns, 0);
    for fd in held.into_iter().chain([new]) {
        // SAFETY: closes the sockets this test made, once each.
        unsafe { libc::close(fd) };
    }
}
