//! The `futures-io` traits on the stream types and their halves, driven by
//! runtime-agnostic code from the `futures` crate.

use futures::io::{copy, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use net::UnixStream;

use crate::support::run;
use crate::util::tcp_pair;

#[test]
fn tcp_stream_read_to_end_with_futures_io() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        let data: Vec<u8> = (0..(1 << 20)).map(|i| (i % 241) as u8).collect();
        let expected = data.clone();
        let writer = runtime::spawn(async move {
            AsyncWriteExt::write_all(&mut client, &data).await.unwrap();
            client.flush().await.unwrap();
            client.close().await.unwrap();
        });
        let mut got = Vec::new();
        AsyncReadExt::read_to_end(&mut server, &mut got).await.unwrap();
        assert!(got == expected);
        writer.await.unwrap();
    });
}

#[test]
fn tcp_stream_buf_reader_read_line() {
    run(|| async {
        let (mut client, server) = tcp_pair().await;
        AsyncWriteExt::write_all(&mut client, b"first line\nsecond line\nrest").await.unwrap();
        AsyncWriteExt::close(&mut client).await.unwrap();
        let mut reader = BufReader::new(server);
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        assert_eq!(line, "first line\n");
        let lines: Vec<String> = futures::TryStreamExt::try_collect(reader.lines()).await.unwrap();
        assert_eq!(lines, ["second line", "rest"]);
    });
}

#[test]
fn tcp_stream_halves_echo_with_futures_io_copy() {
    run(|| async {
        let (client, mut server) = tcp_pair().await;
        // An echo server made of futures' `copy` between the two halves.
        let echo = runtime::spawn(async move {
            // Not `server.split()`: with `AsyncReadExt` in scope that is
            // futures' by-value `split`, which takes precedence.
            let (mut rd, mut wr) = net::TcpStream::split(&mut server);
            let n = copy(&mut rd, &mut wr).await.unwrap();
            AsyncWriteExt::close(&mut wr).await.unwrap();
            n
        });
        let (mut rd, mut wr) = client.into_split();
        let data: Vec<u8> = (0..(2 << 20)).map(|i| (i % 239) as u8).collect();
        let expected = data.clone();
        let writer = runtime::spawn(async move {
            AsyncWriteExt::write_all(&mut wr, &data).await.unwrap();
            AsyncWriteExt::close(&mut wr).await.unwrap();
            wr
        });
        let mut got = Vec::new();
        AsyncReadExt::read_to_end(&mut rd, &mut got).await.unwrap();
        assert!(got == expected);
        assert_eq!(echo.await.unwrap(), expected.len() as u64);
        rd.reunite(writer.await.unwrap()).unwrap();
    });
}

#[test]
fn unix_stream_futures_io_copy_and_halves() {
    run(|| async {
        let (mut a, b) = UnixStream::pair().unwrap();
        let mut sink = futures::io::Cursor::new(Vec::new());
        let reader = runtime::spawn(async move {
            let (mut rd, _wr) = b.into_split();
            copy(&mut rd, &mut sink).await.unwrap();
            sink.into_inner()
        });
        AsyncWriteExt::write_all(&mut a, b"unix bytes").await.unwrap();
        {
            let (_rd, mut wr) = UnixStream::split(&mut a);
            AsyncWriteExt::write_all(&mut wr, b" and more").await.unwrap();
        }
        AsyncWriteExt::close(&mut a).await.unwrap();
        assert_eq!(reader.await.unwrap(), b"unix bytes and more");
    });
}
