//! `TcpListener`: bind, accept, addresses, std conversion, and 10,000
//! connections held open at once by one runtime.

use std::cell::Cell;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use net::{TcpListener, TcpStream};
use runtime::time::sleep;

use crate::support::run;
use crate::util::{assert_nonblocking_cloexec, child_role, raise_fd_limit, spawn_child, wait_child};

#[test]
fn tcp_listener_bind_and_accept_are_nonblocking_and_cloexec() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        assert_nonblocking_cloexec(&listener);
        let _client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        assert_nonblocking_cloexec(&server);
    });
}

#[test]
fn tcp_listener_local_addr_has_the_real_port() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        assert_eq!(addr.ip().to_string(), "127.0.0.1");
        assert_ne!(addr.port(), 0);
        assert!(format!("{listener:?}").contains(&addr.to_string()));
    });
}

#[test]
fn tcp_listener_accept_returns_the_peer_address() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        assert_eq!(server.peer_addr().unwrap(), peer);
    });
}

#[test]
fn tcp_listener_accept_waits_for_a_connection() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = runtime::spawn(async move { listener.accept().await.unwrap().1 });
        sleep(Duration::from_millis(20)).await;
        assert!(!acceptor.is_finished());
        let client = TcpStream::connect(addr).await.unwrap();
        assert_eq!(acceptor.await.unwrap(), client.local_addr().unwrap());
    });
}

#[test]
fn tcp_listener_poll_accept() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (_server, peer) = poll_fn(|cx| listener.poll_accept(cx)).await.unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
    });
}

#[test]
fn tcp_listener_accepts_many_connections() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let clients: Vec<_> = (0..200).map(|_| runtime::spawn(TcpStream::connect(addr))).collect();
        let mut peers = Vec::new();
        for _ in 0..200 {
            peers.push(listener.accept().await.unwrap().1);
        }
        for client in clients {
            let local = client.await.unwrap().unwrap().local_addr().unwrap();
            assert!(peers.contains(&local));
        }
    });
}

#[test]
fn tcp_listener_bind_in_use_names_the_address() {
    run(|| async {
        let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = first.local_addr().unwrap();
        let err = TcpListener::bind(addr).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        let msg = err.to_string();
        assert!(msg.contains("bind to") && msg.contains(&addr.to_string()), "{msg}");
    });
}

#[test]
fn tcp_listener_bind_tries_each_address_in_order() {
    run(|| async {
        let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let taken = first.local_addr().unwrap();
        let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let second = TcpListener::bind(&[taken, any][..]).await.unwrap();
        assert_ne!(second.local_addr().unwrap(), taken);
    });
}

#[test]
fn tcp_listener_from_std_and_into_std() {
    run(|| async {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let listener = TcpListener::from_std(std_listener).unwrap();
        assert_nonblocking_cloexec(&listener);
        let addr = listener.local_addr().unwrap();
        let _client = TcpStream::connect(addr).await.unwrap();
        listener.accept().await.unwrap();
        let back = listener.into_std().unwrap();
        assert_eq!(back.local_addr().unwrap(), addr);
        let _client = std::net::TcpStream::connect(addr).unwrap();
        back.set_nonblocking(false).unwrap();
        back.accept().unwrap();
    });
}

/// The connections the 10,000-connection test aims for.
const MANY: usize = 10_000;
/// fds each process keeps for everything else (runtime, harness, other tests).
const RESERVE: usize = 512;
const MANY_TEST: &str = "tcp_listener::tcp_listener_holds_10000_connections";

/// One runtime holds 10,000 connections open at once, each doing a round
/// trip. The clients run in a child process (this binary re-invoked), so
/// each process needs one fd per connection, not two.
///
/// This test raises the process's soft `RLIMIT_NOFILE` to its hard limit
/// (in this process and in the child); if the hard limit is too low for
/// 10,000 connections plus a reserve, it scales the count down and says so.
#[test]
fn tcp_listener_holds_10000_connections() {
    let limit = usize::try_from(raise_fd_limit()).unwrap_or(usize::MAX);
    let n = MANY.min(limit.saturating_sub(RESERVE));
    if let Some(arg) = child_role(MANY_TEST) {
        return many_clients(arg);
    }
    if n < MANY {
        println!("RLIMIT_NOFILE hard limit is {limit}: holding {n} connections, not {MANY}");
    }
    run(move || async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let child = spawn_child(MANY_TEST, &format!("{addr} {n}"));
        let clients = runtime::spawn_blocking(move || wait_child(child, Duration::from_secs(25)));
        let live = Rc::new(Cell::new(0usize));
        let most = Rc::new(Cell::new(0usize));
        let (l2, m2) = (live.clone(), most.clone());
        let server = runtime::spawn(async move {
            for _ in 0..n {
                let (stream, _) = listener.accept().await.unwrap();
                l2.set(l2.get() + 1);
                m2.set(m2.get().max(l2.get()));
                runtime::spawn(echo_once(stream, l2.clone()));
            }
        });
        clients.await.unwrap();
        server.await.unwrap();
        assert_eq!(most.get(), n, "not every connection was open at once");
        println!("one runtime held {n} connections open at once, each echoed a round trip");
    });
}

/// Echoes one 8-byte message, then holds the connection until the client closes it.
async fn echo_once(mut stream: TcpStream, live: Rc<Cell<usize>>) {
    let mut buf = [0; 8];
    stream.read_exact(&mut buf).await.unwrap();
    stream.write_all(&buf).await.unwrap();
    assert_eq!(stream.read(&mut buf).await.unwrap(), 0);
    live.set(live.get() - 1);
}

/// The child's side: connect `n` clients, keep them all open, then one
/// round trip on each, all at once.
fn many_clients(arg: String) {
    let (addr, n) = arg.split_once(' ').expect("addr n");
    let addr: SocketAddr = addr.parse().unwrap();
    let n: usize = n.parse().unwrap();
    run(move || async move {
        let mut streams = Vec::with_capacity(n);
        let ids: Vec<usize> = (0..n).collect();
        for batch in ids.chunks(500) {
            let connects = batch.iter().map(|_| TcpStream::connect(addr));
            for stream in futures::future::join_all(connects).await {
                streams.push(stream.unwrap());
            }
        }
        let trips = streams.into_iter().enumerate().map(|(i, mut stream)| {
            runtime::spawn(async move {
                let msg = format!("{i:08}");
                stream.write_all(msg.as_bytes()).await.unwrap();
                let mut buf = [0; 8];
                stream.read_exact(&mut buf).await.unwrap();
                assert_eq!(&buf, msg.as_bytes());
                stream
            })
        });
        let trips: Vec<_> = trips.collect();
        let mut held = Vec::with_capacity(n);
        for trip in trips {
            held.push(trip.await.unwrap());
        }
        assert_eq!(held.len(), n);
        println!("{n} connections made a round trip, all open at once");
    });
}

#[test]
fn tcp_listener_accepted_stream_reads_data_sent_before_accept() {
    run(|| async {
        // An accepted stream waits for the driver's first edge instead of
        // trying a read at once; data already queued must still arrive.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = std::thread::spawn(move || {
            let mut c = std::net::TcpStream::connect(addr).unwrap();
            std::io::Write::write_all(&mut c, b"early").unwrap();
            c.shutdown(std::net::Shutdown::Write).unwrap();
            c
        })
        .join()
        .unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 16];
        let mut got = Vec::new();
        loop {
            match server.read(&mut buf).await.unwrap() {
                0 => break,
                n => got.extend_from_slice(&buf[..n]),
            }
        }
        assert_eq!(got, b"early");
        drop(client);
    });
}
