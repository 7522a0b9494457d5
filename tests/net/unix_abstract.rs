//! Abstract Unix socket names (issue 15, defect 4): on Linux and Android a
//! path whose first byte is NUL names a socket with no file, as in tokio;
//! elsewhere it is refused with a clear error.

use std::io;

use net::{UnixDatagram, UnixListener, UnixStream};

use crate::support::run;

/// A name no other test (or process) uses: the pid and a label.
fn abstract_name(label: &str) -> String {
    format!("\0runtime-test-{}-{label}", std::process::id())
}

#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn unix_listener_binds_and_connects_to_an_abstract_name() {
    use std::os::linux::net::SocketAddrExt;
    run(|| async {
        let name = abstract_name("stream");
        let listener = UnixListener::bind(&name).unwrap();
        let local = listener.local_addr().unwrap();
        assert_eq!(local.as_abstract_name(), Some(&name.as_bytes()[1..]));
        assert_eq!(local.as_pathname(), None);
        let mut client = UnixStream::connect(&name).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        client.write_all(b"abstract").await.unwrap();
        let mut buf = [0; 8];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"abstract");
        // No file was made, and the name is taken while the listener lives.
        assert!(!std::path::Path::new(&name[1..]).exists());
        let again = UnixListener::bind(&name).unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::AddrInUse, "{again}");
        drop(listener);
        // Gone with its last fd: the name is free again.
        UnixListener::bind(&name).unwrap();
    });
}

#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn unix_datagram_binds_connects_and_sends_to_an_abstract_name() {
    use std::os::linux::net::SocketAddrExt;
    run(|| async {
        let (a_name, b_name) = (abstract_name("dgram-a"), abstract_name("dgram-b"));
        let a = UnixDatagram::bind(&a_name).unwrap();
        let b = UnixDatagram::bind(&b_name).unwrap();
        assert_eq!(b.local_addr().unwrap().as_abstract_name(), Some(&b_name.as_bytes()[1..]));
        a.send_to(b"to b", &b_name).await.unwrap();
        let mut buf = [0; 8];
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"to b");
        assert_eq!(from.as_abstract_name(), Some(&a_name.as_bytes()[1..]));
        b.connect(&a_name).unwrap();
        b.send(b"back").await.unwrap();
        let n = a.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"back");
        // An abstract name nobody bound: refused, and the message names it.
        let err = a.send_to(b"x", abstract_name("nobody")).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused, "{err}");
        let err = b.connect(abstract_name("nobody")).unwrap_err();
        assert!(err.to_string().contains("nobody"), "{err}");
    });
}

#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn unix_abstract_name_too_long_is_refused() {
    run(|| async {
        // The longest name fits: its leading NUL and 107 bytes fill `sun_path`.
        let longest = format!("\0{}-{}", std::process::id(), "n".repeat(120));
        let longest = &longest[..108];
        let listener = UnixListener::bind(longest).unwrap();
        drop(UnixStream::connect(longest).await.unwrap());
        drop(listener);
        let name = format!("\0{}", "n".repeat(200));
        let err = UnixListener::bind(&name).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("longer than"), "{err}");
        let err = UnixDatagram::unbound().unwrap().send_to(b"x", &name).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
    });
}

/// A NUL after the first byte is never a name, on any OS.
#[test]
fn unix_path_with_an_interior_nul_is_refused_clearly() {
    run(|| async {
        for path in ["/tmp/a\0b", "\0"] {
            if path == "\0" && cfg!(any(target_os = "linux", target_os = "android")) {
                continue; // the empty abstract name: Linux autobinds, a valid request
            }
            let err = UnixListener::bind(path).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
            assert!(err.to_string().contains("NUL byte"), "{err}");
            let err = UnixStream::connect(path).await.unwrap_err();
            assert!(err.to_string().contains("NUL byte"), "{err}");
            let err = UnixDatagram::unbound().unwrap().connect(path).unwrap_err();
            assert!(err.to_string().contains("NUL byte"), "{err}");
        }
    });
}
