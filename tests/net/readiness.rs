//! `ready(Interest)`, `poll_read_ready`/`poll_write_ready` on the stream
//! types, the cooperative-budget rule for readiness checks, and `shutdown`
//! after the peer reset the connection (issue 13).

use std::future::{poll_fn, Future};
use std::io;
use std::net::Shutdown;
use std::pin::pin;
use std::task::Poll;

use futures::io::AsyncWriteExt;
use net::{Interest, Ready, TcpStream, UnixStream};

use crate::support::run;
use crate::util::{raw_shutdown, tcp_pair};

/// Empties `stream`'s read readiness: a `try_read` that says `WouldBlock`.
fn drain(stream: &TcpStream) {
    let mut buf = [0u8; 4096];
    loop {
        match stream.try_read(&mut buf) {
            Ok(0) => panic!("unexpected end of stream"),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
            Err(e) => panic!("try_read: {e}"),
        }
    }
}

#[test]
fn tcp_stream_ready_reports_the_states_asked_for() {
    run(|| async {
        let (client, server) = tcp_pair().await;
        let ready = client.ready(Interest::WRITABLE).await.unwrap();
        assert!(ready.is_writable() && !ready.is_readable(), "{ready:?}");
        drain(&server);
        assert!(futures::poll!(pin!(server.ready(Interest::READABLE))).is_pending());
        client.try_write(b"data").unwrap();
        let ready = server.ready(Interest::READABLE).await.unwrap();
        assert!(ready.is_readable() && !ready.is_writable(), "{ready:?}");
        assert!(!ready.is_read_closed());
        let both = server.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap();
        assert!(both.is_readable() && both.is_writable(), "{both:?}");
        client.shutdown(Shutdown::Write).unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(server.try_read(&mut buf).unwrap(), 4);
        // The end of stream shows as READ_CLOSED once the driver reports it
        // (yielding lets the executor turn the reactor).
        while !server.ready(Interest::READABLE).await.unwrap().is_read_closed() {
            runtime::task::yield_now().await;
        }
        assert_eq!(server.try_read(&mut buf).unwrap(), 0);
    });
}

#[test]
fn unix_stream_ready_and_poll_ready() {
    run(|| async {
        let (a, b) = UnixStream::pair().unwrap();
        poll_fn(|cx| a.poll_write_ready(cx)).await.unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(a.try_read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        assert!(poll_fn(|cx| Poll::Ready(a.poll_read_ready(cx))).await.is_pending());
        b.try_write(b"x").unwrap();
        poll_fn(|cx| a.poll_read_ready(cx)).await.unwrap();
        let ready = a.ready(Interest::READABLE).await.unwrap();
        assert_eq!(ready, Ready::READABLE);
        assert_eq!(a.try_read(&mut buf).unwrap(), 1);
    });
}

#[test]
fn tcp_stream_poll_read_ready_waits_for_data() {
    run(|| async {
        let (client, server) = tcp_pair().await;
        drain(&server);
        assert!(poll_fn(|cx| Poll::Ready(server.poll_read_ready(cx))).await.is_pending());
        poll_fn(|cx| client.poll_write_ready(cx)).await.unwrap();
        client.try_write(b"x").unwrap();
        poll_fn(|cx| server.poll_read_ready(cx)).await.unwrap();
    });
}

/// Runs `fut` to completion and returns its output and how many polls it took.
async fn count_polls<F: Future>(fut: F) -> (F::Output, usize) {
    let mut fut = pin!(fut);
    let mut polls = 0;
    let out = poll_fn(|cx| {
        polls += 1;
        fut.as_mut().poll(cx)
    })
    .await;
    (out, polls)
}

/// The tokio idiom: wait for readiness, `try_write` until `WouldBlock`.
/// Readiness checks that find readiness set never spend budget, so the loop
/// fills the send buffer in one poll, far past the 128 units of the budget.
async fn fill_with_try_write(writable: impl Writer) -> usize {
    let mut written = 0;
    let chunk = [7u8; 64];
    loop {
        writable.wait().await;
        match writable.try_write(&chunk) {
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return written,
            Err(e) => panic!("try_write: {e}"),
        }
    }
}

/// What [`fill_with_try_write`] needs of a stream.
trait Writer {
    async fn wait(&self);
    fn try_write(&self, buf: &[u8]) -> io::Result<usize>;
}

impl Writer for &TcpStream {
    async fn wait(&self) {
        self.writable().await.unwrap();
    }
    fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        TcpStream::try_write(self, buf)
    }
}

