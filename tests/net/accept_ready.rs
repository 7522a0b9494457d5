//! An accepted socket starts out assumed readable and writable (as tokio
//! 1.54's do, after its `tcp_accept_ready.rs`): its first read and write try
//! the system call instead of waiting for the driver's first event.

use std::future::Future;
use std::io::Write;
use std::os::fd::AsFd;
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::FutureExt;
use net::{Interest, TcpListener, TcpStream};

use crate::support::run;

/// Waits until `n` bytes are queued on `s`, peeking through a dup of its fd
/// so that `net`'s readiness is not touched.
fn wait_until_queued(s: &impl AsFd, n: usize) {
    let dup = std::net::TcpStream::from(s.as_fd().try_clone_to_owned().unwrap());
    let mut buf = [0u8; 64];
    let deadline = Instant::now() + Duration::from_secs(10);
    while !matches!(dup.peek(&mut buf), Ok(m) if m >= n) {
        assert!(Instant::now() < deadline, "the peer's bytes never arrived");
        std::thread::yield_now();
    }
}

async fn accepted_with(data: &[u8]) -> (TcpStream, std::net::TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    client.write_all(data).unwrap();
    let (s, _) = listener.accept().await.unwrap();
    if !data.is_empty() {
        wait_until_queued(&s, data.len());
    }
    (s, client)
}

#[test]
fn accepted_stream_reads_without_waiting_for_an_event() {
    run(|| async {
        let (stream, _client) = accepted_with(b"hello").await;
        let mut buf = [0u8; 16];
        let n = stream.try_read(&mut buf).expect("data was queued before the first read");
        assert_eq!(&buf[..n], b"hello");
        assert_eq!(stream.try_write(b"world").unwrap(), 5);
    });
}

#[test]
fn accepted_stream_with_no_data_still_waits() {
    run(|| async {
        let (stream, mut client) = accepted_with(b"").await;
        assert!(stream.readable().now_or_never().is_some(), "assumed readable at first");
        let mut buf = [0u8; 16];
        assert_eq!(stream.try_read(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
        assert!(stream.readable().now_or_never().is_none());
        assert_eq!(stream.try_write(b"early").unwrap(), 5);
        client.write_all(b"later").unwrap();
        stream.readable().await.unwrap();
        let n = stream.try_read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"later");
    });
}

#[test]
fn accepted_stream_first_polls_are_ready() {
    run(|| async {
        let (mut s, _c) = accepted_with(b"hello").await;
        let mut cx = Context::from_waker(futures::task::noop_waker_ref());
        let mut buf = [0u8; 16];
        assert!(matches!(pin!(s.peek(&mut buf)).poll(&mut cx), Poll::Ready(Ok(5))));
        assert!(matches!(pin!(s.read(&mut buf)).poll(&mut cx), Poll::Ready(Ok(5))));
        assert!(matches!(pin!(s.write(b"x")).poll(&mut cx), Poll::Ready(Ok(1))));
        let bufs = [std::io::IoSlice::new(b"ab"), std::io::IoSlice::new(b"cd")];
        assert!(matches!(pin!(s.write_vectored(&bufs)).poll(&mut cx), Poll::Ready(Ok(4))));
    });
}

#[test]
fn accepted_stream_async_io_falls_back_to_waiting() {
    run(|| async {
        let (s, mut c) = accepted_with(b"").await;
        let dup = std::net::TcpStream::from(s.as_fd().try_clone_to_owned().unwrap());
        let calls = std::cell::Cell::new(0);
        let fut = s.async_io(Interest::READABLE, || {
            calls.set(calls.get() + 1);
            std::io::Read::read(&mut &dup, &mut [0u8; 8])
        });
        let mut fut = pin!(fut);
        assert!(fut.as_mut().now_or_never().is_none());
        c.write_all(b"xyz").unwrap();
        assert_eq!(fut.await.unwrap(), 3);
        assert!(calls.get() >= 2, "calls={}", calls.get());
    });
}

#[test]
fn unix_accepted_stream_reads_without_an_event() {
    run(|| async {
        let path = crate::util::TempPath::new("accept-ready");
        let listener = net::UnixListener::bind(&path).unwrap();
        let mut client = std::os::unix::net::UnixStream::connect(&path).unwrap();
        client.write_all(b"hello").unwrap();
        let (s, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(s.try_read(&mut buf).unwrap(), 5, "a Unix write is in the peer's buffer at once");
    });
}
