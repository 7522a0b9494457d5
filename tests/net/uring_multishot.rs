//! The bounded multishot recv of completion mode on the io_uring driver
//! (`docs/URING.md`, "Receive" and "Back-pressure"): armed once per
//! connection, paused (cancelled) when the connection holds 4 unread
//! buffers, re-armed when reads bring it down to 2; a recv starved of
//! buffers (`ENOBUFS`) re-armed when buffers come back; the end of the
//! stream, errors and a drop with the multishot in the kernel.
//!
//! Each test runs alone in a child process with completion mode asked for.
//! Every test runs on every driver; the driver-specific assertions (buffers
//! held, submissions) only where the driver is io_uring, and those about
//! multishot only on Linux 6.17 or later (older kernels refuse its byte cap
//! and the driver falls back to single-shot recvs).

use std::io::{Read, Write};
use std::time::Duration;

use futures::FutureExt;

use crate::support::isolated_with_env;
use crate::support::run;
use crate::uring_completion::{held, switched_pair, until, uring};
use crate::util::set_linger_zero;

fn multishot_test(test: &str, env: &[(&str, &str)], body: impl FnOnce()) {
    let mut all = vec![("RUNTIME_URING_COMPLETION", "1")];
    all.extend_from_slice(env);
    isolated_with_env(&format!("uring_multishot::{test}"), &all, body);
}

/// io_uring runs and the kernel takes a capped multishot recv (Linux 6.17).
fn multishot() -> bool {
    if !uring() {
        return false;
    }
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    let mut parts = release.split(|c: char| !c.is_ascii_digit()).map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) >= (6, 17)
}

fn submissions() -> u64 {
    runtime::metrics().submissions
}

