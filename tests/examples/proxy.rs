//! `proxy` in front of `echo`: 8 MiB forwarded both ways at once, the
//! half-close passed through, and the connect and idle timeouts.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};
use std::os::fd::FromRawFd;
use std::thread;
use std::time::{Duration, Instant};

use crate::bounded;
use crate::{read_to_end_or_reset, Example};

#[test]
fn proxy_forwards_8_mib_both_ways() {
    bounded(|| {
        let echo = Example::start("echo", &["127.0.0.1:0"]);
        let proxy = Example::start("proxy", &["127.0.0.1:0", &echo.addr]);
        let mut stream = proxy.connect();
        let data: Vec<u8> = (0..8 << 20).map(|i: u32| (i % 251) as u8).collect();
        let mut writer = stream.try_clone().unwrap();
        let sent = data.clone();
        // Writing and reading at once: 8 MiB is far more than the socket
        // buffers on the way hold.
        let w = thread::spawn(move || {
            writer.write_all(&sent).unwrap();
            writer.shutdown(Shutdown::Write).unwrap();
        });
        let mut got = Vec::with_capacity(data.len());
        stream.read_to_end(&mut got).unwrap();
        w.join().unwrap();
        assert_eq!(got.len(), data.len());
        assert!(got == data, "the bytes differ");
    });
}

#[test]
fn proxy_closes_a_connection_idle_for_the_timeout() {
    bounded(|| {
        let echo = Example::start("echo", &["127.0.0.1:0"]);
        let proxy = Example::start_with_env("proxy", &["127.0.0.1:0", &echo.addr], &[("IDLE_TIMEOUT_MS", "300")]);
        let mut stream = proxy.connect();
        stream.write_all(b"ping").unwrap();
        let mut buf = [0; 4];
        stream.read_exact(&mut buf).unwrap();
        let start = Instant::now();
        assert!(read_to_end_or_reset(&mut stream).is_empty());
        assert!(start.elapsed() >= Duration::from_millis(250), "closed after {:?}", start.elapsed());
    });
}

/// A listener whose accept queue is full: the kernel drops further SYNs,
/// so a connect to it hangs. Returns it and the connection that fills it.
fn full_listener() -> (TcpListener, std::net::TcpStream) {
    // SAFETY: plain socket calls on a fd this function owns; sockaddr_in is
    // fully initialised before bind reads it.
    let listener = unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
        let mut addr: libc::sockaddr_in = std::mem::zeroed();
        addr.sin_family = libc::AF_INET as libc::sa_family_t;
        addr.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        assert_eq!(
            libc::bind(fd, (&addr as *const libc::sockaddr_in).cast(), len),
            0,
            "bind: {}",
            std::io::Error::last_os_error()
        );
        assert_eq!(libc::listen(fd, 0), 0, "listen: {}", std::io::Error::last_os_error());
        TcpListener::from_raw_fd(fd)
    };
    let filler = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    (listener, filler)
}

#[test]
fn proxy_gives_up_on_a_target_that_does_not_accept() {
    bounded(|| {
        let (target, _filler) = full_listener();
        let target = target.local_addr().unwrap().to_string();
        let proxy = Example::start_with_env("proxy", &["127.0.0.1:0", &target], &[("CONNECT_TIMEOUT_MS", "300")]);
        let mut stream = proxy.connect();
        let start = Instant::now();
        assert!(read_to_end_or_reset(&mut stream).is_empty());
        assert!(start.elapsed() >= Duration::from_millis(250), "closed after {:?}", start.elapsed());
        let deadline = Instant::now() + Duration::from_secs(5);
        while !proxy.stderr().contains("timed out") && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        assert!(proxy.stderr().contains("connect to") && proxy.stderr().contains("timed out"), "{}", proxy.stderr());
    });
}
