//! `runtime::io::copy_bidirectional`: tokio's `tests/io_copy_bidirectional.rs`
//! ported (MIT, every assertion kept), on `net`'s TCP streams and the
//! scripted mocks of `support/mock_io.rs` (for `tokio_test::io`).

use std::io::{self, ErrorKind};
use std::net::Shutdown;
use std::time::Duration;

use futures::AsyncReadExt;
use net::{TcpListener, TcpStream};
use runtime::io::{copy_bidirectional, copy_bidirectional_with_sizes};
use runtime::task::JoinHandle;

use crate::mock_io::{self, Builder};
use crate::support::run;

async fn make_socketpair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connector = TcpStream::connect(addr);
    let acceptor = listener.accept();
    let (c1, c2) = runtime::join!(connector, acceptor);
    (c1.unwrap(), c2.unwrap().0)
}

/// Writes until the send path is full (a write that does not finish within
/// 10 ms), as tokio's test does.
async fn block_write(s: &mut TcpStream) -> usize {
    static BUF: [u8; 2048] = [0; 2048];
    let mut copied = 0;
    loop {
        runtime::select! {
            result = s.write(&BUF) => {
                copied += result.expect("write error")
            },
            _ = runtime::time::sleep(Duration::from_millis(10)) => {
                break;
            }
        }
    }
    copied
}

async fn symmetric<F, Fut>(mut cb: F)
where
    F: FnMut(JoinHandle<io::Result<(u64, u64)>>, TcpStream, TcpStream) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    // Twice, with the streams passed in both orders: the two arguments are
    // interchangeable.
    let (a, mut a1) = make_socketpair().await;
    let (b, mut b1) = make_socketpair().await;
    let handle = runtime::spawn(async move { copy_bidirectional(&mut a1, &mut b1).await });
    cb(handle, a, b).await;

    let (a, mut a1) = make_socketpair().await;
    let (b, mut b1) = make_socketpair().await;
    let handle = runtime::spawn(async move { copy_bidirectional(&mut b1, &mut a1).await });
    cb(handle, b, a).await;
}

#[test]
fn test_basic_transfer() {
    run(|| async {
        symmetric(|_handle, mut a, mut b| async move {
            a.write_all(b"test").await.unwrap();
            let mut tmp = [0; 4];
            b.read_exact(&mut tmp).await.unwrap();
            assert_eq!(&tmp[..], b"test");
        })
        .await
    });
}

#[test]
fn test_transfer_after_close() {
    run(|| async {
        symmetric(|handle, mut a, mut b| async move {
            a.shutdown(Shutdown::Write).unwrap();
            b.read_to_end(&mut Vec::new()).await.unwrap();
            b.write_all(b"quux").await.unwrap();
            let mut tmp = [0; 4];
            a.read_exact(&mut tmp).await.unwrap();
            assert_eq!(&tmp[..], b"quux");
            // Once both are closed, we should have our handle back
            drop(b);
            assert_eq!(handle.await.unwrap().unwrap(), (0, 4));
        })
        .await
    });
}

#[test]
fn blocking_one_side_does_not_block_other() {
    run(|| async {
        symmetric(|handle, mut a, mut b| async move {
            block_write(&mut a).await;
            b.write_all(b"quux").await.unwrap();
            let mut tmp = [0; 4];
            a.read_exact(&mut tmp).await.unwrap();
            assert_eq!(&tmp[..], b"quux");
            a.shutdown(Shutdown::Write).unwrap();
            let mut buf = Vec::new();
            b.read_to_end(&mut buf).await.unwrap();
            drop(b);
            assert_eq!(handle.await.unwrap().unwrap(), (buf.len() as u64, 4));
        })
        .await
    });
}

#[test]
fn immediate_exit_on_write_error() {
    run(|| async {
        let payload = b"here, take this";
        let error = || io::Error::other("no thanks!");
        let mut a = Builder::new().read(payload).write_error(error()).build();
        let mut b = Builder::new().read(payload).write_error(error()).build();
        assert!(copy_bidirectional(&mut a, &mut b).await.is_err());
    });
}

