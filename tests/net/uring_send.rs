//! TCP streams' writes in completion mode on the io_uring driver (issue
//! 23; `docs/URING.md`, "Send"): a write copies into the connection's send
//! buffer (64 KiB), one `IORING_OP_SEND` carries it in the next wait.
//!
//! Each test runs alone in a child process with completion mode asked for
//! (`uring_completion::completion`), on every driver (the behaviour the
//! user sees is the same); where the driver is io_uring each also asserts
//! that the send buffers really ran, through `Metrics::send_buffers_held`
//! (0 in readiness mode). More in `uring_send_close.rs`.

use std::io::{self, Read};
use std::time::Duration;

use futures::{AsyncWriteExt, FutureExt};

use crate::support::{isolated_with_env, run};
use crate::uring_completion::{switched_pair, until, uring};

/// Runs `body` alone in a child process (`test`: its path in this crate)
/// with completion mode asked for.
pub(crate) fn completion(test: &str, body: impl FnOnce()) {
    isolated_with_env(test, &[("RUNTIME_URING_COMPLETION", "1")], body);
}

pub(crate) fn send_held() -> u64 {
    runtime::metrics().send_buffers_held
}

/// Byte `i` of a transfer tagged `tag`: a checksum of position, so a lost,
/// repeated or reordered chunk shows.
pub(crate) fn pattern(tag: u8, i: usize) -> u8 {
    (i as u32).wrapping_mul(2_654_435_761).rotate_left(7) as u8 ^ (i >> 16) as u8 ^ tag
}

pub(crate) fn patterned(tag: u8, len: usize) -> Vec<u8> {
    (0..len).map(|i| pattern(tag, i)).collect()
}

/// Asserts `got` is the first `got.len()` bytes of transfer `tag`.
#[track_caller]
pub(crate) fn assert_prefix(tag: u8, got: &[u8]) {
    if let Some(i) = (0..got.len()).find(|&i| got[i] != pattern(tag, i)) {
        panic!("byte {i} of {} is wrong", got.len());
    }
}

/// A blocking reader of `client` to its end, on its own thread.
pub(crate) fn read_to_end(client: std::net::TcpStream) -> std::thread::JoinHandle<io::Result<Vec<u8>>> {
    std::thread::spawn(move || {
        let mut all = Vec::new();
        (&client).read_to_end(&mut all).map(|_| all)
    })
}

pub(crate) async fn join(reader: std::thread::JoinHandle<io::Result<Vec<u8>>>) -> Vec<u8> {
    runtime::spawn_blocking(move || reader.join().unwrap()).await.unwrap().unwrap()
}

/// Writes `data` in 256 KiB pieces until the writer made no progress in 20
/// turns in a row (the peer does not read), running `on_stall` at each such
/// turn; returns how many bytes the writes accepted.
pub(crate) async fn write_until_stalled(server: &mut net::TcpStream, data: &[u8], mut on_stall: impl FnMut()) -> usize {
    let (mut at, mut stalls) = (0, 0);
    while stalls < 20 {
        match server.write(&data[at..at + (256 << 10)]).now_or_never() {
            Some(n) => (at, stalls) = (at + n.unwrap(), 0),
            None => {
                stalls += 1;
                on_stall();
                runtime::time::sleep(Duration::from_millis(1)).await;
            }
        }
    }
    at
}

/// A write returns once its bytes are in the send buffer; they leave in the
/// next wait (not before), and `flush` waits for them.
#[test]
fn uring_send_a_write_waits_in_the_send_buffer_until_the_next_wait() {
    completion("uring_send::uring_send_a_write_waits_in_the_send_buffer_until_the_next_wait", || {
        run(|| async {
            let (mut server, client) = switched_pair().await;
            server.write_all(b"hello").await.unwrap();
            client.set_nonblocking(true).unwrap();
            let mut buf = [0; 8];
            if uring() {
                assert_eq!(send_held(), 1, "the bytes wait in a send buffer");
                let e = (&client).read(&mut buf).unwrap_err();
                assert_eq!(e.kind(), io::ErrorKind::WouldBlock, "not sent before the wait");
            }
            server.flush().await.unwrap();
            assert_eq!(send_held(), 0, "a drained queue holds no buffer");
            client.set_nonblocking(false).unwrap();
            (&client).read_exact(&mut buf[..5]).unwrap();
            assert_eq!(&buf[..5], b"hello");
            // Writes of one tick ride in one send; the next ones too.
            for i in 0..100u32 {
                server.write_all(&i.to_le_bytes()).await.unwrap();
            }
            server.flush().await.unwrap();
            for i in 0..100u32 {
                (&client).read_exact(&mut buf[..4]).unwrap();
                assert_eq!(u32::from_le_bytes(buf[..4].try_into().unwrap()), i);
            }
        });
    });
}

