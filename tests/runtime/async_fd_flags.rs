//! The readiness flags an `AsyncFd` shares with its reactor slot (see
//! `reactor/slot.rs`, `Flags`): an operation on a ready source reads and
//! clears them without the reactor, so these tests pin what that must not
//! change. An event that came after a guard's wait survives its
//! `clear_ready` (tokio's tick); a reader and a writer on one source from
//! two tasks each see their own direction; a source dropped while it was
//! ready leaves nothing to the source that reuses its slot.

use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::Duration;

use runtime::io::{AsyncFd, Interest};
use runtime::task::yield_now;
use runtime::time::timeout;

use crate::support::run;

fn socketpair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().expect("socketpair");
    a.set_nonblocking(true).expect("nonblocking");
    b.set_nonblocking(true).expect("nonblocking");
    (a, b)
}

/// Reads `fd` until it says `WouldBlock`; the byte count.
fn drain(mut fd: &UnixStream) -> usize {
    let mut buf = [0u8; 512];
    let mut total = 0;
    loop {
        match fd.read(&mut buf) {
            Ok(0) => panic!("unexpected end of stream"),
            Ok(n) => total += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return total,
            Err(e) => panic!("read: {e}"),
        }
    }
}

#[test]
fn guard_clear_keeps_an_event_that_came_after_its_wait() {
    run(|| async {
        let (a, mut b) = socketpair();
        let a = AsyncFd::new(a).unwrap();
        b.write_all(b"one").unwrap();
        let mut guard = a.readable().await.unwrap();
        assert_eq!(drain(a.get_ref()), 3);
        // Held across an `.await` in which the driver reports new data.
        b.write_all(b"two").unwrap();
        yield_now().await;
        guard.clear_ready();
        // The second edge is not lost: the data is there and the wait
        // says so at once.
        let guard = timeout(Duration::from_secs(5), a.readable()).await;
        assert!(guard.expect("the edge after the guard's wait was lost").unwrap().ready().is_readable());
        assert_eq!(drain(a.get_ref()), 3);
    });
}

#[test]
fn guard_clear_without_a_new_event_forgets_the_readiness() {
    run(|| async {
        let (a, mut b) = socketpair();
        let a = AsyncFd::new(a).unwrap();
        b.write_all(b"one").unwrap();
        let mut guard = a.readable().await.unwrap();
        assert_eq!(drain(a.get_ref()), 3);
        yield_now().await; // a turn, but no new event for `a`
        guard.clear_ready();
        assert!(timeout(Duration::from_millis(20), a.readable()).await.is_err());
        assert_eq!(
            a.try_io(Interest::READABLE, |s| (&*s).read(&mut [0; 8])).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
    });
}

#[test]
fn reader_and_writer_on_one_source_from_two_tasks() {
    const ROUNDS: usize = 200;
    run(|| async {
        let (a, b) = socketpair();
        let a = Rc::new(AsyncFd::new(a).unwrap());
        let b = AsyncFd::new(b).unwrap();
        // The peer echoes everything back.
        let echo = runtime::spawn(async move {
            let mut buf = [0u8; 256];
            loop {
                let n = b.read_with(|s| (&*s).read(&mut buf)).await.unwrap();
                if n == 0 {
                    return;
                }
                let mut rest = &buf[..n];
                while !rest.is_empty() {
                    let m = b.write_with(|s| (&*s).write(rest)).await.unwrap();
                    rest = &rest[m..];
                }
            }
        });
        let writer_fd = Rc::clone(&a);
        let writer = runtime::spawn(async move {
            for i in 0..ROUNDS {
                let byte = [i as u8];
                assert_eq!(writer_fd.write_with(|s| (&*s).write(&byte)).await.unwrap(), 1);
                if i % 7 == 0 {
                    yield_now().await;
                }
            }
        });
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        while got.len() < ROUNDS {
            let n = a.read_with(|s| (&*s).read(&mut buf)).await.unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        writer.await.unwrap();
        let want: Vec<u8> = (0..ROUNDS).map(|i| i as u8).collect();
        assert_eq!(got, want);
        a.get_ref().shutdown(std::net::Shutdown::Write).unwrap();
        echo.await.unwrap();
    });
}

#[test]
fn a_source_dropped_while_ready_leaves_nothing_to_the_next() {
    run(|| async {
        let (a, mut b) = socketpair();
        let a = AsyncFd::new(a).unwrap();
        b.write_all(b"x").unwrap();
        let ready = a.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap().ready();
        assert!(ready.is_readable());
        drop(a); // readable and writable when it goes

        // The next registration (which may take the same slot, and the same
        // fd number) starts from its own flags: nothing to read is known.
        let (c, _d) = socketpair();
        let c = AsyncFd::new(c).unwrap();
        assert!(timeout(Duration::from_millis(20), c.readable()).await.is_err());
        assert_eq!(
            c.try_io(Interest::READABLE, |s| (&*s).read(&mut [0; 8])).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        // Its first read still goes to the kernel (the fresh guess), which
        // says `WouldBlock`; then it waits for data that does come.
        let read = timeout(Duration::from_millis(20), c.read_with(|s| (&*s).read(&mut [0; 8]))).await;
        assert!(read.is_err());
    });
}
