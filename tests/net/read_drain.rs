//! Read readiness after a stream read (`net/src/stream_io.rs`): a read that
//! fills the buffer leaves the socket readable, so the rest comes without a
//! new edge; a short read forgets it, and the next edge wakes the reader; an
//! end of stream that came with the data is kept.

use std::time::Duration;

use net::TcpStream;
use runtime::time::timeout;

use crate::support::run;
use crate::util::tcp_pair;

/// Longer than any of these reads can take; a read that waits for an edge
/// that never comes fails here instead of hanging.
const LIMIT: Duration = Duration::from_secs(5);

async fn read(stream: &mut TcpStream, buf: &mut [u8]) -> usize {
    timeout(LIMIT, stream.read(buf)).await.expect("the read waited for an edge that never comes").unwrap()
}

#[test]
fn tcp_read_that_fills_the_buffer_gets_the_rest_without_a_new_edge() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        client.write_all(&[7u8; 100]).await.unwrap();
        // On loopback the bytes are in the peer's receive queue when the
        // write returns: all 100 are there before the first read.
        let mut buf = [0u8; 40];
        let mut got = 0;
        while got < 100 {
            got += read(&mut server, &mut buf).await;
        }
        assert_eq!(got, 100);
    });
}

#[test]
fn tcp_short_read_waits_for_the_next_edge_and_gets_it() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        let mut buf = [0u8; 64];
        for round in 1..=3u8 {
            client.write_all(&[round; 10]).await.unwrap();
            assert_eq!(read(&mut server, &mut buf).await, 10);
            assert_eq!(buf[..10], [round; 10]);
        }
    });
}

#[test]
fn tcp_short_read_keeps_an_end_of_stream_that_came_with_the_data() {
    run(|| async {
        let (mut client, mut server) = tcp_pair().await;
        client.write_all(b"last words").await.unwrap();
        drop(client); // the FIN is queued behind the data when this returns
        let mut buf = [0u8; 64];
        assert_eq!(read(&mut server, &mut buf).await, 10);
        assert_eq!(read(&mut server, &mut buf).await, 0);
        assert_eq!(read(&mut server, &mut buf).await, 0, "the end of stream stays");
    });
}