/// A peer that never reads: the writer waits (its write is `Pending`) once
/// the socket and the 64 KiB buffer are full, and memory stays bounded
/// (one send buffer); when the peer reads, the write goes on, in order.
#[test]
fn uring_send_peer_that_never_reads_makes_the_writer_wait() {
    completion("uring_send::uring_send_peer_that_never_reads_makes_the_writer_wait", || {
        run(|| async {
            let (mut server, client) = switched_pair().await;
            let data = patterned(1, 64 << 20);
            let at = write_until_stalled(&mut server, &data, || {
                if uring() {
                    assert_eq!(send_held(), 1, "one buffer, however much is written");
                }
            })
            .await;
            assert!(at < 32 << 20, "the writer waits: {at} bytes accepted");
            let reader = read_to_end(client);
            server.write_all(&data[at..at + (4 << 20)]).await.unwrap();
            server.shutdown(std::net::Shutdown::Write).unwrap();
            let all = join(reader).await;
            assert_eq!(all.len(), at + (4 << 20));
            assert_prefix(1, &all);
            until(|| send_held() == 0).await;
        });
    });
}

/// A reset peer: the error comes back on the next write (or flush) after
/// the send that met it, and on every write after; the buffer is freed.
#[test]
fn uring_send_reset_peer_error_comes_back_on_the_next_write() {
    completion("uring_send::uring_send_reset_peer_error_comes_back_on_the_next_write", || {
        run(|| async {
            let (mut server, client) = switched_pair().await;
            crate::util::set_linger_zero(&client);
            drop(client);
            let first = server.write(b"into the void").await;
            let error = match first {
                Err(e) => e, // readiness mode: send(2) says so at once
                Ok(n) => {
                    assert!(uring(), "only a queued write succeeds");
                    assert_eq!(n, 13);
                    assert_eq!(send_held(), 1);
                    server.flush().await.unwrap_err()
                }
            };
            let reset = |e: &io::Error| matches!(e.kind(), io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe);
            assert!(reset(&error), "{error}");
            let again = server.write(b"more").await.unwrap_err();
            assert!(reset(&again), "{again}");
            assert_eq!(send_held(), 0);
        });
    });
}

/// Writes `out` in chunks of several sizes, then shuts the write side
/// down; `held`: the most send buffers seen held.
async fn copy_out(out: &[u8], w: &mut net::tcp::WriteHalf<'_>, held: &std::cell::Cell<u64>) {
    let mut at = 0;
    for size in [1usize, 1000, 70_000, 4096, 300_000].into_iter().cycle() {
        if at == out.len() {
            break;
        }
        let end = (at + size).min(out.len());
        w.write_all(&out[at..end]).await.unwrap();
        held.set(held.get().max(send_held()));
        at = end;
    }
    w.shutdown().unwrap();
}

/// Reads to the end, checking each byte against transfer `tag`.
async fn check_in(tag: u8, r: &mut net::tcp::ReadHalf<'_>) -> usize {
    let mut got = 0;
    let mut buf = vec![0; 100_000];
    loop {
        let n = r.read(&mut buf).await.unwrap();
        if n == 0 {
            return got;
        }
        if let Some(k) = (0..n).find(|&k| buf[k] != pattern(tag, got + k)) {
            panic!("byte {} is wrong", got + k);
        }
        got += n;
    }
}

/// 32 MiB each way at once between two runtime streams, in chunks of
/// several sizes, checked byte by byte: no byte lost, repeated or moved.
#[test]
fn uring_send_bulk_transfer_both_ways_in_order() {
    completion("uring_send::uring_send_bulk_transfer_both_ways_in_order", || {
        run(|| async {
            // 8 MiB each way: 128 send buffers' worth, and twice round the
            // 256-buffer receive ring. (32 MiB came close to the 30 s bound
            // of a debug build on a loaded 2-core machine.)
            const LEN: usize = 8 << 20;
            let (mut a, mut b) = crate::util::tcp_pair().await;
            let (out_a, out_b) = (patterned(2, LEN), patterned(3, LEN));
            let held = std::cell::Cell::new(0);
            let (mut ar, mut aw) = a.split();
            let (mut br, mut bw) = b.split();
            let (_, _, from_b, from_a) = futures::join!(
                copy_out(&out_a, &mut aw, &held),
                copy_out(&out_b, &mut bw, &held),
                check_in(3, &mut ar),
                check_in(2, &mut br),
            );
            assert_eq!((from_a, from_b), (LEN, LEN));
            if uring() {
                assert!(held.get() >= 1, "the writes went through send buffers");
            }
            until(|| send_held() == 0).await;
        });
    });
}
