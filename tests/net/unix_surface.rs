//! tokio's Unix surface: `UnixStream::peer_cred`, `UnixSocket`,
//! `UnixListener::bind_addr` and `UnixStream::connect_addr`.

use std::io;
use std::os::fd::{AsRawFd, IntoRawFd};
use std::os::unix::net::SocketAddr;

use net::{UnixDatagram, UnixListener, UnixSocket, UnixStream};

use crate::support::run;
use crate::util::{assert_nonblocking_cloexec, TempPath};

#[test]
fn peer_cred_names_this_process() {
    run(|| async {
        let (a, b) = UnixStream::pair()?;
        let meta = std::fs::metadata("/proc/self")?;
        for s in [&a, &b] {
            let cred = s.peer_cred()?;
            assert_eq!(cred.uid(), std::os::unix::fs::MetadataExt::uid(&meta));
            assert_eq!(cred.gid(), std::os::unix::fs::MetadataExt::gid(&meta));
            #[cfg(target_os = "linux")]
            assert_eq!(cred.pid(), Some(std::process::id() as i32));
        }
        // And over a listener: the accepted side sees the connecting process.
        let path = TempPath::new("cred");
        let listener = UnixListener::bind(&path)?;
        let client = UnixStream::connect(&path).await?;
        let (server, _) = listener.accept().await?;
        assert_eq!(server.peer_cred()?, client.peer_cred()?);
        io::Result::Ok(())
    })
    .unwrap();
}

#[test]
fn unix_socket_stream_listen_and_connect() {
    run(|| async {
        let path = TempPath::new("usock");
        let socket = UnixSocket::new_stream()?;
        assert_nonblocking_cloexec(&socket);
        socket.bind(&path)?;
        assert_eq!(socket.local_addr()?.as_pathname(), Some(path.as_ref()));
        assert!(socket.take_error()?.is_none());
        let listener = socket.listen(8)?;
        let mut client = UnixSocket::new_stream()?.connect(&path).await?;
        let (mut server, _) = listener.accept().await?;
        client.write_all(b"ping").await?;
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).await?;
        assert_eq!(&buf, b"ping");
        io::Result::Ok(())
    })
    .unwrap();
}

#[test]
fn unix_socket_datagram() {
    run(|| async {
        let (pa, pb) = (TempPath::new("dga"), TempPath::new("dgb"));
        let a = UnixSocket::new_datagram()?;
        a.bind(&pa)?;
        let a = a.datagram()?;
        let b = UnixSocket::new_datagram()?;
        b.bind(&pb)?;
        let b = b.datagram()?;
        a.send_to(b"hi", &pb).await?;
        let mut buf = [0u8; 4];
        let (n, from) = b.recv_from(&mut buf).await?;
        assert_eq!(&buf[..n], b"hi");
        assert_eq!(from.as_pathname(), Some(pa.as_ref()));
        io::Result::Ok(())
    })
    .unwrap();
}

#[test]
fn unix_socket_refuses_the_wrong_kind() {
    run(|| async {
        let err = UnixSocket::new_datagram()?.listen(1).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Other);
        assert!(err.to_string().contains("datagram socket"), "{err}");
        let err = UnixSocket::new_datagram()?.connect("/nonexistent").await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Other);
        let err = UnixSocket::new_stream()?.datagram().unwrap_err();
        assert!(err.to_string().contains("stream socket"), "{err}");
        // A bad path names itself.
        let err = UnixSocket::new_stream()?.connect("/nonexistent/x.sock").await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(err.to_string().contains("/nonexistent/x.sock"), "{err}");
        io::Result::Ok(())
    })
    .unwrap();
}

#[test]
fn unix_socket_fd_round_trip() {
    run(|| async {
        let socket = UnixSocket::new_datagram()?;
        let fd = socket.as_raw_fd();
        let owned = std::os::fd::OwnedFd::from(socket);
        let socket = UnixSocket::from(owned);
        assert_eq!(socket.as_raw_fd(), fd);
        let stream = UnixSocket::new_stream()?;
        let expected = stream.as_raw_fd();
        // Released on purpose: the test process keeps this one fd open.
        assert_eq!(stream.into_raw_fd(), expected);
        let _: UnixDatagram = socket.datagram()?;
        io::Result::Ok(())
    })
    .unwrap();
}

#[test]
fn bind_addr_and_connect_addr_with_a_path() {
    run(|| async {
        let path = TempPath::new("addr");
        let addr = SocketAddr::from_pathname(&path)?;
        let listener = UnixListener::bind_addr(&addr)?;
        let mut client = UnixStream::connect_addr(&addr).await?;
        let (mut server, _) = listener.accept().await?;
        client.write_all(b"x").await?;
        let mut buf = [0u8; 1];
        server.read_exact(&mut buf).await?;
        assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_ref()));
        io::Result::Ok(())
    })
    .unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn bind_addr_and_connect_addr_with_an_abstract_name() {
    use std::os::linux::net::SocketAddrExt;
    run(|| async {
        let name = format!("net-test-abs-{}", std::process::id());
        let addr = SocketAddr::from_abstract_name(name.as_bytes())?;
        let listener = UnixListener::bind_addr(&addr)?;
        let _client = UnixStream::connect_addr(&addr).await?;
        let (_server, _) = listener.accept().await?;
        assert_eq!(listener.local_addr()?.as_abstract_name(), Some(name.as_bytes()));
        io::Result::Ok(())
    })
    .unwrap();
}

#[test]
fn connect_addr_refuses_an_unnamed_address_and_names_a_missing_one() {
    run(|| async {
        let (a, _b) = std::os::unix::net::UnixStream::pair()?;
        let unnamed = a.local_addr()?;
        let err = UnixStream::connect_addr(&unnamed).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let err = UnixListener::bind_addr(&unnamed).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let missing = SocketAddr::from_pathname("/nonexistent/y.sock")?;
        let err = UnixStream::connect_addr(&missing).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(err.to_string().contains("y.sock"), "{err}");
        io::Result::Ok(())
    })
    .unwrap();
}
