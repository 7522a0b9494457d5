//! `UnixListener`, `UnixStream` (with `pair` and its halves) and
//! `UnixDatagram`: every method, the path errors, std conversion.

use std::io;
use std::net::Shutdown;
use std::time::Duration;

use net::{UnixDatagram, UnixListener, UnixStream};
use runtime::time::sleep;

use crate::support::run;
use crate::util::{assert_nonblocking_cloexec, TempPath};

#[test]
fn unix_listener_bind_accept_connect() {
    run(|| async {
        let path = TempPath::new("listener");
        let listener = UnixListener::bind(&path).unwrap();
        assert_nonblocking_cloexec(&listener);
        let local = listener.local_addr().unwrap();
        assert_eq!(local.as_pathname(), Some(path.as_ref()));
        let mut client = UnixStream::connect(&path).await.unwrap();
        assert_nonblocking_cloexec(&client);
        let (mut server, peer) = listener.accept().await.unwrap();
        assert_nonblocking_cloexec(&server);
        assert!(peer.is_unnamed());
        assert_eq!(client.peer_addr().unwrap().as_pathname(), Some(path.as_ref()));
        assert!(server.local_addr().unwrap().as_pathname().is_some());
        client.write_all(b"over unix").await.unwrap();
        let mut buf = [0; 9];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"over unix");
        assert!(format!("{listener:?}").contains("UnixListener"));
    });
}

#[test]
fn unix_listener_accept_waits_and_poll_accept() {
    run(|| async {
        let path = TempPath::new("wait");
        let listener = UnixListener::bind(&path).unwrap();
        let p = path.as_ref().to_path_buf();
        let connector = runtime::spawn(async move {
            sleep(Duration::from_millis(20)).await;
            UnixStream::connect(p).await.unwrap()
        });
        let (_server, _) = std::future::poll_fn(|cx| listener.poll_accept(cx)).await.unwrap();
        drop(connector.await.unwrap());
    });
}

#[test]
fn unix_listener_bind_errors_name_the_path() {
    run(|| async {
        let path = TempPath::new("taken");
        let _first = UnixListener::bind(&path).unwrap();
        let err = UnixListener::bind(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        assert!(err.to_string().contains("bind to"), "{err}");
        let long = std::env::temp_dir().join("x".repeat(200));
        let err = UnixListener::bind(&long).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let err = UnixListener::bind("nul\0byte").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    });
}

#[test]
fn unix_stream_connect_to_a_missing_path_is_not_found() {
    run(|| async {
        let path = TempPath::new("missing");
        let err = UnixStream::connect(&path).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(err.to_string().contains("connect to"), "{err}");
    });
}

#[test]
fn unix_stream_pair_read_write_and_half_close() {
    run(|| async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        assert_nonblocking_cloexec(&a);
        assert_nonblocking_cloexec(&b);
        assert_eq!(a.write(b"one").await.unwrap(), 3);
        let mut buf = [0; 8];
        let n = b.read(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"one");
        a.shutdown(Shutdown::Write).unwrap();
        assert_eq!(b.read(&mut buf).await.unwrap(), 0);
        b.write_all(b"back").await.unwrap();
        a.read_exact(&mut buf[..4]).await.unwrap();
        assert_eq!(&buf[..4], b"back");
        assert!(a.take_error().unwrap().is_none());
        assert!(a.peer_addr().unwrap().is_unnamed());
        assert!(format!("{a:?}").contains("UnixStream"));
    });
}

#[test]
fn unix_stream_large_transfer_and_eof() {
    run(|| async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        let data: Vec<u8> = (0..(4 << 20)).map(|i| (i % 253) as u8).collect();
        let expected = data.clone();
        let writer = runtime::spawn(async move {
            a.write_all(&data).await.unwrap();
        });
        let mut got = vec![0; expected.len()];
        b.read_exact(&mut got).await.unwrap();
        assert!(got == expected);
        writer.await.unwrap();
        let err = b.read_exact(&mut [0; 1]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    });
}

