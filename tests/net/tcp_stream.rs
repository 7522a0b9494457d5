//! `TcpStream`: connect, every read and write method, readiness, options,
//! addresses, std conversion (the halves are in `tcp_split.rs`).

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr};
use std::time::Duration;

use net::{TcpListener, TcpStream};
use runtime::time::{sleep, timeout};

use crate::support::run;
use crate::util::{assert_nonblocking_cloexec, tcp_pair};

/// A pattern that shows where a byte went missing.
pub(crate) fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[test]
fn tcp_stream_connect_is_nonblocking_and_cloexec() {
    run(|| async {
        let (client, server) = tcp_pair().await;
        assert_nonblocking_cloexec(&client);
        assert_nonblocking_cloexec(&server);
    });
}

#[test]
fn tcp_stream_connect_takes_every_address_form() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let port = addr.port();
        let s = format!("127.0.0.1:{port}");
        let streams = [
            TcpStream::connect(addr).await,
            TcpStream::connect(s.as_str()).await,
            TcpStream::connect(s.clone()).await,
            TcpStream::connect(&s).await,
            TcpStream::connect(("127.0.0.1", port)).await,
            TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await,
            TcpStream::connect([addr]).await,
            TcpStream::connect(&[addr][..]).await,
        ];
        for stream in streams {
            assert_eq!(stream.unwrap().peer_addr().unwrap(), addr);
        }
    });
}

#[test]
fn tcp_stream_connects_over_ipv6() {
    run(|| async {
        let Ok(listener) = TcpListener::bind("[::1]:0").await else {
            eprintln!("no IPv6 loopback here; skipping");
            return;
        };
        let addr = listener.local_addr().unwrap();
        let client = TcpStream::connect(addr).await.unwrap();
        let (server, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        assert_eq!(server.local_addr().unwrap(), addr);
        assert!(peer.is_ipv6());
    });
}

#[test]
fn tcp_stream_read_write_round_trip() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        assert_eq!(client.write(b"hello").await.unwrap(), 5);
        let mut buf = [0; 16];
        let n = server.read(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"hello");
        server.write_all(b"world").await.unwrap();
        client.read_exact(&mut buf[..5]).await.unwrap();
        assert_eq!(&buf[..5], b"world");
        assert_eq!(client.read(&mut []).await.unwrap(), 0, "an empty buffer reads nothing");
    });
}

#[test]
fn tcp_stream_read_waits_for_data() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        let reader = runtime::spawn(async move {
            let mut buf = [0; 8];
            let n = server.read(&mut buf).await.unwrap();
            buf[..n].to_vec()
        });
        sleep(Duration::from_millis(20)).await;
        assert!(!reader.is_finished());
        client.write_all(b"late").await.unwrap();
        assert_eq!(reader.await.unwrap(), b"late");
    });
}

#[test]
fn tcp_stream_write_all_and_read_exact_move_8_mib() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        let data = pattern(8 << 20);
        let expected = data.clone();
        let writer = runtime::spawn(async move {
            client.write_all(&data).await.unwrap();
            client
        });
        let mut got = vec![0; expected.len()];
        server.read_exact(&mut got).await.unwrap();
        assert!(got == expected, "the bytes differ");
        drop(writer.await.unwrap());
        assert_eq!(server.read(&mut [0; 8]).await.unwrap(), 0);
    });
}

#[test]
fn tcp_stream_read_exact_reports_unexpected_eof() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        client.write_all(b"abc").await.unwrap();
        drop(client);
        let mut buf = [0; 10];
        let err = server.read_exact(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(&buf[..3], b"abc");
    });
}

#[test]
fn tcp_stream_peek_leaves_the_data() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        client.write_all(b"peek").await.unwrap();
        let mut buf = [0; 16];
        let mut n = 0;
        while n < 4 {
            n = server.peek(&mut buf).await.unwrap();
        }
        assert_eq!(&buf[..n], b"peek");
        let n = server.read(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"peek");
    });
}