impl Writer for &UnixStream {
    async fn wait(&self) {
        assert!(self.ready(Interest::WRITABLE).await.unwrap().is_writable());
    }
    fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        UnixStream::try_write(self, buf)
    }
}

#[test]
fn tcp_stream_try_write_loop_fills_the_send_buffer_in_one_poll() {
    run(|| async {
        let (client, _server) = tcp_pair().await;
        let (written, polls) = count_polls(fill_with_try_write(&client)).await;
        assert_eq!(polls, 1, "readiness checks must not spend the budget");
        assert!(written > 128 * 64, "only {written} bytes: the loop ended early");
        // Full now: the next check waits for the driver.
        assert!(futures::poll!(pin!(client.writable())).is_pending());
    });
}

#[test]
fn unix_stream_ready_loop_fills_the_send_buffer_in_one_poll() {
    run(|| async {
        let (a, _b) = UnixStream::pair().unwrap();
        let (written, polls) = count_polls(fill_with_try_write(&a)).await;
        assert_eq!(polls, 1, "readiness checks must not spend the budget");
        assert!(written > 128 * 64, "only {written} bytes: the loop ended early");
    });
}

/// A connection whose peer reset it: `server` closed with `SO_LINGER` 0,
/// and `client` has seen the reset arrive.
async fn reset_pair() -> TcpStream {
    let (client, server) = tcp_pair().await;
    drain(&client);
    server.set_zero_linger().unwrap();
    drop(server);
    client.readable().await.unwrap();
    // The raw call says ENOTCONN: the case tokio maps to Ok (tokio issue 4665).
    assert_eq!(raw_shutdown(&client).unwrap_err().kind(), io::ErrorKind::NotConnected);
    client
}

#[test]
fn tcp_stream_shutdown_after_peer_reset_is_ok() {
    run(|| async {
        let client = reset_pair().await;
        client.shutdown(Shutdown::Write).unwrap();
        client.shutdown(Shutdown::Both).unwrap();
        let (_read, write) = client.into_split();
        write.shutdown().unwrap();
    });
}

#[test]
fn tcp_stream_poll_close_after_peer_reset_is_ok() {
    run(|| async {
        let mut client = reset_pair().await;
        client.close().await.unwrap();
    });
}

/// After tokio's `coop_budget_udp_send_recv`: every completed send and
/// receive spends one unit, so a task doing 1024 round trips (2048
/// operations, every one ready at once) yields after each 128 of them: it is
/// polled 2048 / 128 = 16 times. (tokio counts the polls of a task that
/// yields in between; here the task's own polls are counted, since a
/// yielding task runs again at once while the queue has room.)
#[test]
fn udp_send_recv_yields_every_128_operations() {
    const BUDGET: usize = 128;
    const N_ITERATIONS: usize = 1024;
    const PACKET: &[u8] = b"Hello, world";
    run(|| async {
        let tx = net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let rx = net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        tx.connect(rx.local_addr().unwrap()).await.unwrap();
        rx.connect(tx.local_addr().unwrap()).await.unwrap();
        let task = runtime::spawn(count_polls(async move {
            for _ in 0..N_ITERATIONS {
                tx.send(PACKET).await.unwrap();
                let mut tmp = [0; 12];
                assert_eq!(rx.recv(&mut tmp).await.unwrap(), PACKET.len());
                assert_eq!(PACKET, &tmp);
            }
        }));
        let ((), polls) = task.await.unwrap();
        assert_eq!(polls, N_ITERATIONS / (BUDGET / 2));
    });
}
