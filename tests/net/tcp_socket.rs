//! `TcpSocket` (options, bind, listen, connect; two runtimes sharing a port
//! with `SO_REUSEPORT`) and the socket options of `TcpStream` and
//! `UdpSocket` (issues 10 and 13).

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use net::{TcpSocket, UdpSocket};

use crate::support::{bounded, run};
use crate::util::{assert_nonblocking_cloexec, tcp_pair};

#[test]
fn tcp_socket_is_send_and_nonblocking() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<TcpSocket>();
    let socket = TcpSocket::new_v4().unwrap();
    assert_nonblocking_cloexec(&socket);
    let v6 = TcpSocket::new_v6().unwrap();
    assert_nonblocking_cloexec(&v6);
}

#[test]
fn tcp_socket_options_read_back() {
    let socket = TcpSocket::new_v4().unwrap();
    for on in [true, false] {
        socket.set_reuseaddr(on).unwrap();
        assert_eq!(socket.reuseaddr().unwrap(), on);
        socket.set_reuseport(on).unwrap();
        assert_eq!(socket.reuseport().unwrap(), on);
        socket.set_keepalive(on).unwrap();
        assert_eq!(socket.keepalive().unwrap(), on);
        socket.set_nodelay(on).unwrap();
        assert_eq!(socket.nodelay().unwrap(), on);
    }
    socket.set_send_buffer_size(64 * 1024).unwrap();
    assert!(socket.send_buffer_size().unwrap() >= 64 * 1024);
    socket.set_recv_buffer_size(64 * 1024).unwrap();
    assert!(socket.recv_buffer_size().unwrap() >= 64 * 1024);
    assert_eq!(socket.linger().unwrap(), None);
    #[allow(deprecated)]
    socket.set_linger(Some(Duration::from_secs(3))).unwrap();
    assert_eq!(socket.linger().unwrap(), Some(Duration::from_secs(3)));
    socket.set_zero_linger().unwrap();
    assert_eq!(socket.linger().unwrap(), Some(Duration::ZERO));
    socket.set_tos(0x10).unwrap();
    assert_eq!(socket.tos().unwrap(), 0x10);
    assert_eq!(socket.tos_v4().unwrap(), 0x10);
    assert!(socket.take_error().unwrap().is_none());
}

#[test]
fn tcp_socket_v6_options_and_connect() {
    let socket = TcpSocket::new_v6().unwrap();
    assert_ne!(socket.tclass_v6().unwrap(), 96);
    socket.set_tclass_v6(96).unwrap();
    assert_eq!(socket.tclass_v6().unwrap(), 96);
    let Ok(()) = socket.bind("[::1]:0".parse().unwrap()) else {
        return; // no IPv6 loopback on this machine
    };
    run(move || async move {
        let listener = socket.listen(128).unwrap();
        let client = TcpSocket::new_v6().unwrap();
        let _stream = client.connect(listener.local_addr().unwrap()).await.unwrap();
        let _ = listener.accept().await.unwrap();
    });
}

#[test]
fn tcp_socket_bind_listen_connect() {
    run(|| async {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = socket.local_addr().unwrap();
        let listener = socket.listen(16).unwrap();
        assert_eq!(listener.local_addr().unwrap(), addr);
        let client = TcpSocket::new_v4().unwrap();
        client.set_nodelay(true).unwrap();
        let mut stream = client.connect(addr).await.unwrap();
        assert!(stream.nodelay().unwrap());
        let (mut server, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, stream.local_addr().unwrap());
        stream.write_all(b"hi").await.unwrap();
        let mut buf = [0u8; 2];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"hi");
    });
}

#[test]
fn tcp_socket_errors_name_the_address() {
    run(|| async {
        let listener = TcpSocket::new_v4().unwrap();
        listener.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let taken = listener.local_addr().unwrap();
        let _listener = listener.listen(1).unwrap();
        let err = TcpSocket::new_v4().unwrap().bind(taken).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
        assert!(err.to_string().contains(&taken.to_string()), "{err}");
        let closed = {
            let s = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            s.local_addr().unwrap()
        };
        let err = TcpSocket::new_v4().unwrap().connect(closed).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
        assert!(err.to_string().contains(&closed.to_string()), "{err}");
    });
}

/// One server thread of the reuseport test: its own runtime, a listener on
/// `addr` (port 0: pick one and report it), and an accept loop that answers
/// each connection with its `id` and stops when the client sends `q`.
fn reuseport_server(id: u8, addr: SocketAddr, bound: mpsc::Sender<SocketAddr>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let rt = runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let socket = TcpSocket::new_v4().unwrap();
            socket.set_reuseport(true).unwrap();
            socket.bind(addr).unwrap();
            let listener = socket.listen(64).unwrap();
            bound.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                stream.write_all(&[id]).await.unwrap();
                let mut cmd = [0u8; 1];
                stream.read_exact(&mut cmd).await.unwrap();
                if cmd[0] == b'q' {
                    // Close the listener before saying so: no connection
                    // may land in its queue after the client has heard.
                    drop(listener);
                    stream.write_all(b"k").await.unwrap();
                    return;
                }
            }
        });
    })
}

