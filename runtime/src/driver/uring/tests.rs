//! The io_uring driver on its own, below the reactor.

use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use super::Uring;
use crate::driver::{Event, Readiness};
use crate::sys::libc;

fn events(u: &mut Uring, timeout: Option<Duration>) -> Vec<Event> {
    let mut out = Vec::new();
    u.wait(timeout, |e| out.push(e)).unwrap();
    out
}

/// A connected client and the accepted server side, nonblocking.
fn accepted(listener: &std::net::TcpListener) -> (std::net::TcpStream, std::net::TcpStream) {
    let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    server.set_nonblocking(true).unwrap();
    (client, server)
}

/// Completion-mode reads of `fd` until `len` bytes came, or 10 s passed.
fn read_completion(u: &mut Uring, fd: std::os::fd::RawFd, len: usize) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut got = Vec::new();
    while got.len() < len && Instant::now() < deadline {
        events(u, Some(Duration::from_millis(100)));
        let mut direct = false;
        let _ = u.read(fd, 64, false, &mut |bytes: &[u8]| got.extend_from_slice(bytes), &mut direct);
    }
    got
}

#[test]
fn uring_registration_rides_in_the_wait_and_reports_the_initial_write_edge() {
    let mut u = Uring::new(8).unwrap();
    let (a, _b) = UnixStream::pair().unwrap();
    u.register(a.as_raw_fd(), 7).unwrap();
    assert_eq!((u.counters.changes, u.counters.change_syscalls), (1, 0));
    let got = events(&mut u, Some(Duration::from_secs(5)));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].token, 7);
    assert!(got[0].readiness.intersects(Readiness::WRITABLE), "{got:?}");
    assert!(!got[0].readiness.intersects(Readiness::READABLE), "{got:?}");
    assert_eq!(u.counters.wait_syscalls, 1);
}

#[test]
fn uring_each_write_is_a_new_read_edge_and_eof_is_read_closed() {
    let mut u = Uring::new(8).unwrap();
    let (a, mut b) = UnixStream::pair().unwrap();
    u.register(a.as_raw_fd(), 3).unwrap();
    events(&mut u, Some(Duration::ZERO));
    for _ in 0..2 {
        b.write_all(b"x").unwrap();
        let got = events(&mut u, Some(Duration::from_secs(5)));
        assert!(got.iter().any(|e| e.token == 3 && e.readiness.intersects(Readiness::READABLE)), "{got:?}");
        // The wake-up's key names EPOLLPRI with any data: not reported.
        assert!(!got.iter().any(|e| e.readiness.intersects(Readiness::PRIORITY)), "{got:?}");
    }
    drop(b);
    let got = events(&mut u, Some(Duration::from_secs(5)));
    assert!(got.iter().any(|e| e.readiness.intersects(Readiness::READ_CLOSED)), "{got:?}");
}

#[test]
fn uring_timeout_is_not_cut_short() {
    let mut u = Uring::new(8).unwrap();
    let start = Instant::now();
    assert!(events(&mut u, Some(Duration::from_micros(1500))).is_empty());
    assert!(start.elapsed() >= Duration::from_micros(1500));
}

#[test]
fn uring_remote_wake_ends_a_wait_without_an_event() {
    let mut u = Uring::new(8).unwrap();
    let waker = u.remote_waker().unwrap();
    let t = std::thread::spawn(move || waker.wake().unwrap());
    assert!(events(&mut u, None).is_empty());
    t.join().unwrap();
}

#[test]
fn uring_deregistered_fd_reports_nothing_more_and_costs_one_enter() {
    let mut u = Uring::new(8).unwrap();
    let (a, mut b) = UnixStream::pair().unwrap();
    u.register(a.as_raw_fd(), 1).unwrap();
    events(&mut u, Some(Duration::ZERO));
    u.deregister(a.as_raw_fd()).unwrap();
    assert_eq!((u.counters.changes, u.counters.change_syscalls), (2, 1));
    b.write_all(b"x").unwrap();
    assert!(events(&mut u, Some(Duration::from_millis(1))).is_empty());
    assert_eq!(u.deregister(a.as_raw_fd()).unwrap_err().raw_os_error(), None, "annotated ENOENT");
}

