//! tokio's `pair_starts_writable` (uds_stream.rs and uds_datagram.rs),
//! ported with every assertion kept: a fresh pair is writable at once (its
//! buffers are empty), but not readable until the peer sends. A readiness
//! query never reports the guess a fresh registration makes for its first
//! operation.

use std::future::poll_fn;
use std::io;
use std::task::Poll;

use futures::FutureExt;
use net::{UnixDatagram, UnixStream};

use crate::support::run;

#[test]
fn stream_pair_starts_writable() {
    run(|| async {
        let (a, mut b) = UnixStream::pair()?;

        // Nothing has polled the driver since `pair()`.
        assert!(matches!(a.writable().now_or_never(), Some(Ok(()))));
        assert_eq!(a.try_write(b"hi")?, 2);
        assert!(matches!(b.write_all(b"yo").now_or_never(), Some(Ok(()))));

        let (c, _d) = UnixStream::pair()?;
        assert!(c.readable().now_or_never().is_none(), "nothing was written: not readable");
        assert_eq!(c.try_read(&mut [0u8; 1]).unwrap_err().kind(), io::ErrorKind::WouldBlock);

        // The peer's bytes still arrive through the normal event path.
        a.readable().await?;
        assert_eq!(a.try_read(&mut [0u8; 8])?, 2);
        io::Result::Ok(())
    })
    .unwrap();
}

#[test]
fn datagram_pair_starts_writable() {
    run(|| async {
        let (a, b) = UnixDatagram::pair()?;

        // Nothing has polled the driver since `pair()`.
        assert!(poll_fn(|cx| Poll::Ready(a.poll_send_ready(cx))).await.is_ready());
        a.try_send(b"hi")?;
        b.try_send(b"yo")?;

        let (c, _d) = UnixDatagram::pair()?;
        assert!(poll_fn(|cx| Poll::Ready(c.poll_recv_ready(cx))).await.is_pending());
        assert_eq!(c.try_recv(&mut [0u8; 1]).unwrap_err().kind(), io::ErrorKind::WouldBlock);

        // The peer's datagram still arrives through the normal event path.
        a.readable().await?;
        let mut buf = [0u8; 8];
        assert_eq!(a.try_recv(&mut buf)?, 2);
        assert_eq!(&buf[..2], b"yo");
        io::Result::Ok(())
    })
    .unwrap();
}

/// The readiness queries of a fresh pair, every one of them, before and
/// after a driver turn: readable only once the peer has sent.
#[test]
fn fresh_pair_queries_report_only_what_the_driver_said() {
    run(|| async {
        let (a, b) = UnixStream::pair()?;
        let both = net::Interest::READABLE | net::Interest::WRITABLE;
        assert_eq!(a.ready(both).now_or_never().unwrap()?, net::Ready::WRITABLE);
        assert!(poll_fn(|cx| Poll::Ready(a.poll_read_ready(cx))).await.is_pending());
        runtime::task::yield_now().await;
        assert!(a.readable().now_or_never().is_none(), "still nothing to read after a turn");
        b.try_write(b"x")?;
        let ready = a.ready(net::Interest::READABLE).await?;
        assert!(ready.is_readable());
        io::Result::Ok(())
    })
    .unwrap();
}

/// Operations still try the system call at once on a fresh socket (the
/// guess), and `WouldBlock` ends the guess.
#[test]
fn fresh_socket_operations_try_at_once() {
    run(|| async {
        let (a, b) = std::os::unix::net::UnixStream::pair()?;
        (&b).write_all_std(b"early")?;
        let a = UnixStream::from_std(a)?;
        assert!(a.readable().now_or_never().is_none(), "a query waits for the driver");
        let mut buf = [0u8; 8];
        assert_eq!(a.try_read(&mut buf)?, 5, "an operation tries the socket at once");
        assert_eq!(a.try_read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        assert!(a.readable().now_or_never().is_none());
        io::Result::Ok(())
    })
    .unwrap();
}

trait WriteAllStd {
    fn write_all_std(self, buf: &[u8]) -> io::Result<()>;
}

impl WriteAllStd for &std::os::unix::net::UnixStream {
    fn write_all_std(self, buf: &[u8]) -> io::Result<()> {
        io::Write::write_all(&mut { self }, buf)
    }
}
