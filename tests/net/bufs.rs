//! The `*_buf` forms on a `Vec<u8>`: `try_read_buf` on the streams,
//! `recv_buf`, `recv_buf_from`, `try_recv_buf`, `try_recv_buf_from` on the
//! datagram sockets (tokio's names).

use std::io;

use net::{UdpSocket, UnixDatagram, UnixStream};

use crate::support::run;
use crate::util::tcp_pair;

#[test]
fn stream_try_read_buf_appends_to_the_vec() {
    run(|| async {
        let (client, server) = tcp_pair().await;
        let mut buf = b"old:".to_vec();
        buf.shrink_to_fit();
        assert_eq!(server.try_read_buf(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        assert_eq!(buf, b"old:", "nothing appended on WouldBlock");
        client.try_write(b"new").unwrap();
        server.readable().await.unwrap();
        assert_eq!(server.try_read_buf(&mut buf).unwrap(), 3);
        assert_eq!(buf, b"old:new");
        let (a, b) = UnixStream::pair().unwrap();
        b.try_write(&[7u8; 100]).unwrap();
        let mut empty = Vec::new();
        // No capacity at all: 64 bytes are reserved and filled.
        assert_eq!(a.try_read_buf(&mut empty).unwrap(), 64);
        assert_eq!(empty, [7u8; 64]);
    });
}

#[test]
fn udp_recv_buf_forms() {
    run(|| async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        let mut buf = Vec::with_capacity(32);
        assert_eq!(b.try_recv_buf(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        a.send(b"one").await.unwrap();
        assert_eq!(b.recv_buf(&mut buf).await.unwrap(), 3);
        a.send(b"two").await.unwrap();
        let (n, from) = b.recv_buf_from(&mut buf).await.unwrap();
        assert_eq!((n, from), (3, a.local_addr().unwrap()));
        a.send(b"three").await.unwrap();
        b.readable().await.unwrap();
        assert_eq!(b.try_recv_buf(&mut buf).unwrap(), 5);
        a.send(b"four").await.unwrap();
        b.readable().await.unwrap();
        let (n, _) = b.try_recv_buf_from(&mut buf).unwrap();
        assert_eq!(n, 4);
        assert_eq!(buf, b"onetwothreefour");
    });
}

#[test]
fn unix_datagram_recv_buf_forms() {
    run(|| async {
        let (a, b) = UnixDatagram::pair().unwrap();
        let mut buf = Vec::with_capacity(4);
        a.send(b"longer than four").await.unwrap();
        assert_eq!(b.recv_buf(&mut buf).await.unwrap(), 4, "the rest of the datagram is dropped");
        assert_eq!(buf, b"long");
        a.send(b"x").await.unwrap();
        let (n, from) = b.recv_buf_from(&mut buf).await.unwrap();
        assert_eq!(n, 1);
        assert!(from.is_unnamed());
        a.send(b"y").await.unwrap();
        b.readable().await.unwrap();
        assert_eq!(b.try_recv_buf(&mut buf).unwrap(), 1);
        a.send(b"z").await.unwrap();
        b.readable().await.unwrap();
        assert_eq!(b.try_recv_buf_from(&mut buf).unwrap().0, 1);
        assert_eq!(buf, b"longxyz");
    });
}