#[test]
fn uring_add_then_remove_in_one_tick_reaches_no_kernel() {
    let mut u = Uring::new(8).unwrap();
    let (a, _b) = UnixStream::pair().unwrap();
    u.register(a.as_raw_fd(), 1).unwrap();
    u.deregister(a.as_raw_fd()).unwrap();
    assert_eq!((u.counters.changes, u.counters.change_syscalls), (0, 0));
    assert!(events(&mut u, Some(Duration::from_millis(1))).is_empty());
    // The number may be registered again, under a new generation.
    u.register(a.as_raw_fd(), 2).unwrap();
    assert!(u.register(a.as_raw_fd(), 3).is_err(), "one registration per fd, as epoll");
    let got = events(&mut u, Some(Duration::from_secs(5)));
    assert!(got.iter().all(|e| e.token == 2) && !got.is_empty(), "{got:?}");
}

#[test]
fn uring_regular_file_is_refused_with_eperm_like_epoll() {
    let mut u = Uring::new(8).unwrap();
    let file = std::fs::File::open("/proc/self/exe").unwrap();
    u.register(file.as_raw_fd(), 9).unwrap();
    let got = events(&mut u, Some(Duration::from_secs(5)));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].token, got[0].error), (9, libc::EPERM));
    assert!(events(&mut u, Some(Duration::from_millis(1))).is_empty(), "not re-armed");
}

#[test]
fn uring_full_submission_queue_is_submitted_early() {
    let mut u = Uring::new(1).unwrap(); // 64 entries
    let pairs: Vec<_> = (0..100).map(|_| UnixStream::pair().unwrap()).collect();
    for (i, (a, _)) in pairs.iter().enumerate() {
        u.register(a.as_raw_fd(), i as u64).unwrap();
    }
    assert_eq!(u.counters.change_syscalls, 1);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..4 {
        for e in events(&mut u, Some(Duration::from_millis(10))) {
            seen.insert(e.token);
        }
    }
    assert_eq!(seen.len(), 100);
}

#[test]
fn uring_polls_ended_by_a_full_completion_queue_are_rearmed() {
    // 64 SQEs and 256 CQEs: 300 initial write edges overflow the completion
    // queue, and the kernel ends the multishot polls it could not post for.
    // (With DEFER_TASKRUN the task work waits for room instead: no poll
    // ends, and none may lose its edge either.)
    for defer in [false, true] {
        let mut u = Uring::with_defer(1, defer).unwrap();
        let mut pairs: Vec<_> = (0..300).map(|_| UnixStream::pair().unwrap()).collect();
        for (i, (a, _)) in pairs.iter().enumerate() {
            u.register(a.as_raw_fd(), i as u64).unwrap();
        }
        for _ in 0..4 {
            events(&mut u, Some(Duration::from_millis(10)));
        }
        let rearms = u.counters.changes - 300;
        if !u.ring.defers_task_work() {
            assert!(rearms > 0, "the queue overflowed and polls ended: {:?}", u.counters);
        }
        for (_, b) in &mut pairs {
            b.write_all(b"x").unwrap();
        }
        // A waiting enter runs about 20 items of deferred task work (the
        // kernel's IO_LOCAL_TW_DEFAULT_MAX); the rest wait for the next.
        let mut readable = std::collections::HashSet::new();
        for _ in 0..100 {
            for e in events(&mut u, Some(Duration::from_millis(10))) {
                if e.readiness.intersects(Readiness::READABLE) {
                    readable.insert(e.token);
                }
            }
            if readable.len() == 300 {
                break;
            }
        }
        assert_eq!(readable.len(), 300, "every poll, re-armed or not, sees its edge (defer {defer})");
    }
}

#[test]
fn uring_completion_mode_is_on_unless_the_switch_says_0() {
    use std::ffi::OsStr;
    assert!(super::completion_wanted(None));
    assert!(super::completion_wanted(Some(OsStr::new("1"))));
    assert!(!super::completion_wanted(Some(OsStr::new("0"))));
}

