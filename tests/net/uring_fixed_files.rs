//! Registered (fixed) files of completion mode on the io_uring driver
//! (`docs/URING.md`, "Fixed files"): a switched stream takes a slot of the
//! ring's file table, its recvs and sends name the slot, and the slot is
//! cleared when the stream goes (the table holds a reference to the file:
//! without the clear, a dropped stream would never close). A full table
//! and `RUNTIME_URING_FIXED_FILES=0` leave streams on their plain fds.
//!
//! The table is read where the kernel shows it, `/proc/self/fdinfo` of the
//! ring's fd (`UserFiles:` and a line per occupied slot naming its file).
//! Each test runs alone in a child process; every test runs on every driver,
//! the table's assertions only where the driver is io_uring.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::time::Duration;

use futures::{AsyncWriteExt, FutureExt};
use net::{TcpListener, TcpStream};

use crate::support::{isolated_with_env, run};
use crate::uring_completion::{switched_pair, until, uring};

fn fixed_test(test: &str, env: &[(&str, &str)], body: impl FnOnce()) {
    let mut all = vec![("RUNTIME_URING_COMPLETION", "1")];
    all.extend_from_slice(env);
    isolated_with_env(&format!("uring_fixed_files::{test}"), &all, body);
}

/// The files in the io_uring instances' registered tables (each as the
/// kernel names it, `socket:[inode]`), and the tables' sizes.
fn table() -> (Vec<String>, u32) {
    let (mut files, mut size) = (Vec::new(), 0);
    for entry in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        let is_ring = std::fs::read_link(entry.path()).is_ok_and(|l| l.to_string_lossy() == "anon_inode:[io_uring]");
        let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{}", entry.file_name().to_string_lossy()));
        let Some(info) = info.ok().filter(|_| is_ring) else { continue };
        let mut in_files = false;
        for line in info.lines() {
            if let Some(n) = line.strip_prefix("UserFiles:") {
                size += n.trim().parse::<u32>().unwrap();
                in_files = true;
            } else if in_files && line.trim_start().split(':').next().is_some_and(|i| i.parse::<u32>().is_ok()) {
                files.push(line.split_once(": ").map_or("", |(_, f)| f).trim().to_owned());
            } else {
                in_files = false;
            }
        }
    }
    (files, size)
}

/// How the kernel names `fd`'s file (`socket:[inode]`).
fn name(fd: &impl AsRawFd) -> String {
    std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())).unwrap().to_string_lossy().into_owned()
}

async fn echo_once(server: &mut TcpStream, client: &mut std::net::TcpStream, i: u32) {
    client.write_all(&i.to_le_bytes()).unwrap();
    let mut b = [0; 4];
    server.read_exact(&mut b).await.unwrap();
    server.write_all(&b).await.unwrap();
    server.flush().await.unwrap();
    let mut back = [0; 4];
    client.read_exact(&mut back).unwrap();
    assert_eq!(u32::from_le_bytes(back), i);
}

/// A switched stream's file is in the table while it lives; dropped, its
/// slot is cleared and the socket closes at once (the client reads the end,
/// where a table still holding the file would leave it open).
#[test]
fn uring_fixed_files_a_stream_holds_a_slot_until_it_is_dropped() {
    fixed_test("uring_fixed_files_a_stream_holds_a_slot_until_it_is_dropped", &[], || {
        run(|| async {
            let (mut server, mut client) = switched_pair().await;
            for i in 0..20 {
                echo_once(&mut server, &mut client, i).await;
            }
            if uring() {
                assert_eq!(table().0, vec![name(&server)], "the stream's socket is in the table");
            }
            drop(server);
            let mut buf = [0; 8];
            assert_eq!(client.read(&mut buf).unwrap(), 0, "closed: the client sees the end");
            assert_eq!(table().0, Vec::<String>::new(), "its slot is cleared");
        });
    });
}

/// A table of 4 slots and 10 streams: 4 take slots, 6 use their plain fds;
/// all 10 exchange in order, all close when dropped, and a slot given back
/// is taken by the next stream.
#[test]
fn uring_fixed_files_more_streams_than_slots() {
    fixed_test("uring_fixed_files_more_streams_than_slots", &[("RUNTIME_URING_FIXED_FILES", "4")], || {
        run(|| async {
            let mut pairs = Vec::new();
            for _ in 0..10 {
                pairs.push(switched_pair().await);
            }
            if uring() {
                let (files, size) = table();
                assert_eq!(size, 4);
                let first: Vec<String> = pairs[..4].iter().map(|(s, _)| name(s)).collect();
                assert_eq!(files, first, "the first 4 streams hold the 4 slots");
            }
            for round in 0..10 {
                for (server, client) in &mut pairs {
                    echo_once(server, client, round).await;
                }
            }
            let (old, mut old_client) = pairs.remove(1);
            drop(old);
            let mut buf = [0; 8];
            assert_eq!(old_client.read(&mut buf).unwrap(), 0);
            let (mut server, mut client) = switched_pair().await;
            echo_once(&mut server, &mut client, 7).await;
            if uring() {
                assert!(table().0.contains(&name(&server)), "the freed slot is taken again");
            }
            drop(server);
            for (server, mut client) in pairs {
                drop(server);
                assert_eq!(client.read(&mut buf).unwrap(), 0);
            }
            assert_eq!(client.read(&mut buf).unwrap(), 0);
            assert_eq!(table().0, Vec::<String>::new());
        });
    });
}

