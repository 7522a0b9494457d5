//! Faults: refused, reset, invalid addresses, name resolution on the
//! blocking pool, trying each address, `EMFILE` during accept, writes after
//! the peer left (`BrokenPipe`, no `SIGPIPE`), and no fd leaks.
//!
//! The tests that change process-wide state run their body in a child
//! process (`util::run_child`): filling the fd table would make the tests
//! running beside them fail, and the default `SIGPIPE` disposition would
//! kill the whole harness if a write raised it.

use std::io;
use std::net::{Shutdown, SocketAddr};
use std::os::fd::AsFd;
use std::time::Duration;

use net::{TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixStream};
use runtime::time::sleep;

use crate::support::{self, run};
use crate::util::{child_role, default_sigpipe, lower_fd_limit, run_child, set_linger_zero, tcp_pair, TempPath};

const CHILD_LIMIT: Duration = Duration::from_secs(25);

/// A loopback address nothing listens on (a port just freed).
async fn refused_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

#[test]
fn tcp_stream_connect_refused_names_the_address() {
    run(|| async {
        let addr = refused_addr().await;
        let err = TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
        let msg = err.to_string();
        assert!(msg.contains(&format!("connect to {addr}")), "{msg}");
    });
}

#[test]
fn tcp_stream_connect_tries_each_address_in_order() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let good = listener.local_addr().unwrap();
        let (bad1, bad2) = (refused_addr().await, refused_addr().await);
        let stream = TcpStream::connect(&[bad1, good][..]).await.unwrap();
        assert_eq!(stream.peer_addr().unwrap(), good);
        // All refused: the last address's error comes back.
        let err = TcpStream::connect([bad1, bad2]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
        assert!(err.to_string().contains(&bad2.to_string()), "{err}");
        let err = TcpStream::connect(&[][..]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    });
}

#[test]
fn tcp_stream_connect_rejects_invalid_addresses_without_the_pool() {
    run(|| async {
        let before = runtime::metrics().tasks_spawned;
        for bad in ["not an address", "127.0.0.1", "127.0.0.1:99999", ":80", "host:port"] {
            let err = TcpStream::connect(bad).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{bad}: {err}");
            assert!(err.to_string().contains(bad), "the message names the input: {err}");
        }
        let err = TcpListener::bind("nonsense").await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let err = UdpSocket::bind("127.0.0.1:port").await.unwrap_err();
        assert!(err.to_string().contains("127.0.0.1:port"), "{err}");
        assert_eq!(runtime::metrics().tasks_spawned, before, "no lookup was needed");
    });
}

#[test]
fn tcp_stream_connect_resolves_localhost_on_the_blocking_pool() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let before = runtime::metrics();
        let by_ip = TcpStream::connect(format!("127.0.0.1:{port}")).await.unwrap();
        assert_eq!(runtime::metrics().tasks_spawned, before.tasks_spawned, "an IP literal stays inline");
        // "localhost" may resolve to ::1 first (refused) and then 127.0.0.1.
        let by_name = TcpStream::connect(format!("localhost:{port}")).await.unwrap();
        let after = runtime::metrics();
        // (Whether its result then arrives by a remote wake depends on a race:
        // a lookup that ends before the task first polls needs no wake.)
        assert!(after.tasks_spawned > before.tasks_spawned, "the name went to spawn_blocking");
        assert_eq!(by_name.peer_addr().unwrap(), by_ip.peer_addr().unwrap());
        let by_tuple = TcpStream::connect(("localhost", port)).await.unwrap();
        assert_eq!(by_tuple.peer_addr().unwrap().port(), port);
    });
}

#[test]
fn tcp_stream_read_after_peer_closed_with_unread_data_is_reset() {
    run(|| async {
        let (mut client, server) = tcp_pair().await;
        client.write_all(b"never read").await.unwrap();
        while server.peek(&mut [0; 16]).await.unwrap() == 0 {}
        drop(server); // unread data: the kernel answers with RST
        let err = client.read(&mut [0; 16]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionReset);
    });
}

#[test]
fn tcp_stream_read_after_linger_zero_close_is_reset() {
    run(|| async {
        let (mut client, server) = tcp_pair().await;
        set_linger_zero(&server);
        drop(server);
        let err = client.read(&mut [0; 16]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionReset);
        // The stream stays usable for reporting errors, no panic, no hang.
        let err = client.write(b"x").await.unwrap_err();
        assert!(matches!(err.kind(), io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset), "{err}");
    });
}