#[test]
fn uring_ring_defers_task_work_unless_the_switch_says_0() {
    let u = Uring::new(8).unwrap();
    // Linux 6.1 took DEFER_TASKRUN; this test runs where io_uring does.
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    let mut parts = release.split(|c: char| !c.is_ascii_digit()).map(|p| p.parse::<u32>().unwrap_or(0));
    let new_kernel = (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) >= (6, 1);
    let asked = std::env::var_os("RUNTIME_URING_DEFER_TASKRUN").is_none_or(|v| v != "0");
    assert_eq!(u.ring.defers_task_work(), new_kernel && asked);
}

/// A fixed file's install that the kernel refuses (here: the ring's own fd,
/// which no table may hold) leaves the stream on its plain fd: the slot is
/// given back and the recv that named the empty slot (`EBADF`) is armed
/// again by fd, so the peer's bytes still arrive.
#[test]
fn uring_failed_fixed_file_install_falls_back_to_the_plain_fd() {
    let mut u = Uring::new(8).unwrap();
    if u.files.is_none() {
        return; // a kernel without the table (or RUNTIME_URING_FIXED_FILES=0)
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (mut client, server) = accepted(&listener);
    let fd = server.as_raw_fd();
    u.register(fd, 5).unwrap();
    assert!(u.set_completion(fd).unwrap());
    let slot = u.regs[fd as usize].conn.slot;
    assert_ne!(slot, super::files::NO_SLOT);
    let ring_fd = u.ring.raw_fd();
    u.files.as_mut().unwrap().poison(slot, ring_fd);
    events(&mut u, Some(Duration::ZERO));
    assert_eq!(u.regs[fd as usize].conn.slot, super::files::NO_SLOT, "the install failed: no slot");
    assert_eq!(u.files.as_ref().unwrap().used, 0, "the slot is free again");
    client.write_all(b"still here").unwrap();
    assert_eq!(read_completion(&mut u, fd, 10), b"still here");
    u.deregister(fd).unwrap();
}

/// A failed install reaped after its slot went to another stream is not
/// taken for that stream's: stream A's install fails, A is dropped (its
/// slot cleared and freed), stream B takes the same slot before the
/// failure is reaped. B keeps its fixed file, and the slot stays B's (given
/// back, B's file would stay in the table after B's close).
#[test]
fn uring_failed_install_of_a_slot_reused_in_the_same_tick_leaves_the_new_stream_fixed() {
    let mut u = Uring::new(8).unwrap();
    if u.files.is_none() {
        return; // a kernel without the table (or RUNTIME_URING_FIXED_FILES=0)
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (_client_a, server_a) = accepted(&listener);
    let (mut client_b, server_b) = accepted(&listener);
    let (a, b) = (server_a.as_raw_fd(), server_b.as_raw_fd());
    u.register(a, 1).unwrap();
    assert!(u.set_completion(a).unwrap());
    let slot = u.regs[a as usize].conn.slot;
    assert_ne!(slot, super::files::NO_SLOT);
    let ring_fd = u.ring.raw_fd();
    u.files.as_mut().unwrap().poison(slot, ring_fd);
    // A's drop submits its queue at once: the poisoned install fails there,
    // and its completion waits for the next wait to be reaped.
    u.deregister(a).unwrap();
    u.register(b, 2).unwrap();
    assert!(u.set_completion(b).unwrap());
    assert_eq!(u.regs[b as usize].conn.slot, slot, "B takes the slot A gave back");
    events(&mut u, Some(Duration::ZERO));
    assert_eq!(u.regs[b as usize].conn.slot, slot, "A's failure is not B's");
    assert_eq!(u.files.as_ref().unwrap().used, 1, "the slot is still held, by B");
    client_b.write_all(b"fixed").unwrap();
    assert_eq!(read_completion(&mut u, b, 5), b"fixed");
    u.deregister(b).unwrap();
    assert_eq!(u.files.as_ref().unwrap().used, 0);
}
