//! After a peer reset, every operation returns `ConnectionReset`, on every
//! driver: the kqueue driver takes `SO_ERROR` when a filter reports
//! `EV_EOF` with an error and keeps it in the slot for the next operation,
//! so each operation, `try_*` and `peek` included, must return that error
//! before anything else (a `read(2)` after the driver took it says `0`, a
//! clean end of file). epoll leaves it in the socket, where the call finds it.

use std::io;

use net::TcpStream;

use crate::support::run;
use crate::util::{raw_read, set_linger_zero, tcp_pair};

/// A pair whose client end the peer reset, after the client saw the reset
/// through `readable()` (the driver has reported it).
async fn reset_by_peer() -> TcpStream {
    let (client, server) = tcp_pair().await;
    set_linger_zero(&server);
    drop(server);
    client.readable().await.unwrap();
    client
}

#[track_caller]
fn assert_reset<T: std::fmt::Debug>(result: io::Result<T>) {
    match result {
        Err(e) => assert_eq!(e.kind(), io::ErrorKind::ConnectionReset, "{e}"),
        Ok(v) => panic!("expected ConnectionReset, got Ok({v:?})"),
    }
}

#[test]
fn reset_then_readable_then_try_read_is_connection_reset() {
    run(|| async { assert_reset(reset_by_peer().await.try_read(&mut [0; 16])) });
}

#[test]
fn reset_then_readable_then_try_write_is_connection_reset() {
    run(|| async { assert_reset(reset_by_peer().await.try_write(b"x")) });
}

#[test]
fn reset_then_readable_then_peek_is_connection_reset() {
    run(|| async { assert_reset(reset_by_peer().await.peek(&mut [0; 16]).await) });
}

#[test]
fn reset_then_readable_then_read_is_connection_reset() {
    run(|| async { assert_reset(reset_by_peer().await.read(&mut [0; 16]).await) });
}

#[test]
fn reset_then_readable_then_write_is_connection_reset() {
    run(|| async { assert_reset(reset_by_peer().await.write(b"x").await) });
}

#[test]
fn reset_then_readable_then_try_read_vectored_is_connection_reset() {
    run(|| async {
        let client = reset_by_peer().await;
        let mut buf = [0; 16];
        assert_reset(client.try_read_vectored(&mut [io::IoSliceMut::new(&mut buf)]))
    });
}

#[test]
fn reset_then_readable_then_try_io_is_connection_reset() {
    run(|| async {
        let client = reset_by_peer().await;
        assert_reset(client.try_io(net::Interest::READABLE, || raw_read(&client)))
    });
}