#[test]
fn tcp_stream_peer_gone_read_returns_zero_then_writes_fail() {
    run(|| async {
        let (mut client, server) = tcp_pair().await;
        drop(server);
        assert_eq!(client.read(&mut [0; 8]).await.unwrap(), 0);
        client.shutdown(Shutdown::Read).unwrap();
    });
}

/// Runs with the default `SIGPIPE` disposition (terminate) in a child: if
/// any write raised the signal, the child would die and the test fail.
#[test]
fn tcp_stream_write_after_peer_left_is_broken_pipe_without_sigpipe() {
    const NAME: &str = "faults::tcp_stream_write_after_peer_left_is_broken_pipe_without_sigpipe";
    if child_role(NAME).is_none() {
        return run_child(NAME, "", CHILD_LIMIT);
    }
    default_sigpipe();
    run(|| async {
        let (mut client, server) = tcp_pair().await;
        drop(server);
        // The first writes may still be taken; the peer's RST then shows.
        let mut first = None;
        for _ in 0..1000 {
            match client.write(b"x").await {
                Ok(_) => sleep(Duration::from_millis(2)).await,
                Err(e) => {
                    first = Some(e);
                    break;
                }
            }
        }
        let first = first.expect("writes to a peer that has gone kept succeeding");
        let kind = first.kind();
        assert!(matches!(kind, io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset), "{first}");
        let err = client.write_all(b"again").await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);

        let (mut a, b) = UnixStream::pair().unwrap();
        drop(b);
        assert_eq!(a.write(b"x").await.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
        let (_rd, mut wr) = a.into_split();
        assert_eq!(wr.write_all(b"x").await.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
    });
}

/// Fills the fd table (in a child with a low `RLIMIT_NOFILE`): `accept`
/// returns `EMFILE` to the caller, the connection stays queued, and once
/// fds are free the same listener accepts it.
#[test]
fn tcp_listener_accept_returns_emfile_and_keeps_listening() {
    const NAME: &str = "faults::tcp_listener_accept_returns_emfile_and_keeps_listening";
    if child_role(NAME).is_none() {
        return run_child(NAME, "", CHILD_LIMIT);
    }
    lower_fd_limit(256);
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let mut hog = Vec::new();
        let full = loop {
            match listener.as_fd().try_clone_to_owned() {
                Ok(fd) => hog.push(fd),
                Err(e) => break e,
            }
        };
        assert_eq!(full.raw_os_error(), Some(libc::EMFILE));
        for _ in 0..2 {
            let err = listener.accept().await.unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err}");
        }
        drop(hog);
        let (_stream, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, client.local_addr().unwrap());

        let path = TempPath::new("emfile");
        let unix = UnixListener::bind(&path).unwrap();
        let _c = std::os::unix::net::UnixStream::connect(&path).unwrap();
        let mut hog = Vec::new();
        while let Ok(fd) = unix.as_fd().try_clone_to_owned() {
            hog.push(fd);
        }
        let err = unix.accept().await.unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err}");
        drop(hog);
        unix.accept().await.unwrap();
    });
}

/// Sockets of every kind, some with tasks waiting on them, left in a
/// runtime that is dropped: every fd is closed. In a child, so that other
/// tests' fds do not blur the count.
#[test]
fn net_sockets_leak_no_fds_when_the_runtime_drops() {
    const NAME: &str = "faults::net_sockets_leak_no_fds_when_the_runtime_drops";
    if child_role(NAME).is_none() {
        return run_child(NAME, "", CHILD_LIMIT);
    }
    // Warm up what is created once per process (libkqueue's own thread and
    // its fds, for one) before counting.
    drop(runtime::Runtime::new().unwrap());
    let before = support::fd_count();
    for _ in 0..3 {
        run(|| async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let (mut client, server) = tcp_pair().await;
            let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let (ua, _ub) = UnixStream::pair().unwrap();
            let (da, _db) = UnixDatagram::pair().unwrap();
            let (_rd, _wr) = server.into_split();
            // Tasks left waiting when the runtime goes.
            runtime::spawn(async move { listener.accept().await });
            runtime::spawn(async move { client.read(&mut [0; 1]).await });
            runtime::spawn(async move { udp.recv(&mut [0; 1]).await });
            runtime::spawn(async move { da.recv(&mut [0; 1]).await });
            runtime::spawn(async move { TcpStream::connect(addr).await });
            drop(ua);
            sleep(Duration::from_millis(5)).await;
        });
    }
    assert_eq!(support::fd_count(), before, "fds leaked");
}
