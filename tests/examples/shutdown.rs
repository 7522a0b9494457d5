//! Graceful shutdown (issue 11, item 6): on SIGTERM or SIGINT each server
//! stops accepting, lets open connections finish up to its grace period,
//! and exits with status 0; clients still connected then read end of stream.

use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use crate::bounded;
use crate::{read_line, read_to_end_or_reset, Example, IO_TIMEOUT};

/// The grace period the servers get in these tests.
const GRACE: (&str, &str) = ("SHUTDOWN_GRACE_MS", "500");
/// How long a server may take to exit after its grace period.
const EXIT_LIMIT: Duration = Duration::from_secs(10);

/// Waits for `server` to exit and checks it exited with status 0.
fn assert_exits_cleanly(server: &mut Example) {
    let status = server.wait_exit(EXIT_LIMIT).expect("still running after the grace period");
    assert!(status.success(), "{status:?}; stderr: {}", server.stderr());
}

/// Whether a connection to `addr` is refused (the listener is closed).
fn refused(addr: &str) -> bool {
    TcpStream::connect(addr).is_err()
}

#[test]
fn echo_on_sigterm_lets_a_connection_finish_then_exits_0() {
    bounded(|| {
        let mut echo = Example::start_with_env("echo", &["127.0.0.1:0"], &[GRACE]);
        let mut client = echo.connect();
        client.write_all(b"before").unwrap();
        client.read_exact(&mut [0; 6]).unwrap();
        echo.signal(libc::SIGTERM);
        // Within the grace period the open connection is still served...
        client.write_all(b"during").unwrap();
        let mut buf = [0; 6];
        client.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"during");
        // ...and at its end it is closed and the server exits 0.
        let start = Instant::now();
        assert!(read_to_end_or_reset(&mut client).is_empty());
        assert!(start.elapsed() < EXIT_LIMIT);
        assert_exits_cleanly(&mut echo);
        assert!(refused(&echo.addr));
    });
}

#[test]
fn echo_on_sigint_exits_0_as_soon_as_connections_are_done() {
    bounded(|| {
        // A grace period longer than the test: the exit must come from the close.
        let mut echo = Example::start_with_env("echo", &["127.0.0.1:0"], &[("SHUTDOWN_GRACE_MS", "60000")]);
        let client = echo.connect();
        echo.signal(libc::SIGINT);
        drop(client);
        assert_exits_cleanly(&mut echo);
    });
}

#[test]
fn http_hello_on_sigterm_finishes_the_request_in_flight_and_closes_idle_ones() {
    bounded(|| {
        let mut server = Example::start_with_env("http_hello", &["127.0.0.1:0"], &[GRACE]);
        let mut idle = server.connect();
        idle.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        let mut busy = server.connect();
        busy.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
        // The idle connection's answer is in before the signal.
        let mut got = [0; 12];
        idle.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"HTTP/1.1 200");
        server.signal(libc::SIGTERM);
        let rest = read_to_end_or_reset(&mut idle);
        assert!(String::from_utf8_lossy(&rest).ends_with("Hello, world!"), "{rest:?}");
        busy.write_all(b"\r\n").unwrap();
        let text = String::from_utf8_lossy(&read_to_end_or_reset(&mut busy)).into_owned();
        assert!(text.starts_with("HTTP/1.1 200 OK") && text.ends_with("Hello, world!"), "{text}");
        assert_exits_cleanly(&mut server);
    });
}

#[test]
fn chat_on_sigterm_closes_clients_after_the_grace_period_and_exits_0() {
    bounded(|| {
        let mut chat = Example::start_with_env("chat", &["127.0.0.1:0"], &[GRACE]);
        let mut clients: Vec<_> = (0..2).map(|_| chat.connect()).collect();
        for client in &mut clients {
            assert!(read_line(client).starts_with("welcome"));
        }
        chat.signal(libc::SIGTERM);
        clients[0].write_all(b"still talking\n").unwrap();
        assert!(read_line(&mut clients[1]).ends_with("] still talking"));
        for client in &mut clients {
            assert!(read_to_end_or_reset(client).is_empty());
        }
        assert_exits_cleanly(&mut chat);
    });
}

#[test]
fn proxy_on_sigterm_closes_clients_after_the_grace_period_and_exits_0() {
    bounded(|| {
        let echo = Example::start("echo", &["127.0.0.1:0"]);
        let mut proxy = Example::start_with_env("proxy", &["127.0.0.1:0", &echo.addr], &[GRACE]);
        let mut client = proxy.connect();
        client.write_all(b"ping").unwrap();
        client.read_exact(&mut [0; 4]).unwrap();
        proxy.signal(libc::SIGTERM);
        assert!(read_to_end_or_reset(&mut client).is_empty());
        assert_exits_cleanly(&mut proxy);
    });
}

#[test]
fn udp_echo_on_sigterm_exits_0() {
    bounded(|| {
        let mut server = Example::start("udp_echo", &["127.0.0.1:0"]);
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        socket.send_to(b"hi", &server.addr).unwrap();
        socket.recv_from(&mut [0; 8]).unwrap();
        server.signal(libc::SIGTERM);
        assert_exits_cleanly(&mut server);
    });
}