#[test]
fn unix_stream_try_read_try_write_and_readiness() {
    run(|| async {
        let (a, b) = UnixStream::pair().unwrap();
        let mut buf = [0; 8];
        assert_eq!(b.try_read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        a.writable().await.unwrap();
        assert_eq!(a.try_write(b"try").unwrap(), 3);
        let n = loop {
            b.readable().await.unwrap();
            match b.try_read(&mut buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => panic!("{e}"),
            }
        };
        assert_eq!(&buf[..n], b"try");
    });
}

#[test]
fn unix_stream_split_and_into_split() {
    run(|| async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        b.write_all(b"ok").await.unwrap();
        {
            let (mut rd, mut wr) = a.split();
            let (w, r) = futures::join!(wr.write_all(b"split"), async {
                let mut buf = [0; 2];
                rd.read_exact(&mut buf).await.map(|()| buf)
            });
            w.unwrap();
            assert_eq!(&r.unwrap(), b"ok");
        }
        let mut buf = [0; 5];
        b.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"split");

        let (mut rd, mut wr) = a.into_split();
        let reader = runtime::spawn(async move {
            let mut buf = [0; 4];
            rd.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"task");
            rd
        });
        b.write_all(b"task").await.unwrap();
        wr.write_all(b"half").await.unwrap();
        b.read_exact(&mut buf[..4]).await.unwrap();
        assert_eq!(&buf[..4], b"half");
        let rd = reader.await.unwrap();
        let whole = rd.reunite(wr).unwrap();
        drop(whole);
        assert_eq!(b.read(&mut buf).await.unwrap(), 0);
    });
}

#[test]
fn unix_stream_from_std_and_into_std() {
    run(|| async {
        let (std_a, std_b) = std::os::unix::net::UnixStream::pair().unwrap();
        let mut a = UnixStream::from_std(std_a).unwrap();
        assert_nonblocking_cloexec(&a);
        a.write_all(b"std").await.unwrap();
        let mut buf = [0; 3];
        io::Read::read_exact(&mut &std_b, &mut buf).unwrap();
        assert_eq!(&buf, b"std");
        let back = a.into_std().unwrap();
        assert!(back.peer_addr().unwrap().is_unnamed());
    });
}

#[test]
fn unix_datagram_bind_send_to_recv_from() {
    run(|| async {
        let (pa, pb) = (TempPath::new("dg-a"), TempPath::new("dg-b"));
        let a = UnixDatagram::bind(&pa).unwrap();
        let b = UnixDatagram::bind(&pb).unwrap();
        assert_nonblocking_cloexec(&a);
        assert_eq!(a.send_to(b"to b", &pb).await.unwrap(), 4);
        let mut buf = [0; 16];
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"to b");
        assert_eq!(from.as_pathname(), Some(pa.as_ref()));
        assert_eq!(a.local_addr().unwrap().as_pathname(), Some(pa.as_ref()));
        let err = UnixDatagram::bind(&pa).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    });
}

#[test]
fn unix_datagram_unbound_connect_send_recv() {
    run(|| async {
        let path = TempPath::new("dg-server");
        let server = UnixDatagram::bind(&path).unwrap();
        let client = UnixDatagram::unbound().unwrap();
        assert_nonblocking_cloexec(&client);
        client.connect(&path).unwrap();
        assert_eq!(client.peer_addr().unwrap().as_pathname(), Some(path.as_ref()));
        client.send(b"hello").await.unwrap();
        let mut buf = [0; 16];
        let (n, from) = server.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"hello");
        assert!(from.is_unnamed());
        let missing = TempPath::new("dg-missing");
        let err = client.connect(&missing).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(err.to_string().contains("connect to"), "{err}");
    });
}

#[test]
fn unix_datagram_pair_try_and_readiness() {
    run(|| async {
        let (a, b) = UnixDatagram::pair().unwrap();
        assert_nonblocking_cloexec(&a);
        assert_nonblocking_cloexec(&b);
        let mut buf = [0; 16];
        assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        let receiver = runtime::spawn(async move {
            let mut buf = [0; 16];
            let n = b.recv(&mut buf).await.unwrap();
            b.readable().await.unwrap();
            (buf[..n].to_vec(), b)
        });
        sleep(Duration::from_millis(10)).await;
        a.writable().await.unwrap();
        a.send(b"first").await.unwrap();
        a.try_send(b"second").unwrap();
        let (first, b) = receiver.await.unwrap();
        assert_eq!(first, b"first");
        let n = b.try_recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"second");
        a.shutdown(Shutdown::Both).unwrap();
        assert!(a.take_error().unwrap().is_none());
        let std_b = b.into_std().unwrap();
        let again = UnixDatagram::from_std(std_b).unwrap();
        assert_nonblocking_cloexec(&again);
        assert!(format!("{again:?}").contains("UnixDatagram"));
    });
}

#[test]
fn unix_listener_from_std_and_into_std() {
    run(|| async {
        let path = TempPath::new("std-listener");
        let listener = UnixListener::from_std(std::os::unix::net::UnixListener::bind(&path).unwrap()).unwrap();
        assert_nonblocking_cloexec(&listener);
        let _client = UnixStream::connect(&path).await.unwrap();
        listener.accept().await.unwrap();
        let back = listener.into_std().unwrap();
        assert_eq!(back.local_addr().unwrap().as_pathname(), Some(path.as_ref()));
    });
}
