//! `UdpSocket`: bind, connect, send/recv, send_to/recv_from, peek_from,
//! readiness, addresses, std conversion.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use net::UdpSocket;
use runtime::time::sleep;

use crate::support::run;
use crate::util::assert_nonblocking_cloexec;

async fn bound() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").await.unwrap()
}

#[test]
fn udp_socket_bind_is_nonblocking_and_cloexec() {
    run(|| async {
        let socket = bound().await;
        assert_nonblocking_cloexec(&socket);
        let addr = socket.local_addr().unwrap();
        assert_ne!(addr.port(), 0);
        assert!(format!("{socket:?}").contains(&addr.to_string()));
    });
}

#[test]
fn udp_socket_send_to_and_recv_from() {
    run(|| async {
        let (a, b) = (bound().await, bound().await);
        assert_eq!(a.send_to(b"datagram", b.local_addr().unwrap()).await.unwrap(), 8);
        let mut buf = [0; 64];
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"datagram");
        assert_eq!(from, a.local_addr().unwrap());
        let port = a.local_addr().unwrap().port();
        b.send_to(b"by string", format!("127.0.0.1:{port}")).await.unwrap();
        let (n, _) = a.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"by string");
    });
}

#[test]
fn udp_socket_recv_from_waits_for_a_datagram() {
    run(|| async {
        let (a, b) = (bound().await, bound().await);
        let to = b.local_addr().unwrap();
        let receiver = runtime::spawn(async move {
            let mut buf = [0; 16];
            let (n, _) = b.recv_from(&mut buf).await.unwrap();
            buf[..n].to_vec()
        });
        sleep(Duration::from_millis(20)).await;
        assert!(!receiver.is_finished());
        a.send_to(b"late", to).await.unwrap();
        assert_eq!(receiver.await.unwrap(), b"late");
    });
}

#[test]
fn udp_socket_connect_send_recv() {
    run(|| async {
        let (a, b) = (bound().await, bound().await);
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
        a.send(b"ping").await.unwrap();
        let mut buf = [0; 16];
        let n = b.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"ping");
        b.send(b"pong").await.unwrap();
        let n = a.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"pong");
    });
}

#[test]
fn udp_socket_connect_tries_each_address_and_checks_strings() {
    run(|| async {
        let (a, b) = (bound().await, bound().await);
        let port = b.local_addr().unwrap().port();
        a.connect(format!("127.0.0.1:{port}")).await.unwrap();
        assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
        let err = a.connect("no port here").await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let unconnected = bound().await;
        let err = unconnected.peer_addr().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotConnected);
    });
}

#[test]
fn udp_socket_peek_from_leaves_the_datagram() {
    run(|| async {
        let (a, b) = (bound().await, bound().await);
        a.send_to(b"twice", b.local_addr().unwrap()).await.unwrap();
        let mut buf = [0; 16];
        let (n, from) = b.peek_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"twice"[..], a.local_addr().unwrap()));
        let (n, _) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"twice");
    });
}

#[test]
fn udp_socket_try_recv_try_send_and_readiness() {
    run(|| async {
        let (a, b) = (bound().await, bound().await);
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        let mut buf = [0; 16];
        assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        a.writable().await.unwrap();
        assert_eq!(a.try_send(b"now").unwrap(), 3);
        let n = loop {
            b.readable().await.unwrap();
            match b.try_recv(&mut buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => panic!("{e}"),
            }
        };
        assert_eq!(&buf[..n], b"now");
    });
}

#[test]
fn udp_socket_many_datagrams_keep_their_boundaries() {
    run(|| async {
        let (a, b) = (bound().await, bound().await);
        let to = b.local_addr().unwrap();
        for i in 0..100u8 {
            a.send_to(&[i; 3], to).await.unwrap();
        }
        let mut buf = [0; 16];
        for i in 0..100u8 {
            let (n, _) = b.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], &[i; 3]);
        }
    });
}

#[test]
fn udp_socket_options_and_errors() {
    run(|| async {
        let a = bound().await;
        a.set_broadcast(true).unwrap();
        assert!(a.take_error().unwrap().is_none());
        let taken: SocketAddr = a.local_addr().unwrap();
        let err = UdpSocket::bind(taken).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        assert!(err.to_string().contains(&taken.to_string()));
    });
}

#[test]
fn udp_socket_from_std_and_into_std() {
    run(|| async {
        let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = std_socket.local_addr().unwrap();
        let socket = UdpSocket::from_std(std_socket).unwrap();
        assert_nonblocking_cloexec(&socket);
        let other = bound().await;
        other.send_to(b"in", addr).await.unwrap();
        let mut buf = [0; 4];
        let (n, _) = socket.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"in");
        let back = socket.into_std().unwrap();
        assert_eq!(back.local_addr().unwrap(), addr);
    });
}
