//! `--threads N` (issue 12): echo and http_hello on N runtimes sharing one
//! port; every connection is served, and SIGTERM stops them all (exit 0).

use std::io::{Read, Write};
use std::time::Duration;

use crate::bounded;
use crate::{read_to_end_or_reset, Example};

/// A port that was free a moment ago (every runtime of the example binds
/// the same fixed port, so port 0 will not do).
fn free_port_addr() -> String {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = probe.local_addr().unwrap().to_string();
    drop(probe);
    addr
}

#[test]
fn echo_on_two_threads_serves_every_connection_and_stops_on_sigterm() {
    bounded(|| {
        let addr = free_port_addr();
        let mut echo = Example::start_with_env("echo", &[&addr, "--threads", "2"], &[("SHUTDOWN_GRACE_MS", "500")]);
        for i in 0..40u32 {
            let mut client = echo.connect();
            let msg = format!("hello {i}");
            client.write_all(msg.as_bytes()).unwrap();
            let mut buf = vec![0; msg.len()];
            client.read_exact(&mut buf).unwrap();
            assert_eq!(buf, msg.as_bytes());
        }
        let mut open = echo.connect();
        echo.signal(libc::SIGTERM);
        assert!(read_to_end_or_reset(&mut open).is_empty(), "closed at the end of the grace period");
        let status = echo.wait_exit(Duration::from_secs(10)).expect("every runtime stopped");
        assert!(status.success(), "{status:?}; stderr: {}", echo.stderr());
    });
}

#[test]
fn http_hello_on_two_threads_answers_and_stops_on_sigint() {
    bounded(|| {
        let addr = free_port_addr();
        let mut http =
            Example::start_with_env("http_hello", &[&addr, "--threads", "2"], &[("SHUTDOWN_GRACE_MS", "500")]);
        for _ in 0..20 {
            let mut client = http.connect();
            client.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
            let answer = read_to_end_or_reset(&mut client);
            assert!(answer.starts_with(b"HTTP/1.1 200 OK"), "{:?}", String::from_utf8_lossy(&answer));
            assert!(answer.ends_with(b"Hello, world!"));
        }
        http.signal(libc::SIGINT);
        let status = http.wait_exit(Duration::from_secs(10)).expect("every runtime stopped");
        assert!(status.success(), "{status:?}; stderr: {}", http.stderr());
    });
}

#[test]
fn echo_rejects_a_malformed_thread_count() {
    bounded(|| {
        let out = std::process::Command::new(crate::example_path("echo")).args(["--threads", "0"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("--threads"));
    });
}