/// A stream dropped with a send in the kernel (its peer not reading) goes on
/// sending through a `dup`; a new stream that gets the same fd number, and
/// the slot the old one gave back, is its own: both peers get exactly their
/// bytes, in order, and the old one the end after them.
#[test]
fn uring_fixed_files_fd_and_slot_reused_while_the_old_send_completes() {
    fixed_test("uring_fixed_files_fd_and_slot_reused_while_the_old_send_completes", &[], || {
        run(|| async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let (mut old, mut old_client) = switched_pair().await;
            let old_fd = old.as_raw_fd();
            let message: Vec<u8> = (0..4 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
            // Write until the send buffer holds bytes the peer does not take.
            let mut sent = 0;
            while sent < message.len() {
                match old.write(&message[sent..]).now_or_never() {
                    Some(n) => sent += n.unwrap(),
                    None => break,
                }
                runtime::time::sleep(Duration::from_millis(1)).await;
            }
            assert!(sent < message.len(), "the writer waits: bytes are queued, a send is in flight");
            let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
            drop(old);
            let (mut server, _) = listener.accept().await.unwrap();
            assert_eq!(server.as_raw_fd(), old_fd, "the new stream has the old one's fd number");
            let mut client = client;
            client.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            client.write_all(b"hi").unwrap();
            let mut two = [0; 2];
            server.read_exact(&mut two).await.unwrap();
            for i in 0..20 {
                echo_once(&mut server, &mut client, i).await;
            }
            if uring() {
                assert_eq!(table().0, vec![name(&server)]);
            }
            let reader = std::thread::spawn(move || {
                let mut got = Vec::new();
                old_client.read_to_end(&mut got).unwrap();
                got
            });
            until(|| reader.is_finished()).await;
            let got = reader.join().unwrap();
            assert_eq!(got.len(), sent, "every accepted byte, then the end");
            assert_eq!(got, message[..sent]);
            echo_once(&mut server, &mut client, 99).await;
        });
    });
}

/// `RUNTIME_URING_FIXED_FILES=0`: no table, streams on their plain fds,
/// the same exchanges.
#[test]
fn uring_fixed_files_switch_0_registers_no_table() {
    fixed_test("uring_fixed_files_switch_0_registers_no_table", &[("RUNTIME_URING_FIXED_FILES", "0")], || {
        run(|| async {
            let (mut server, mut client) = switched_pair().await;
            for i in 0..20 {
                echo_once(&mut server, &mut client, i).await;
            }
            assert_eq!(table(), (Vec::new(), 0), "no table");
            drop(server);
            let mut buf = [0; 8];
            assert_eq!(client.read(&mut buf).unwrap(), 0);
        });
    });
}

/// A stream switched, answered and dropped in one tick (what
/// `reuseport::two_runtimes_share_a_port_and_both_accept_some_of_200_connections`
/// does): its install, its recv and its send are still in the submission
/// queue when it deregisters. The install must still install it (the clear
/// comes after the send), so the peer gets the answer, then the end.
#[test]
fn uring_fixed_files_switched_answered_and_dropped_in_one_tick() {
    fixed_test("uring_fixed_files_switched_answered_and_dropped_in_one_tick", &[], || {
        run(|| async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            for i in 0..50u32 {
                let mut client = std::net::TcpStream::connect(addr).unwrap();
                client.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
                client.write_all(b"ping").unwrap();
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut request = [0; 4];
                stream.read_exact(&mut request).await.unwrap();
                stream.write_all(i.to_string().as_bytes()).await.unwrap();
                drop(stream);
                // Read on another thread: this one must go on to its next wait.
                let reader = std::thread::spawn(move || {
                    let mut answer = String::new();
                    client.read_to_string(&mut answer).map(|_| answer)
                });
                until(|| reader.is_finished()).await;
                let answer = reader.join().unwrap().unwrap();
                assert_eq!(answer, i.to_string(), "connection {i}: every byte, then the end");
            }
        });
    });
}
