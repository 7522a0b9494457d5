//! TCP streams in completion mode on the io_uring driver (issue 23, stage
//! 2; `docs/URING.md`): received bytes wait in the driver's provided
//! buffers until a read copies them out.
//!
//! Completion mode is the io_uring driver's default (`RUNTIME_URING_COMPLETION=0`
//! turns it off), and each test runs alone in a child process with it set
//! to 1, so the suite's own setting does not change them. Every test runs on every
//! driver (the behaviour is the same); where the driver is io_uring
//! (`RUNTIME_DRIVER=uring`, where `URING_REQUIRED` says it must be), each
//! also asserts that completion mode really ran, through
//! `Metrics::buffers_held`, which is 0 in readiness mode.

use std::future::Future;
use std::io::{Read, Write};
use std::pin::pin;
use std::task::Context;
use std::time::Duration;

use futures::FutureExt;
use net::{TcpListener, TcpStream};

use crate::support::{isolated_with_env, run};

/// Runs `body` in a child process with completion mode asked for.
pub(crate) fn completion(test: &str, body: impl FnOnce()) {
    isolated_with_env(&format!("uring_completion::{test}"), &[("RUNTIME_URING_COMPLETION", "1")], body);
}

/// Whether io_uring runs (and with `URING_REQUIRED`, that it does).
pub(crate) fn uring() -> bool {
    let m = runtime::metrics();
    if std::env::var_os("URING_REQUIRED").is_some() {
        assert_eq!(m.driver, "uring", "URING_REQUIRED, but: {m:?}");
    }
    m.driver == "uring"
}

pub(crate) fn held() -> u64 {
    runtime::metrics().buffers_held
}

/// A server stream and its blocking std client, after two messages (the
/// server's first read switches it to completion mode: the second is
/// received by the driver).
pub(crate) async fn switched_pair() -> (TcpStream, std::net::TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    client.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let (mut server, _) = listener.accept().await.unwrap();
    client.write_all(b"hi").unwrap();
    let mut buf = [0; 2];
    server.read_exact(&mut buf).await.unwrap();
    client.write_all(b"yo").unwrap();
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"yo");
    (server, client)
}

/// Turns the reactor until `cond` holds (bounded by `run`'s limit).
pub(crate) async fn until(mut cond: impl FnMut() -> bool) {
    while !cond() {
        runtime::time::sleep(Duration::from_millis(1)).await;
    }
}

#[test]
fn uring_completion_received_bytes_wait_in_ring_buffers_until_read() {
    completion("uring_completion_received_bytes_wait_in_ring_buffers_until_read", || {
        run(|| async {
            let (mut server, mut client) = switched_pair().await;
            client.write_all(b"abcdef").unwrap();
            if uring() {
                until(|| held() == 1).await; // the bytes wait in one ring buffer
            }
            let mut buf = [0; 4];
            assert_eq!(server.read(&mut buf).await.unwrap(), 4);
            assert_eq!(&buf, b"abcd");
            if uring() {
                assert_eq!(held(), 1, "a partly read buffer stays held");
            }
            assert_eq!(server.read(&mut buf).await.unwrap(), 2);
            assert_eq!(&buf[..2], b"ef");
            assert_eq!(held(), 0, "a buffer read to its end goes back to the ring");
            drop(client);
            assert_eq!(server.read(&mut buf).await.unwrap(), 0, "end of stream");
        });
    });
}

/// A read future dropped while it waits leaves nothing that points at its
/// buffer (the kernel writes only ring buffers); the bytes that arrive
/// after go to the next read, in order.
#[test]
fn uring_completion_drop_mid_read_keeps_the_bytes_for_the_next_read() {
    completion("uring_completion_drop_mid_read_keeps_the_bytes_for_the_next_read", || {
        run(|| async {
            let (mut server, mut client) = switched_pair().await;
            let mut cx = Context::from_waker(futures::task::noop_waker_ref());
            {
                let mut buf = [0xAA; 8];
                let mut read = pin!(server.read(&mut buf));
                assert!(read.as_mut().poll(&mut cx).is_pending());
                // Dropped while its recv is armed.
            }
            client.write_all(b"after the drop").unwrap();
            let mut buf = [0; 14];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"after the drop");
            assert_eq!(held(), 0);
        });
    });
}

/// A write future dropped while it waits for room in the send buffer (the
/// client does not read yet) leaves the stream usable: what it wrote
/// arrives, in order, then the next write.
#[test]
fn uring_completion_drop_mid_write_leaves_the_stream_usable() {
    completion("uring_completion_drop_mid_write_leaves_the_stream_usable", || {
        run(|| async {
            let (mut server, client) = switched_pair().await;
            let big = vec![7u8; 16 << 20];
            {
                let mut cx = Context::from_waker(futures::task::noop_waker_ref());
                let mut write = pin!(server.write_all(&big));
                assert!(write.as_mut().poll(&mut cx).is_pending(), "16 MiB do not fit in the socket");
            }
            let reader = std::thread::spawn(move || {
                let mut all = Vec::new();
                (&client).read_to_end(&mut all).map(|_| all)
            });
            server.write_all(b"end").await.unwrap();
            server.shutdown(std::net::Shutdown::Write).unwrap();
            let all = runtime::spawn_blocking(move || reader.join().unwrap()).await.unwrap().unwrap();
            assert!(all.ends_with(b"end") && all.len() > 3, "{} bytes", all.len());
            assert!(all[..all.len() - 3].iter().all(|&b| b == 7));
        });
    });
}