/// Connects, learns which server accepted, and sends it `cmd` (after `q`,
/// waits until that server has closed its listener).
fn ask(addr: SocketAddr, cmd: u8) -> u8 {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut id = [0u8; 1];
    stream.read_exact(&mut id).unwrap();
    stream.write_all(&[cmd]).unwrap();
    if cmd == b'q' {
        let mut ack = [0u8; 1];
        stream.read_exact(&mut ack).unwrap();
    }
    id[0]
}

#[test]
fn tcp_socket_reuseport_two_runtimes_share_a_port() {
    bounded(|| {
        let (tx, rx) = mpsc::channel();
        let first = reuseport_server(0, "127.0.0.1:0".parse().unwrap(), tx.clone());
        let addr = rx.recv().unwrap();
        let second = reuseport_server(1, addr, tx);
        assert_eq!(rx.recv().unwrap(), addr);
        // The kernel hashes each connection to one of the two listeners.
        let mut seen = BTreeSet::new();
        for _ in 0..500 {
            seen.insert(ask(addr, b'c'));
            if seen.len() == 2 {
                break;
            }
        }
        assert_eq!(seen.len(), 2, "only runtime {seen:?} got connections");
        // Stop both: once one has stopped, its listener is closed and the
        // kernel sends every connection to the other.
        let mut stopped = BTreeSet::new();
        while stopped.len() < 2 {
            assert!(stopped.insert(ask(addr, b'q')), "a stopped runtime accepted");
        }
        first.join().unwrap();
        second.join().unwrap();
    });
}

#[test]
fn tcp_stream_linger_and_ttl() {
    run(|| async {
        let (client, _server) = tcp_pair().await;
        assert_eq!(client.linger().unwrap(), None);
        #[allow(deprecated)]
        client.set_linger(Some(Duration::from_secs(2))).unwrap();
        assert_eq!(client.linger().unwrap(), Some(Duration::from_secs(2)));
        #[allow(deprecated)]
        client.set_linger(None).unwrap();
        assert_eq!(client.linger().unwrap(), None);
        client.set_ttl(33).unwrap();
        assert_eq!(client.ttl().unwrap(), 33);
    });
}

#[test]
fn tcp_stream_zero_linger_resets_the_peer() {
    run(|| async {
        let (client, mut server) = tcp_pair().await;
        client.set_zero_linger().unwrap();
        drop(client);
        let mut buf = [0u8; 8];
        let err = server.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);
    });
}

#[test]
fn udp_socket_ttl_and_tos() {
    run(|| async {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        socket.set_ttl(9).unwrap();
        assert_eq!(socket.ttl().unwrap(), 9);
        socket.set_tos(0x20).unwrap();
        assert_eq!(socket.tos().unwrap(), 0x20);
    });
}

#[test]
fn tcp_listener_bind_reuseport_shares_a_port() {
    run(|| async {
        let a = net::TcpListener::bind_reuseport("127.0.0.1:0").await.unwrap();
        let addr = a.local_addr().unwrap();
        let b = net::TcpListener::bind_reuseport(addr).await.unwrap();
        let _ = net::TcpListener::bind(addr).await.expect_err("a plain bind is refused");
        for (id, listener) in [(0u8, a), (1u8, b)] {
            runtime::spawn(async move {
                loop {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    stream.write_all(&[id]).await.unwrap();
                }
            });
        }
        let mut seen = BTreeSet::new();
        for _ in 0..500 {
            let mut client = net::TcpStream::connect(addr).await.unwrap();
            let mut id = [0u8; 1];
            client.read_exact(&mut id).await.unwrap();
            if seen.insert(id[0]) && seen.len() == 2 {
                break;
            }
        }
        assert_eq!(seen.len(), 2, "only listener {seen:?} got connections");
    });
}

#[test]
fn udp_socket_bind_reuseport_shares_a_port() {
    run(|| async {
        let a = UdpSocket::bind_reuseport("127.0.0.1:0").await.unwrap();
        let addr = a.local_addr().unwrap();
        let b = UdpSocket::bind_reuseport(addr).await.unwrap();
        assert_eq!(b.local_addr().unwrap(), addr);
        // Every datagram reaches exactly one of the two.
        let sender = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        sender.send_to(b"x", addr).await.unwrap();
        let (mut buf_a, mut buf_b) = ([0u8; 4], [0u8; 4]);
        let got = futures::future::select(Box::pin(a.recv(&mut buf_a)), Box::pin(b.recv(&mut buf_b))).await;
        let n = match got {
            futures::future::Either::Left((r, _)) | futures::future::Either::Right((r, _)) => r.unwrap(),
        };
        assert_eq!(n, 1);
    });
}
