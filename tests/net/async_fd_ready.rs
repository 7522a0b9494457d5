//! `AsyncFd::ready(Interest)` and its guards: `ready`, `clear_ready`,
//! `clear_ready_matching`, `retain_ready`, `try_io`, and the `_mut` forms
//! (issue 13; tokio's names).

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::pin::pin;

use runtime::io::{AsyncFd, Interest, Ready};

use crate::support::run;

/// A registered end whose read readiness the reactor has cleared (a read
/// said `WouldBlock`), and the std peer.
fn quiet_pair() -> (AsyncFd<UnixStream>, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    let a = AsyncFd::new(a).unwrap();
    let mut buf = [0u8; 8];
    let err = a.try_read_with(|s| (&*s).read(&mut buf)).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    (a, b)
}

#[test]
fn async_fd_ready_guard_clear_and_retain() {
    run(|| async {
        let (a, mut b) = quiet_pair();
        assert!(futures::poll!(pin!(a.ready(Interest::READABLE))).is_pending());
        b.write_all(b"x").unwrap();
        let mut guard = a.ready(Interest::READABLE).await.unwrap();
        assert_eq!(guard.ready(), Ready::READABLE);
        guard.retain_ready();
        assert_eq!(guard.ready(), Ready::EMPTY);
        // Retained: the next wait returns at once.
        let mut guard = a.ready(Interest::READABLE).await.unwrap();
        guard.clear_ready();
        assert!(guard.ready().is_empty());
        // Cleared: the next wait sleeps until a new edge, though a byte is queued.
        assert!(futures::poll!(pin!(a.ready(Interest::READABLE))).is_pending());
        b.write_all(b"y").unwrap();
        let guard = a.ready(Interest::READABLE).await.unwrap();
        assert!(guard.ready().is_readable());
        let mut buf = [0u8; 8];
        assert_eq!(guard.get_inner().read(&mut buf).unwrap(), 2);
    });
}

#[test]
fn async_fd_ready_guard_try_io_clears_on_would_block() {
    run(|| async {
        let (a, mut b) = quiet_pair();
        b.write_all(b"hi").unwrap();
        let mut buf = [0u8; 8];
        let mut guard = a.readable_ready().await;
        let n = guard.try_io(|fd| fd.get_ref().read(&mut buf)).expect("did not block").unwrap();
        assert_eq!(&buf[..n], b"hi");
        assert!(guard.try_io(|fd| fd.get_ref().read(&mut buf)).is_err(), "WouldBlock is a TryIoError");
        assert!(futures::poll!(pin!(a.ready(Interest::READABLE))).is_pending());
    });
}

/// `ready(READABLE)` under a shorter name for the test above.
trait ReadableReady {
    async fn readable_ready(&self) -> runtime::io::AsyncFdReadyGuard<'_, UnixStream>;
}

impl ReadableReady for AsyncFd<UnixStream> {
    async fn readable_ready(&self) -> runtime::io::AsyncFdReadyGuard<'_, UnixStream> {
        self.ready(Interest::READABLE).await.unwrap()
    }
}

#[test]
fn async_fd_ready_guard_clear_ready_matching_keeps_the_rest() {
    run(|| async {
        let (a, mut b) = quiet_pair();
        b.write_all(b"x").unwrap();
        a.ready(Interest::READABLE).await.unwrap().retain_ready();
        let mut guard = a.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap();
        assert_eq!(guard.ready(), Ready::READABLE | Ready::WRITABLE);
        guard.clear_ready_matching(Ready::READABLE);
        assert_eq!(guard.ready(), Ready::WRITABLE);
        assert!(futures::poll!(pin!(a.ready(Interest::READABLE))).is_pending());
        let ready = a.ready(Interest::WRITABLE).await.unwrap().ready();
        assert!(ready.is_writable());
    });
}

#[test]
fn async_fd_ready_mut_forms() {
    run(|| async {
        let (mut a, mut b) = quiet_pair();
        let mut guard = a.writable_mut().await.unwrap();
        assert!(guard.ready().is_writable());
        guard.get_inner_mut().write_all(b"to b").unwrap();
        let mut buf = [0u8; 4];
        b.read_exact(&mut buf).unwrap();
        b.write_all(b"to a").unwrap();
        let mut guard = a.readable_mut().await.unwrap();
        let n = guard.try_io(|fd| fd.get_mut().read(&mut buf)).expect("did not block").unwrap();
        assert_eq!(&buf[..n], b"to a");
        let mut guard = a.ready_mut(Interest::READABLE | Interest::WRITABLE).await.unwrap();
        assert!(guard.ready().is_writable());
        guard.clear_ready();
    });
}

