//! The datagram sockets' tokio-style `try_*` and `poll_*` forms, `ready`,
//! and `peek_sender` (issue 13).

use std::future::poll_fn;
use std::io;
use std::pin::pin;

use net::{Interest, UdpSocket, UnixDatagram};

use crate::support::run;

async fn udp_pair() -> (UdpSocket, UdpSocket) {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    (a, b)
}

#[test]
fn udp_try_send_to_and_try_recv_from() {
    run(|| async {
        let (a, b) = udp_pair().await;
        let mut buf = [0u8; 16];
        assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        assert_eq!(a.try_send_to(b"one", b.local_addr().unwrap()).unwrap(), 3);
        b.readable().await.unwrap();
        let (n, from) = b.try_peek_from(&mut buf).unwrap();
        assert_eq!((&buf[..n], from), (&b"one"[..], a.local_addr().unwrap()));
        assert_eq!(b.try_peek_sender().unwrap(), a.local_addr().unwrap());
        let (n, from) = b.try_recv_from(&mut buf).unwrap();
        assert_eq!((&buf[..n], from), (&b"one"[..], a.local_addr().unwrap()));
        assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        assert_eq!(b.try_peek_sender().unwrap_err().kind(), io::ErrorKind::WouldBlock);
    });
}

#[test]
fn udp_peek_sender_waits_and_keeps_the_datagram() {
    run(|| async {
        let (a, b) = udp_pair().await;
        let mut peek = pin!(b.peek_sender());
        assert!(futures::poll!(peek.as_mut()).is_pending());
        a.send_to(b"two", b.local_addr().unwrap()).await.unwrap();
        assert_eq!(peek.await.unwrap(), a.local_addr().unwrap());
        let mut buf = [0u8; 16];
        let (n, _) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"two");
    });
}

#[test]
fn udp_poll_forms() {
    run(|| async {
        let (a, b) = udp_pair().await;
        let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
        let mut buf = [0u8; 16];
        assert!(poll_fn(|cx| std::task::Poll::Ready(b.poll_recv_from(cx, &mut buf))).await.is_pending());
        assert_eq!(poll_fn(|cx| a.poll_send_to(cx, b"to", b_addr)).await.unwrap(), 2);
        poll_fn(|cx| b.poll_recv_ready(cx)).await.unwrap();
        let (n, from) = poll_fn(|cx| b.poll_peek_from(cx, &mut buf)).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"to"[..], a_addr));
        let (n, from) = poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"to"[..], a_addr));
        a.connect(b_addr).await.unwrap();
        b.connect(a_addr).await.unwrap();
        poll_fn(|cx| a.poll_send_ready(cx)).await.unwrap();
        assert_eq!(poll_fn(|cx| a.poll_send(cx, b"conn")).await.unwrap(), 4);
        let n = poll_fn(|cx| b.poll_recv(cx, &mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"conn");
    });
}

#[test]
fn udp_ready_interest() {
    run(|| async {
        let (a, b) = udp_pair().await;
        assert!(a.ready(Interest::WRITABLE).await.unwrap().is_writable());
        let mut buf = [0u8; 4];
        let _ = b.try_recv(&mut buf);
        assert!(futures::poll!(pin!(b.ready(Interest::READABLE))).is_pending());
        a.send_to(b"r", b.local_addr().unwrap()).await.unwrap();
        assert!(b.ready(Interest::READABLE).await.unwrap().is_readable());
    });
}

#[test]
fn unix_datagram_try_and_poll_forms() {
    run(|| async {
        let temp = crate::util::TempPath::new("udg-poll");
        let path = temp.as_ref().to_path_buf();
        let server = UnixDatagram::bind(&path).unwrap();
        let client = UnixDatagram::unbound().unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(server.try_recv_from(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        assert_eq!(client.try_send_to(b"hi", &path).unwrap(), 2);
        assert!(server.ready(Interest::READABLE).await.unwrap().is_readable());
        let (n, from) = server.try_recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"hi");
        assert!(from.is_unnamed());
        assert_eq!(poll_fn(|cx| client.poll_send_to(cx, b"p", &path)).await.unwrap(), 1);
        poll_fn(|cx| server.poll_recv_ready(cx)).await.unwrap();
        let (n, _) = poll_fn(|cx| server.poll_recv_from(cx, &mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"p");
        let (a, b) = UnixDatagram::pair().unwrap();
        poll_fn(|cx| a.poll_send_ready(cx)).await.unwrap();
        assert_eq!(poll_fn(|cx| a.poll_send(cx, b"pair")).await.unwrap(), 4);
        let n = poll_fn(|cx| b.poll_recv(cx, &mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"pair");
    });
}
