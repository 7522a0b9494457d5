//! A bulk reader in completion mode on the io_uring driver (`docs/URING.md`,
//! "Bulk reads"): a read takes every byte the socket holds, as `read(2)`
//! does on the readiness drivers, not one ring buffer per wait.
//!
//! The case it guards: `copy_bidirectional::blocking_one_side_does_not_block_other`
//! with completion reads took 21 s instead of 1.3 s. Each wait delivered one
//! 16 KiB buffer, so `read_to_end` (futures') returned `Pending` once per
//! buffer, and it zeroes its whole spare capacity after every `Pending`:
//! quadratic in the bytes read.
#![allow(unsafe_code)] // TIOCOUTQ and SO_RCVBUF, which std does not offer

use std::io::Write;
use std::os::fd::AsRawFd;

use futures::FutureExt;

use crate::support::{isolated_with_env, run};
use crate::uring_completion::{held, switched_pair, until, uring};

/// Bytes the client sends: more than the 4 ring buffers a connection may
/// hold (64 KiB), and less than the server's receive buffer takes.
const TOTAL: usize = 192 << 10;

/// Bytes queued in `fd`'s send queue, sent or not, not yet acknowledged.
fn outq(fd: &impl AsRawFd) -> i32 {
    let mut n: libc::c_int = 0;
    // SAFETY: TIOCOUTQ writes one int through the pointer, which is live.
    let r = unsafe { libc::ioctl(fd.as_raw_fd(), libc::TIOCOUTQ, &mut n) };
    assert_eq!(r, 0, "TIOCOUTQ: {}", std::io::Error::last_os_error());
    n
}

#[test]
fn uring_bulk_read_takes_every_byte_the_socket_holds() {
    let test = "uring_bulk_read::uring_bulk_read_takes_every_byte_the_socket_holds";
    isolated_with_env(test, &[("RUNTIME_URING_COMPLETION", "1")], || {
        run(|| async {
            let (mut server, client) = switched_pair().await;
            let size: libc::c_int = 1 << 20;
            // SAFETY: passes a live int and its size.
            let r = unsafe {
                libc::setsockopt(
                    server.as_raw_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_RCVBUF,
                    (&size as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
            assert_eq!(r, 0);
            let writer = std::thread::spawn(move || {
                (&client).write_all(&vec![5u8; TOTAL]).unwrap();
                client
            });
            // Every byte is in the server's kernel: acknowledged, and (on
            // io_uring) the recvs stopped at the 4 buffers a connection holds.
            until(|| writer.is_finished()).await;
            let client = writer.join().unwrap();
            until(|| outq(&client) == 0 && (!uring() || held() == 4)).await;

            let mut buf = vec![0u8; 1 << 20];
            let n = server.read(&mut buf).await.unwrap();
            assert_eq!(n, TOTAL, "one read takes all the socket holds");
            assert!(buf[..n].iter().all(|&b| b == 5));
            if uring() {
                assert_eq!(held(), 0);
            }
            // The recv queued behind that read still serves the stream.
            (&client).write_all(b"more").unwrap();
            let mut more = [0; 4];
            server.read_exact(&mut more).await.unwrap();
            assert_eq!(&more, b"more");
            drop(client);
            assert_eq!(server.read(&mut buf).await.unwrap(), 0);
        });
    });
}

/// The same through `read_to_end`, the reader of the stalled test: a bulk
/// transfer arrives whole and in order.
#[test]
fn uring_bulk_read_to_end_gets_a_bulk_transfer_in_order() {
    let test = "uring_bulk_read::uring_bulk_read_to_end_gets_a_bulk_transfer_in_order";
    isolated_with_env(test, &[("RUNTIME_URING_COMPLETION", "1")], || {
        run(|| async {
            let (mut server, client) = switched_pair().await;
            const BULK: usize = 32 << 20;
            let writer = std::thread::spawn(move || {
                let data: Vec<u8> = (0..BULK).map(|i| (i % 251) as u8).collect();
                (&client).write_all(&data).unwrap();
            });
            let mut all = Vec::new();
            futures::AsyncReadExt::read_to_end(&mut server, &mut all).await.unwrap();
            runtime::spawn_blocking(move || writer.join().unwrap()).await.unwrap();
            assert_eq!(all.len(), BULK);
            assert!(all.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8), "in order");
        });
    });
}

/// `RUNTIME_URING_COMPLETION=0` turns completion mode off: the stream reads
/// in readiness mode (no ring buffer ever held), and reads as before.
#[test]
fn uring_completion_switch_0_keeps_readiness_mode() {
    let test = "uring_bulk_read::uring_completion_switch_0_keeps_readiness_mode";
    isolated_with_env(test, &[("RUNTIME_URING_COMPLETION", "0")], || {
        run(|| async {
            let (mut server, mut client) = switched_pair().await;
            let mut buf = [0; 5];
            // Nothing to read: this clears read readiness.
            assert!(server.read(&mut buf).now_or_never().is_none());
            client.write_all(b"ready").unwrap();
            server.readable().await.unwrap();
            uring();
            // In completion mode the bytes would wait in a ring buffer now.
            assert_eq!(held(), 0, "{:?}", runtime::metrics());
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"ready");
        });
    });
}
