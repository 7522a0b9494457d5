//! Vectored I/O on the stream types: `write_vectored` (one `sendmsg` for a
//! header and a body), `try_write_vectored`, `try_read_vectored`, and the
//! futures-io `poll_write_vectored` (issue 13).

use std::io::{self, IoSlice, IoSliceMut};

use futures::io::AsyncWriteExt;
use net::UnixStream;

use crate::support::run;
use crate::util::tcp_pair;

#[test]
fn tcp_stream_write_vectored_sends_header_and_body_in_one_call() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        let bufs = [IoSlice::new(b"HEAD\r\n"), IoSlice::new(b""), IoSlice::new(b"body")];
        // One call returns the whole length: both slices went in one sendmsg.
        assert_eq!(client.write_vectored(&bufs).await.unwrap(), 10);
        let mut got = [0u8; 10];
        server.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"HEAD\r\nbody");
    });
}

#[test]
fn tcp_stream_try_vectored_forms() {
    run(|| async {
        let (client, server) = tcp_pair().await;
        let n = client.try_write_vectored(&[IoSlice::new(b"abc"), IoSlice::new(b"defg")]).unwrap();
        assert_eq!(n, 7);
        server.readable().await.unwrap();
        let (mut first, mut second) = ([0u8; 2], [0u8; 8]);
        let mut bufs = [IoSliceMut::new(&mut first), IoSliceMut::new(&mut second)];
        let n = loop {
            match server.try_read_vectored(&mut bufs) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => server.readable().await.unwrap(),
                other => break other.unwrap(),
            }
        };
        assert_eq!(n, 7);
        assert_eq!((&first, &second[..5]), (b"ab", &b"cdefg"[..]));
    });
}

#[test]
fn unix_stream_vectored_forms_and_halves() {
    run(|| async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        assert_eq!(a.write_vectored(&[IoSlice::new(b"x"), IoSlice::new(b"yz")]).await.unwrap(), 3);
        let (read, mut write) = b.split();
        read.readable().await.unwrap();
        let mut buf = [0u8; 3];
        assert_eq!(read.try_read_vectored(&mut [IoSliceMut::new(&mut buf)]).unwrap(), 3);
        assert_eq!(&buf, b"xyz");
        assert_eq!(write.write_vectored(&[IoSlice::new(b"back")]).await.unwrap(), 4);
        assert_eq!(write.try_write_vectored(&[IoSlice::new(b"!")]).unwrap(), 1);
        let mut buf = [0u8; 5];
        a.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"back!");
        let _ = &mut b;
    });
}

#[test]
fn futures_io_write_vectored_uses_the_gather_write() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        let n = AsyncWriteExt::write_vectored(&mut client, &[IoSlice::new(b"12"), IoSlice::new(b"34")]).await.unwrap();
        assert_eq!(n, 4);
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"1234");
    });
}