/// A stream dropped with received bytes unread and a recv in flight gives
/// its buffers back at once; its recv is cancelled (the socket closes: the
/// client sees the end), and the runtime goes on serving another stream.
#[test]
fn uring_completion_close_with_io_in_flight_gives_the_buffers_back() {
    completion("uring_completion_close_with_io_in_flight_gives_the_buffers_back", || {
        run(|| async {
            let (server, mut client) = switched_pair().await;
            client.write_all(b"never read").unwrap();
            if uring() {
                until(|| held() == 1).await;
            }
            drop(server);
            assert_eq!(held(), 0, "the dropped stream's buffers are back in the ring");
            let mut buf = [0; 4];
            // Unread bytes make the close a reset; either way the socket closed.
            match client.read(&mut buf) {
                Ok(0) => {}
                Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
                Ok(n) => panic!("read {n} bytes from a closed stream"),
            }
            let (mut other, mut c2) = switched_pair().await;
            c2.write_all(b"more").unwrap();
            other.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"more");
        });
    });
}

/// Clients that send and never hear back from a reader that never reads
/// hold a bounded number of buffers each, so the pool is not drained: the
/// other connections keep making round trips.
#[test]
fn uring_completion_reader_that_never_reads_does_not_drain_the_pool() {
    completion("uring_completion_reader_that_never_reads_does_not_drain_the_pool", || {
        run(|| async {
            let mut stuck = Vec::new();
            for _ in 0..4 {
                let (server, client) = switched_pair().await;
                let flood = std::thread::spawn(move || {
                    let chunk = [1u8; 64 << 10];
                    // Until the server's stream closes (it never reads).
                    while (&client).write_all(&chunk).is_ok() {}
                });
                stuck.push((server, flood));
            }
            runtime::time::sleep(Duration::from_millis(50)).await; // the floods fill what they can
            for _ in 0..8 {
                let (mut server, mut client) = switched_pair().await;
                for i in 0..50u32 {
                    client.write_all(&i.to_le_bytes()).unwrap();
                    let mut buf = [0; 4];
                    server.read_exact(&mut buf).await.unwrap();
                    assert_eq!(u32::from_le_bytes(buf), i);
                }
            }
            if uring() {
                let h = held();
                assert!((4..=4 * 4).contains(&h), "each stuck reader holds at most 4 buffers: {h}");
            }
            for (server, flood) in stuck {
                drop(server);
                runtime::spawn_blocking(move || flood.join().unwrap()).await.unwrap();
            }
            assert_eq!(held(), 0);
        });
    });
}

/// Idle connections in completion mode, each with a recv armed, hold no
/// buffer: the kernel takes one only when bytes arrive.
#[test]
fn uring_completion_idle_connections_hold_no_buffers() {
    completion("uring_completion_idle_connections_hold_no_buffers", || {
        run(|| async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let mut pairs = Vec::new();
            for i in 0..1000u32 {
                let mut client = std::net::TcpStream::connect(addr).unwrap();
                let (mut server, _) = listener.accept().await.unwrap();
                client.write_all(&i.to_le_bytes()).unwrap();
                let mut buf = [0; 4];
                server.read_exact(&mut buf).await.unwrap();
                // The second read (completion mode) waits with its recv armed.
                assert!(server.read(&mut buf).now_or_never().is_none());
                pairs.push((server, client));
            }
            runtime::time::sleep(Duration::from_millis(10)).await;
            if uring() {
                let m = runtime::metrics();
                assert_eq!(m.buffers_held, 0, "{m:?}");
                assert!(m.submissions >= 2000, "a poll and a recv per connection at least: {m:?}");
            }
            let (server, client) = pairs.last_mut().unwrap();
            client.write_all(b"wake").unwrap();
            let mut buf = [0; 4];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"wake");
        });
    });
}

/// `peek` in completion mode copies from the queue and leaves the bytes
/// for the read.
#[test]
fn uring_completion_peek_leaves_the_bytes_for_the_read() {
    completion("uring_completion_peek_leaves_the_bytes_for_the_read", || {
        run(|| async {
            let (mut server, mut client) = switched_pair().await;
            client.write_all(b"peeked").unwrap();
            let mut buf = [0; 6];
            server.readable().await.unwrap();
            assert_eq!(server.peek(&mut buf[..4]).await.unwrap(), 4);
            assert_eq!(&buf[..4], b"peek");
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"peeked");
            if uring() {
                until(|| held() == 0).await;
            }
        });
    });
}
