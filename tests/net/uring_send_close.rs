//! Completion-mode writes at the end of a stream (issue 23; `docs/URING.md`,
//! "Send"): a drop or a close with bytes queued or a send in flight, a
//! shutdown after writes, and the send buffers of idle connections. Run as
//! `uring_send.rs`'s tests are (a child each, every driver).

use std::future::Future;
use std::io::Write;
use std::pin::pin;
use std::task::Context;

use futures::AsyncWriteExt;
use net::TcpListener;

use crate::support::run;
use crate::uring_completion::{switched_pair, until, uring};
use crate::uring_send::{assert_prefix, completion, join, patterned, read_to_end, send_held, write_until_stalled};

/// A large `write_all` dropped while it waits, then the stream dropped:
/// the peer gets a prefix of the data, in order, then the end of the
/// stream (a FIN, not a reset); the send buffer is freed after its sends.
#[test]
fn uring_send_dropped_write_all_then_drop_delivers_a_prefix_in_order() {
    completion("uring_send_close::uring_send_dropped_write_all_then_drop_delivers_a_prefix_in_order", || {
        run(|| async {
            let (mut server, client) = switched_pair().await;
            let data = patterned(4, 16 << 20);
            {
                let mut cx = Context::from_waker(futures::task::noop_waker_ref());
                let mut write = pin!(server.write_all(&data));
                assert!(write.as_mut().poll(&mut cx).is_pending(), "16 MiB do not fit");
                if uring() {
                    assert_eq!(send_held(), 1);
                }
            }
            drop(server); // with its send queued (io_uring) or in the socket
            let all = join(read_to_end(client)).await;
            assert!(all.len() >= 64 << 10, "at least the send buffer's worth: {}", all.len());
            assert_prefix(4, &all);
            until(|| send_held() == 0).await;
        });
    });
}

/// A stream closed while its send is in the kernel (the peer does not read
/// yet): every byte a write accepted arrives, then the end of the stream.
#[test]
fn uring_send_close_with_a_send_in_flight_delivers_every_accepted_byte() {
    completion("uring_send_close::uring_send_close_with_a_send_in_flight_delivers_every_accepted_byte", || {
        run(|| async {
            let (mut server, client) = switched_pair().await;
            let data = patterned(5, 64 << 20);
            let at = write_until_stalled(&mut server, &data, || {}).await;
            if uring() {
                assert_eq!(send_held(), 1, "a send is in flight from the buffer");
            }
            drop(server);
            let all = join(read_to_end(client)).await;
            assert_eq!(all.len(), at, "every accepted byte arrives");
            assert_prefix(5, &all);
            until(|| send_held() == 0).await;
        });
    });
}

/// `write_all` then at once a shutdown of the write side, in each of its
/// forms: the peer reads every byte, then the end of the stream. (A
/// `shutdown(2)` before the queued sends would cut them off.)
#[test]
fn uring_send_write_then_shutdown_peer_sees_every_byte_then_eof() {
    completion("uring_send_close::uring_send_write_then_shutdown_peer_sees_every_byte_then_eof", || {
        run(|| async {
            let data = patterned(6, 1 << 20);
            for how in 0..4 {
                let (mut server, client) = switched_pair().await;
                let reader = read_to_end(client);
                server.write_all(&data).await.unwrap();
                match how {
                    0 => server.shutdown(std::net::Shutdown::Write).unwrap(),
                    1 => server.close().await.unwrap(),
                    2 => drop(server.into_split().1), // the write half's drop
                    _ => {
                        server.shutdown(std::net::Shutdown::Both).unwrap();
                        let e = server.write(b"x").await.unwrap_err();
                        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
                    }
                }
                let all = join(reader).await;
                assert_eq!(all.len(), data.len(), "shutdown form {how}");
                assert_prefix(6, &all);
            }
            until(|| send_held() == 0).await;
        });
    });
}

/// `try_write` and vectored writes go through the same queue as `write`:
/// none overtakes queued bytes.
#[test]
fn uring_send_try_write_never_overtakes_queued_bytes() {
    completion("uring_send_close::uring_send_try_write_never_overtakes_queued_bytes", || {
        run(|| async {
            let (mut server, client) = switched_pair().await;
            server.write_all(b"one ").await.unwrap();
            assert_eq!(server.try_write(b"two ").unwrap(), 4);
            let bufs = [std::io::IoSlice::new(b"thr"), std::io::IoSlice::new(b"ee ")];
            assert_eq!(server.try_write_vectored(&bufs).unwrap(), 6);
            server.write_vectored(&[std::io::IoSlice::new(b"four")]).await.unwrap();
            if uring() {
                assert_eq!(send_held(), 1);
            }
            server.shutdown(std::net::Shutdown::Write).unwrap();
            assert_eq!(join(read_to_end(client)).await, b"one two three four");
        });
    });
}

/// 10,000 connections (or as many as the fd limit allows) that wrote in completion mode and went idle hold no
/// send buffer (nor slot): the buffer lives while bytes are queued.
#[test]
fn uring_send_idle_connections_hold_no_send_buffers() {
    completion("uring_send_close::uring_send_idle_connections_hold_no_send_buffers", || {
        // Both ends are in this process: 10,000 where the hard limit allows
        // (20,000 descriptors on the CI machine: 9,900 there).
        let limit = crate::util::raise_fd_limit();
        let n = u32::try_from(limit.saturating_sub(200) / 2).unwrap_or(u32::MAX).min(10_000);
        assert!(n >= 1000, "RLIMIT_NOFILE hard limit {limit}");
        run(move || async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let mut pairs = Vec::new();
            let mut most = 0;
            for i in 0..n {
                let client = std::net::TcpStream::connect(addr).unwrap();
                let (mut server, _) = listener.accept().await.unwrap();
                server.write_all(b"ab").await.unwrap(); // send(2): the switch
                server.write_all(&i.to_le_bytes()).await.unwrap(); // queued
                most = most.max(send_held());
                pairs.push((server, client));
            }
            if uring() {
                assert!(most >= 1, "the second writes were queued");
            }
            until(|| send_held() == 0).await;
            let m = runtime::metrics();
            assert_eq!(m.send_buffers_held, 0, "{m:?}");
            for (i, (_, client)) in pairs.iter_mut().enumerate() {
                let mut buf = [0; 6];
                std::io::Read::read_exact(client, &mut buf).unwrap();
                assert_eq!(&buf[..2], b"ab");
                assert_eq!(u32::from_le_bytes(buf[2..].try_into().unwrap()), i as u32);
            }
            let (server, client) = pairs.last_mut().unwrap();
            server.write_all(b"wake").await.unwrap();
            server.flush().await.unwrap();
            let mut buf = [0; 4];
            std::io::Read::read_exact(client, &mut buf).unwrap();
            assert_eq!(&buf, b"wake");
            let _ = client.flush();
        });
    });
}