#[test]
fn immediate_exit_on_read_error() {
    run(|| async {
        let error = || io::Error::other("got nothing!");
        let mut a = Builder::new().read_error(error()).build();
        let mut b = Builder::new().read_error(error()).build();
        assert!(copy_bidirectional(&mut a, &mut b).await.is_err());
    });
}

#[test]
#[should_panic(expected = "`a_to_b_buf_size` must be greater than 0")]
fn copy_bidirectional_with_sizes_panics_on_zero_a_to_b_buffer() {
    let mut a = Builder::new().build();
    let mut b = Builder::new().build();
    futures::executor::block_on(copy_bidirectional_with_sizes(&mut a, &mut b, 0, 1)).unwrap();
}

#[test]
#[should_panic(expected = "`b_to_a_buf_size` must be greater than 0")]
fn copy_bidirectional_with_sizes_panics_on_zero_b_to_a_buffer() {
    let mut a = Builder::new().build();
    let mut b = Builder::new().build();
    futures::executor::block_on(copy_bidirectional_with_sizes(&mut a, &mut b, 1, 0)).unwrap();
}

#[test]
fn copy_bidirectional_is_cooperative() {
    run(|| async {
        runtime::select! {
            biased;
            _ = async {
                loop {
                    let payload = b"here, take this";
                    let mut a = Builder::new().read(payload).write(payload).build();
                    let mut b = Builder::new().read(payload).write(payload).build();
                    let _ = copy_bidirectional(&mut a, &mut b).await;
                }
            } => {},
            _ = runtime::task::yield_now() => {}
        }
    });
}

#[test]
fn retry_on_io_interrupted() {
    run(|| async {
        for sized in [false, true] {
            let mut a = mock_io::join(
                Builder::new().read_error(ErrorKind::Interrupted.into()).read(b"ab").build(),
                Builder::new().write_error(ErrorKind::Interrupted.into()).write(b"cd").build(),
            );
            let mut b = mock_io::join(
                Builder::new().read_error(ErrorKind::Interrupted.into()).read(b"cd").build(),
                Builder::new().write_error(ErrorKind::Interrupted.into()).write(b"ab").build(),
            );
            let result = if sized {
                copy_bidirectional_with_sizes(&mut a, &mut b, 1, 1).await
            } else {
                copy_bidirectional(&mut a, &mut b).await
            };
            assert_eq!(result.unwrap(), (2, 2));
        }
    });
}

/// Memory stays bounded per direction: 200 kB cross a proxy whose
/// buffers are 16 bytes each way, byte for byte, with the peer reading
/// slowly (the copy waits on the full socket instead of buffering more).
#[test]
fn copy_bidirectional_moves_200_kb_through_small_buffers() {
    run(|| async {
        let (mut a, mut a1) = make_socketpair().await;
        let (mut b, mut b1) = make_socketpair().await;
        let proxy = runtime::spawn(async move { copy_bidirectional_with_sizes(&mut a1, &mut b1, 16, 16).await });
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
        let expected = data.clone();
        let writer = runtime::spawn(async move {
            a.write_all(&data).await.unwrap();
            a.shutdown(Shutdown::Write).unwrap();
            a
        });
        let mut got = Vec::new();
        b.read_to_end(&mut got).await.unwrap();
        assert!(got == expected, "the bytes differ after the proxy");
        drop(b);
        drop(writer.await.unwrap());
        assert_eq!(proxy.await.unwrap().unwrap(), (200_000, 0));
    });
}

/// Between streams that are always ready (endless input, a sink that takes
/// everything) a copy never ends by itself; it must still yield, charging
/// the task's budget, or the `yield_now` branch would never get its turn.
#[test]
fn copy_bidirectional_between_always_ready_streams_yields() {
    run(|| async {
        let mut a = mock_io::join(futures::io::repeat(1), futures::io::sink());
        let mut b = mock_io::join(futures::io::repeat(2), futures::io::sink());
        runtime::select! {
            biased;
            _ = copy_bidirectional(&mut a, &mut b) => unreachable!("an endless copy ended"),
            _ = runtime::task::yield_now() => {}
        }
    });
}