/// Turns the reactor a few times, so that whatever the kernel would deliver
/// (in the task work of a waiting `io_uring_enter`) has been reaped: for
/// checking that something does NOT arrive.
async fn turns() {
    for _ in 0..5 {
        runtime::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Sends message `i` (10 bytes) and waits until it is held in a buffer of
/// its own: `held` buffers in all after it.
async fn message_into_its_own_buffer(client: &mut std::net::TcpStream, i: u8, held_after: u64) {
    client.write_all(&[i; 10]).unwrap();
    if uring() {
        until(|| held() == held_after).await;
    }
}

/// 100 four-byte round trips on a fresh switched pair, each checked;
/// returns the submissions they cost.
async fn round_trips_100() -> u64 {
    let (mut server, mut client) = switched_pair().await;
    let before = submissions();
    for i in 0..100u32 {
        client.write_all(&i.to_le_bytes()).unwrap();
        let mut buf = [0; 4];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(u32::from_le_bytes(buf), i);
    }
    submissions() - before
}

/// 100 round trips cost no submission for the recv: it stays armed.
#[test]
fn uring_multishot_recv_is_armed_once_for_many_messages() {
    multishot_test("uring_multishot_recv_is_armed_once_for_many_messages", &[], || {
        run(|| async {
            let spent = round_trips_100().await;
            if multishot() {
                assert!(spent < 10, "a recv armed once, not per message: {spent} submissions");
            }
        });
    });
}

/// `RUNTIME_URING_RECV_MULTISHOT=0`: single-shot recvs, one submission per
/// message (what the test above would count without multishot).
#[test]
fn uring_multishot_switch_0_arms_a_recv_per_message() {
    let env = [("RUNTIME_URING_RECV_MULTISHOT", "0")];
    multishot_test("uring_multishot_switch_0_arms_a_recv_per_message", &env, || {
        run(|| async {
            let spent = round_trips_100().await;
            if uring() {
                assert!(spent >= 99, "a recv per message after the first: {spent} submissions");
            }
        });
    });
}

/// At 4 unread buffers the multishot is cancelled: bytes sent after stay in
/// the socket. Reading down to 3 does not re-arm it, down to 2 does; every
/// byte arrives in order.
#[test]
fn uring_multishot_pauses_at_the_high_mark_and_rearms_at_the_low_mark() {
    multishot_test("uring_multishot_pauses_at_the_high_mark_and_rearms_at_the_low_mark", &[], || {
        run(|| async {
            let (mut server, mut client) = switched_pair().await;
            for i in 0..4u8 {
                message_into_its_own_buffer(&mut client, i, u64::from(i) + 1).await;
            }
            for i in 4..8u8 {
                client.write_all(&[i; 10]).unwrap();
            }
            turns().await;
            if uring() {
                assert_eq!(held(), 4, "paused at the high mark: the rest waits in the socket");
            }
            let mut buf = [0; 10];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(buf, [0; 10]);
            turns().await;
            if uring() {
                assert_eq!(held(), 3, "3 is above the low mark: still paused");
            }
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(buf, [1; 10]);
            if uring() {
                // Re-armed at 2: messages 4 to 7 come in (in one buffer or more).
                until(|| held() >= 3).await;
            }
            for i in 2..8u8 {
                server.read_exact(&mut buf).await.unwrap();
                assert_eq!(buf, [i; 10], "in order");
            }
            assert_eq!(held(), 0);
            drop(client);
            assert_eq!(server.read(&mut buf).await.unwrap(), 0);
        });
    });
}

/// 64 connections that never read hold all 256 buffers; a recv that finds
/// the pool empty ends with `ENOBUFS`, and is re-armed when reads give
/// buffers back: its bytes arrive.
#[test]
fn uring_multishot_recv_starved_of_buffers_recovers_when_they_come_back() {
    multishot_test("uring_multishot_recv_starved_of_buffers_recovers_when_they_come_back", &[], || {
        run(|| async {
            let (mut late, mut late_client) = switched_pair().await;
            let mut stuck = Vec::new();
            for _ in 0..64 {
                let (server, mut client) = switched_pair().await;
                client.write_all(&[9u8; 64 << 10]).unwrap(); // 4 full buffers or more
                stuck.push((server, client));
            }
            if multishot() {
                until(|| held() == 256).await;
            }
            late_client.write_all(b"late").unwrap();
            turns().await;
            let mut buf = [0; 4];
            if multishot() {
                assert!(late.read(&mut buf).now_or_never().is_none(), "no buffer to take its bytes");
            }
            // Starved recvs are re-armed first starved first, one per free
            // buffer: read stuck streams until `late` has its turn.
            let mut all = vec![0; 64 << 10];
            let mut got = None;
            for (server, _) in &mut stuck {
                server.read_exact(&mut all).await.unwrap();
                assert!(all.iter().all(|&b| b == 9));
                turns().await;
                if let Some(n) = late.read(&mut buf).now_or_never() {
                    got = Some(n.unwrap());
                    break;
                }
            }
            assert_eq!(got, Some(4), "the starved recv came back");
            assert_eq!(&buf, b"late");
            drop(stuck);
            until(|| held() == 0).await;
        });
    });
}

/// The end of the stream and an error, each through a multishot recv that
/// was delivering bytes: bytes first, then `Ok(0)`; a reset is
/// `ConnectionReset` once, then the end.
#[test]
fn uring_multishot_end_of_stream_and_reset_end_the_recv() {
    multishot_test("uring_multishot_end_of_stream_and_reset_end_the_recv", &[], || {
        run(|| async {
            let (mut server, mut client) = switched_pair().await;
            client.write_all(b"last words").unwrap();
            client.shutdown(std::net::Shutdown::Write).unwrap();
            let mut buf = [0; 10];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"last words");
            assert_eq!(server.read(&mut buf).await.unwrap(), 0, "end of stream");
            assert_eq!(server.read(&mut buf).await.unwrap(), 0, "and it stays ended");

            let (mut server, client) = switched_pair().await;
            set_linger_zero(&client);
            drop(client); // a reset
            let e = server.read(&mut buf).await.unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}");
            assert_eq!(server.read(&mut buf).await.unwrap(), 0, "after the error, the end");
            assert_eq!(held(), 0);
        });
    });
}

/// A stream dropped with its multishot armed in the kernel, and one dropped
/// while paused (its cancel not yet answered): each closes at once (the
/// client sees the end), gives its buffers back, and a new stream that
/// reuses the fd number hears nothing of the old recv.
#[test]
fn uring_multishot_drop_with_the_recv_in_flight_closes_at_once() {
    multishot_test("uring_multishot_drop_with_the_recv_in_flight_closes_at_once", &[], || {
        run(|| async {
            let (server, mut client) = switched_pair().await;
            drop(server); // armed, idle
            let mut buf = [0; 8];
            assert_eq!(client.read(&mut buf).unwrap(), 0, "closed: the client sees the end");

            let (server, mut client) = switched_pair().await;
            for i in 0..4u8 {
                message_into_its_own_buffer(&mut client, i, u64::from(i) + 1).await;
            }
            drop(server); // paused: the cancel rides in the next wait
            assert_eq!(held(), 0, "its buffers are back in the ring");
            match client.read(&mut buf) {
                Ok(0) => {}
                Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
                Ok(n) => panic!("read {n} bytes from a closed stream"),
            }

            let (mut server, mut client) = switched_pair().await;
            for i in 0..20u32 {
                client.write_all(&i.to_le_bytes()).unwrap();
                let mut b = [0; 4];
                server.read_exact(&mut b).await.unwrap();
                assert_eq!(u32::from_le_bytes(b), i);
            }
            assert_eq!(held(), 0);
        });
    });
}
