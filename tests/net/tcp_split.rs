//! `TcpStream`'s halves: borrowed (`split`) and owned (`into_split`,
//! `reunite`), and the stream methods they offer.

use std::io;

use crate::support::run;
use crate::tcp_stream::pattern;
use crate::util::tcp_pair;

#[test]
fn tcp_stream_split_reads_and_writes_at_once() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        // An echo peer: 4 MiB must flow both ways at once or it deadlocks.
        let echo = runtime::spawn(async move {
            let mut buf = vec![0; 64 << 10];
            loop {
                match server.read(&mut buf).await.unwrap() {
                    0 => break,
                    n => server.write_all(&buf[..n]).await.unwrap(),
                }
            }
        });
        let data = pattern(4 << 20);
        let (mut rd, mut wr) = client.split();
        assert_eq!(rd.peer_addr().unwrap(), wr.peer_addr().unwrap());
        let write = async {
            wr.write_all(&data).await.unwrap();
            wr.shutdown().unwrap();
        };
        let read = async {
            let mut got = vec![0; data.len()];
            rd.read_exact(&mut got).await.unwrap();
            got
        };
        let ((), got) = futures::join!(write, read);
        assert!(got == data, "the echo differs");
        echo.await.unwrap();
        assert_eq!(client.read(&mut [0; 1]).await.unwrap(), 0);
    });
}

#[test]
fn tcp_stream_into_split_halves_work_in_two_tasks_and_reunite() {
    run(|| async {
        let (client, mut server) = tcp_pair().await;
        let (mut rd, mut wr) = client.into_split();
        let writer = runtime::spawn(async move {
            wr.write_all(b"from the write half").await.unwrap();
            wr
        });
        let reader = runtime::spawn(async move {
            let mut buf = [0; 7];
            rd.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"answer!");
            rd
        });
        let mut buf = [0; 19];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"from the write half");
        server.write_all(b"answer!").await.unwrap();
        let (rd, wr) = (reader.await.unwrap(), writer.await.unwrap());
        let mut client = rd.reunite(wr).unwrap();
        client.write_all(b"whole").await.unwrap();
        server.read_exact(&mut buf[..5]).await.unwrap();
        assert_eq!(&buf[..5], b"whole");
    });
}

#[test]
fn tcp_stream_reunite_refuses_halves_of_two_streams() {
    run(|| async {
        let (a, _a_peer) = tcp_pair().await;
        let (b, _b_peer) = tcp_pair().await;
        let (a_rd, a_wr) = a.into_split();
        let (b_rd, b_wr) = b.into_split();
        let err = a_rd.reunite(b_wr).unwrap_err();
        assert!(err.to_string().contains("not from the same"));
        let net::tcp::ReuniteError(a_rd, b_wr) = err;
        a_rd.reunite(a_wr).unwrap();
        b_wr.reunite(b_rd).unwrap();
    });
}

#[test]
fn tcp_stream_owned_write_half_shuts_down_on_drop() {
    run(|| async {
        let (client, mut server) = tcp_pair().await;
        let (mut rd, wr) = client.into_split();
        drop(wr);
        assert_eq!(server.read(&mut [0; 4]).await.unwrap(), 0);
        server.write_all(b"still").await.unwrap();
        let mut buf = [0; 5];
        rd.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"still");
    });
}

#[test]
fn tcp_stream_halves_offer_the_stream_methods() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        let (local, peer) = (client.local_addr().unwrap(), client.peer_addr().unwrap());
        let (mut rd, mut wr) = client.split();
        assert_eq!((rd.local_addr().unwrap(), rd.peer_addr().unwrap()), (local, peer));
        assert_eq!((wr.local_addr().unwrap(), wr.peer_addr().unwrap()), (local, peer));
        let mut buf = [0; 8];
        assert_eq!(rd.try_read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        wr.writable().await.unwrap();
        assert_eq!(wr.try_write(b"ab").unwrap(), 2);
        assert_eq!(wr.write(b"cd").await.unwrap(), 2);
        server.write_all(b"xyz").await.unwrap();
        rd.readable().await.unwrap();
        let n = rd.peek(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], &b"xyz"[..n]);
        rd.read_exact(&mut buf[..3]).await.unwrap();
        server.read_exact(&mut buf[3..7]).await.unwrap();
        assert_eq!(&buf[..7], b"xyzabcd");
        let (mut rd, wr) = client.into_split();
        assert_eq!(rd.peer_addr().unwrap(), wr.peer_addr().unwrap());
        wr.shutdown().unwrap();
        assert_eq!(server.read(&mut buf).await.unwrap(), 0);
        server.write_all(b"!").await.unwrap();
        assert_eq!(rd.read(&mut buf).await.unwrap(), 1);
    });
}

/// The `split` trap: with futures' `AsyncReadExt` in scope, `stream.split()`
/// is futures' by-value split; the path and `&mut` forms are always ours
/// (the compile-fail side is a doc test on `TcpStream::split`).
#[test]
fn tcp_stream_split_path_form_beats_futures_split() {
    #[allow(unused_imports)]
    use futures::io::AsyncReadExt;
    run(|| async {
        let (mut client, _server) = tcp_pair().await;
        let (_r, _w): (net::tcp::ReadHalf<'_>, net::tcp::WriteHalf<'_>) = net::TcpStream::split(&mut client);
        // Not needless, whatever clippy says: without `&mut` this is futures' split.
        #[allow(clippy::needless_borrow)]
        let (_r, _w): (net::tcp::ReadHalf<'_>, net::tcp::WriteHalf<'_>) = (&mut client).split();
        let (mut a, _b) = net::UnixStream::pair().unwrap();
        let (_r, _w): (net::unix::ReadHalf<'_>, net::unix::WriteHalf<'_>) = net::UnixStream::split(&mut a);
        client.set_nodelay(true).unwrap();
    });
}

#[test]
fn tcp_owned_write_half_forget_keeps_the_connection_open() {
    run(|| async {
        let (client, mut server) = tcp_pair().await;
        let (mut read, write) = client.into_split();
        write.forget();
        // No FIN was sent: the server can still write and the client read,
        // and the server sees no end of stream.
        server.write_all(b"still").await.unwrap();
        let mut buf = [0u8; 5];
        let n = std::future::poll_fn(|cx| read.poll_peek(cx, &mut buf)).await.unwrap();
        assert!(n > 0);
        read.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"still");
        assert!(server.try_read(&mut buf).is_err(), "no end of stream: WouldBlock");
    });
}
