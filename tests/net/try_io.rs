//! `try_io` / `async_io` (a caller's own system call under the reactor's
//! readiness) on the socket types and `AsyncFd`, the peek poll forms, and
//! the smaller tokio options (issue 13).

use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, FromRawFd, IntoRawFd};
use std::time::Duration;

use net::{Interest, TcpListener, TcpSocket, UdpSocket, UnixDatagram, UnixStream};

use crate::support::run;
use crate::util::{tcp_pair, TempPath};

/// A std handle on the same socket (a dup of its fd), for the caller's own
/// system calls.
fn dup(socket: &impl AsFd) -> std::os::unix::net::UnixStream {
    socket.as_fd().try_clone_to_owned().unwrap().into()
}

#[test]
fn unix_stream_try_io_and_async_io() {
    run(|| async {
        let (a, b) = UnixStream::pair().unwrap();
        let raw = dup(&a);
        let mut buf = [0u8; 8];
        let err = a.try_io(Interest::READABLE, || (&raw).read(&mut buf)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock, "the kernel said WouldBlock");
        // The readiness is cleared now: `f` is not even called.
        let err = a.try_io(Interest::READABLE, || -> io::Result<()> { panic!("called while not ready") });
        assert_eq!(err.unwrap_err().kind(), io::ErrorKind::WouldBlock);
        b.try_write(b"ok").unwrap();
        let n = a.async_io(Interest::READABLE, || (&raw).read(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"ok");
        assert_eq!(a.try_io(Interest::WRITABLE, || (&raw).write(b"back")).unwrap(), 4);
    });
}

#[test]
fn datagram_and_tcp_try_io() {
    run(|| async {
        let (client, _server) = tcp_pair().await;
        assert_eq!(client.try_io(Interest::WRITABLE, || Ok(7)).unwrap(), 7);
        assert_eq!(client.async_io(Interest::WRITABLE, || Ok(8)).await.unwrap(), 8);
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        // `try_io` is a readiness query: a fresh socket is writable once the
        // driver has said so (its first turn reports the initial edge).
        assert_eq!(udp.try_io(Interest::WRITABLE, || Ok(0)).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        udp.writable().await.unwrap();
        assert_eq!(udp.try_io(Interest::WRITABLE, || Ok(1)).unwrap(), 1);
        let (a, _b) = UnixDatagram::pair().unwrap();
        assert_eq!(a.async_io(Interest::WRITABLE, || Ok(2)).await.unwrap(), 2);
    });
}

#[test]
fn async_fd_try_io_and_async_io() {
    run(|| async {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let a = runtime::io::AsyncFd::new(a).unwrap();
        let mut buf = [0u8; 4];
        let err = a.try_io(Interest::READABLE, |s| (&*s).read(&mut buf)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        (&b).write_all(b"abc").unwrap();
        let n = a.async_io(Interest::READABLE, |s| (&*s).read(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"abc");
    });
}

#[test]
fn tcp_stream_poll_peek_leaves_the_data() {
    run(|| async {
        let (mut client, server) = tcp_pair().await;
        client.write_all(b"peek").await.unwrap();
        let mut buf = [0u8; 8];
        let n = poll_fn(|cx| server.poll_peek(cx, &mut buf)).await.unwrap();
        assert_eq!(&buf[..n], &b"peek"[..n]);
        let mut all = [0u8; 4];
        let mut server = server;
        server.read_exact(&mut all).await.unwrap();
        assert_eq!(&all, b"peek");
    });
}

#[test]
fn udp_peek_forms_leave_the_datagram() {
    run(|| async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(b.try_peek(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        a.send(b"dg").await.unwrap();
        assert_eq!(b.peek(&mut buf).await.unwrap(), 2);
        assert_eq!(b.try_peek(&mut buf).unwrap(), 2);
        assert_eq!(poll_fn(|cx| b.poll_peek(cx, &mut buf)).await.unwrap(), 2);
        assert_eq!(b.recv(&mut buf).await.unwrap(), 2);
        assert_eq!(&buf[..2], b"dg");
    });
}

#[test]
fn smaller_options_read_back() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.set_ttl(21).unwrap();
        assert_eq!(listener.ttl().unwrap(), 21);
        let (client, _server) = tcp_pair().await;
        client.set_zero_linger().unwrap();
        assert_eq!(client.linger().unwrap(), Some(Duration::ZERO));
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        udp.set_broadcast(true).unwrap();
        assert!(udp.broadcast().unwrap());
        udp.set_multicast_loop_v4(false).unwrap();
        assert!(!udp.multicast_loop_v4().unwrap());
        udp.set_multicast_ttl_v4(3).unwrap();
        assert_eq!(udp.multicast_ttl_v4().unwrap(), 3);
        udp.set_tos_v4(0x08).unwrap();
        assert_eq!(udp.tos_v4().unwrap(), 0x08);
        let path = TempPath::new("take-error");
        let unix = net::UnixListener::bind(&path).unwrap();
        assert!(unix.take_error().unwrap().is_none());
    });
}

#[test]
fn tcp_socket_from_raw_fd_and_std_stream() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fd = TcpSocket::new_v4().unwrap().into_raw_fd();
        // SAFETY: `fd` is an open nonblocking TCP socket that nothing else owns.
        #[allow(unsafe_code)]
        let socket = unsafe { TcpSocket::from_raw_fd(fd) };
        let stream = socket.connect(listener.local_addr().unwrap()).await.unwrap();
        assert_eq!(stream.peer_addr().unwrap(), listener.local_addr().unwrap());
        let std = std::net::TcpStream::from(std::os::fd::OwnedFd::from(TcpSocket::new_v4().unwrap()));
        let socket = TcpSocket::from_std_stream(std);
        let _stream = socket.connect(listener.local_addr().unwrap()).await.unwrap();
    });
}

#[test]
fn net_types_try_from_std() {
    run(|| async {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = std_listener.local_addr().unwrap();
        let left = std::net::TcpStream::connect(addr).unwrap();
        let (mut right, _) = std_listener.accept().unwrap();
        right.write_all(&[1, 2, 3, 4]).unwrap();
        let left: net::TcpStream = left.try_into().unwrap();
        let mut buf = [0u8; 16];
        let n = left.peek(&mut buf).await.unwrap();
        assert_eq!(buf[..n], [1, 2, 3, 4][..n]);
        let _: net::TcpListener = std_listener.try_into().unwrap();
        let _: UdpSocket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap().try_into().unwrap();
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let _: UnixStream = a.try_into().unwrap();
        let (d, _e) = std::os::unix::net::UnixDatagram::pair().unwrap();
        let _: UnixDatagram = d.try_into().unwrap();
        let path = TempPath::new("try-from");
        let _: net::UnixListener = std::os::unix::net::UnixListener::bind(&path).unwrap().try_into().unwrap();
    });
}