#[test]
fn async_fd_ready_reports_a_closed_peer() {
    run(|| async {
        let (a, b) = quiet_pair();
        drop(b);
        let ready = a.ready(Interest::READABLE).await.unwrap().ready();
        assert!(ready.is_read_closed(), "{ready:?}");
        assert!(ready.is_readable());
    });
}

#[test]
fn interest_and_ready_follow_tokio() {
    let both = Interest::READABLE | Interest::WRITABLE;
    assert!(both.is_readable() && both.is_writable() && !both.is_error());
    assert_eq!(Interest::READABLE.add(Interest::WRITABLE), both);
    assert_eq!(both.remove(Interest::WRITABLE), Some(Interest::READABLE));
    assert_eq!(both.remove(both), None);
    let mut i = Interest::READABLE;
    i |= Interest::ERROR;
    assert!(i.is_error());
    assert!(Ready::EMPTY.is_empty());
    assert!(Ready::READ_CLOSED.is_readable() && Ready::WRITE_CLOSED.is_writable());
    assert!(!Ready::READABLE.is_writable());
    assert!(Ready::ALL.is_read_closed() && Ready::ALL.is_write_closed() && Ready::ALL.is_error());
    assert_eq!((Ready::READABLE | Ready::WRITABLE) & Ready::WRITABLE, Ready::WRITABLE);
    assert_eq!(Ready::ALL - Ready::ALL, Ready::EMPTY);
    assert_eq!(format!("{:?}", Interest::READABLE | Interest::WRITABLE), "READABLE | WRITABLE");
}

#[test]
fn async_fd_ready_error_interest_sees_a_socket_error() {
    run(|| async {
        // A connected UDP socket whose peer port is closed: the ICMP "port
        // unreachable" for a datagram becomes a socket error (EPOLLERR).
        let closed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let target = closed.local_addr().unwrap();
        drop(closed);
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.connect(target).unwrap();
        socket.set_nonblocking(true).unwrap();
        let fd = AsyncFd::new(socket).unwrap();
        assert!(futures::poll!(pin!(fd.ready(Interest::ERROR))).is_pending(), "no error yet");
        fd.get_ref().send(b"hello").unwrap();
        if runtime::metrics().driver == "epoll" {
            let guard = fd.ready(Interest::ERROR).await.unwrap();
            assert_eq!(guard.ready(), Ready::ERROR);
            let err = fd.get_ref().take_error().unwrap().expect("SO_ERROR is set");
            assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
        } else {
            // kqueue has no error filter: the error comes with the read
            // filter's EV_EOF, and the driver takes it (SO_ERROR: libkqueue
            // would otherwise lose it) and keeps it for the source's next
            // operation; the query reports readiness only, as tokio's does
            // (tokio's ERROR interest tests are Linux-only).
            let guard = fd.ready(Interest::READABLE).await.unwrap();
            assert!(guard.ready().is_readable(), "{:?}", guard.ready());
            let err = fd.read_with(|s| s.recv(&mut [0; 8])).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
        }
    });
}

/// tokio's `priority_event_on_oob_data`: urgent data (`MSG_OOB`) makes an
/// `AsyncFd` waiting for `Interest::PRIORITY` ready (epoll's `EPOLLPRI`;
/// kqueue has no such filter, so the test runs on epoll only).
#[test]
#[allow(unsafe_code)] // send(2) with MSG_OOB, which std does not offer
fn async_fd_priority_event_on_oob_data() {
    run(|| async {
        if runtime::metrics().driver != "epoll" {
            return;
        }
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.set_nonblocking(true).unwrap();
        let client = AsyncFd::with_interest(client, Interest::PRIORITY).unwrap();
        let (server, _) = listener.accept().unwrap();
        assert!(futures::poll!(pin!(client.ready(Interest::PRIORITY))).is_pending(), "no urgent data yet");
        let sent = {
            use std::os::fd::AsRawFd;
            // SAFETY: send(2) on an open socket with a valid 5-byte buffer.
            unsafe { libc::send(server.as_raw_fd(), b"hello".as_ptr().cast(), 5, libc::MSG_OOB) }
        };
        assert_eq!(sent, 5, "{}", io::Error::last_os_error());
        let guard = client.ready(Interest::PRIORITY).await.unwrap();
        assert!(guard.ready().is_priority(), "{:?}", guard.ready());
        assert!(!guard.ready().is_readable(), "only what was asked for is reported");
    });
}