#[test]
fn tcp_stream_shutdown_write_half_closes() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        client.write_all(b"last words").await.unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        let mut got = Vec::new();
        let mut buf = [0; 4];
        loop {
            match server.read(&mut buf).await.unwrap() {
                0 => break,
                n => got.extend_from_slice(&buf[..n]),
            }
        }
        assert_eq!(got, b"last words");
        assert_eq!(server.read(&mut buf).await.unwrap(), 0, "end of stream stays");
        // The other direction still works.
        server.write_all(b"reply").await.unwrap();
        let mut reply = [0; 5];
        client.read_exact(&mut reply).await.unwrap();
        assert_eq!(&reply, b"reply");
    });
}

/// Data and FIN that arrive in one go: the short read clears read readiness,
/// and the end of stream must still be seen (not wait for an edge that
/// already came).
#[test]
fn tcp_stream_read_sees_eof_that_arrived_with_the_data() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        let mut buf = [0; 1024];
        let err = server.try_read(&mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        client.write_all(b"abc").await.unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        sleep(Duration::from_millis(20)).await;
        server.readable().await.unwrap();
        assert_eq!(server.read(&mut buf).await.unwrap(), 3);
        let eof = timeout(Duration::from_secs(5), server.read(&mut buf)).await;
        assert_eq!(eof.expect("read after a short read hung").unwrap(), 0);
    });
}

#[test]
fn tcp_stream_try_read_and_readable() {
    run(|| async {
        let (mut client, server) = tcp_pair().await;
        let mut buf = [0; 16];
        let err = server.try_read(&mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        let writer = runtime::spawn(async move {
            sleep(Duration::from_millis(10)).await;
            client.write_all(b"ready").await.unwrap();
            client
        });
        let n = loop {
            server.readable().await.unwrap();
            match server.try_read(&mut buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => panic!("{e}"),
            }
        };
        assert_eq!(&buf[..n], b"ready");
        drop(writer.await.unwrap());
    });
}

#[test]
fn tcp_stream_try_write_and_writable() {
    run(|| async {
        let (client, mut server) = tcp_pair().await;
        assert_eq!(client.try_write(b"x").unwrap(), 1);
        let chunk = vec![7u8; 64 << 10];
        let mut written = 1;
        loop {
            match client.try_write(&chunk) {
                Ok(n) => written += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("{e}"),
            }
        }
        let reader = runtime::spawn(async move {
            let mut buf = vec![0; 64 << 10];
            let mut total = 0;
            while total < written {
                total += server.read(&mut buf).await.unwrap();
            }
            server
        });
        client.writable().await.unwrap();
        loop {
            match client.try_write(b"more") {
                Ok(n) => break assert!(n > 0),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => client.writable().await.unwrap(),
                Err(e) => panic!("{e}"),
            }
        }
        drop(reader.await.unwrap());
    });
}

#[test]
fn tcp_stream_addresses_options_and_debug() {
    run(|| async {
        let (client, server) = tcp_pair().await;
        assert_eq!(client.local_addr().unwrap(), server.peer_addr().unwrap());
        assert_eq!(client.peer_addr().unwrap(), server.local_addr().unwrap());
        client.set_nodelay(true).unwrap();
        assert!(client.nodelay().unwrap());
        client.set_nodelay(false).unwrap();
        assert!(!client.nodelay().unwrap());
        assert!(client.take_error().unwrap().is_none());
        let debug = format!("{client:?}");
        assert!(debug.contains("TcpStream") && debug.contains("127.0.0.1"), "{debug}");
    });
}

#[test]
fn tcp_stream_from_std_and_into_std() {
    run(|| async {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let std_client = std::net::TcpStream::connect(addr).unwrap();
        let (mut std_server, _) = listener.accept().unwrap();
        let mut client = TcpStream::from_std(std_client).unwrap();
        assert_nonblocking_cloexec(&client);
        client.write_all(b"async").await.unwrap();
        // On io_uring in completion mode the bytes wait for the next wait's
        // submission: flush before blocking this thread on the peer.
        futures::AsyncWriteExt::flush(&mut client).await.unwrap();
        let mut buf = [0; 5];
        std_server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"async");
        let back = client.into_std().unwrap();
        back.set_nonblocking(false).unwrap();
        (&back).write_all(b"sync!").unwrap();
        std_server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"sync!");
    });
}
