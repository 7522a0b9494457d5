//! More of tokio's `io_async_fd.rs`, ported with every assertion kept:
//! `reset_writable`, `guard_try_io`, `try_io_writable` and
//! `clear_ready_matching_clears_ready(_mut)`. They pass only if a fresh
//! registration's readiness comes from the driver (its first turn reports
//! a writable socket's initial edge) and guards clear exactly what they say.

use std::io::{self, ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::pin::pin;
use std::time::Duration;

use runtime::io::{AsyncFd, Interest, Ready};
use runtime::time::timeout;

use crate::support::run;

fn socketpair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().expect("socketpair");
    a.set_nonblocking(true).expect("nonblocking");
    b.set_nonblocking(true).expect("nonblocking");
    (a, b)
}

fn drain(mut fd: &UnixStream, mut amt: usize) {
    let mut buf = [0u8; 512];
    while amt > 0 {
        match fd.read(&mut buf[..]) {
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Ok(0) => panic!("unexpected EOF"),
            Err(e) => panic!("unexpected error: {e:?}"),
            Ok(x) => amt -= x,
        }
    }
}

#[test]
fn reset_writable() {
    run(|| async {
        let (a, b) = socketpair();
        let afd_a = AsyncFd::new(a).unwrap();
        let mut guard = afd_a.writable().await.unwrap();

        // Write until we get a WouldBlock. This also clears the ready state.
        let mut bytes = 0;
        while let Ok(Ok(amt)) = guard.try_io(|_| afd_a.get_ref().write(&[0; 512][..])) {
            bytes += amt;
        }

        // Writable state should be cleared now.
        let mut writable = pin!(afd_a.writable());
        assert!(timeout(Duration::from_millis(10), writable.as_mut()).await.is_err());

        // Read from the other side; we should become writable now.
        drain(&b, bytes);
        let _ = writable.await.unwrap();
    });
}

#[test]
fn guard_try_io() {
    run(|| async {
        let (a, mut b) = socketpair();
        b.write_all(b"0").unwrap();
        let afd_a = AsyncFd::new(a).unwrap();
        let mut guard = afd_a.readable().await.unwrap();
        afd_a.get_ref().read_exact(&mut [0]).unwrap();

        // Should not clear the readable state
        let _ = guard.try_io(|_| Ok(()));

        // Still readable...
        let _ = afd_a.readable().await.unwrap();

        // Should clear the readable state
        let _ = guard.try_io(|_| io::Result::<()>::Err(ErrorKind::WouldBlock.into()));

        // Assert not readable
        let mut readable = pin!(afd_a.readable());
        assert!(timeout(Duration::from_millis(10), readable.as_mut()).await.is_err());

        // Write something down b again and make sure we're reawoken
        b.write_all(b"0").unwrap();
        let _ = readable.await.unwrap();
    });
}

#[test]
fn try_io_writable() {
    run(|| async {
        let (a, _b) = socketpair();
        let afd_a = AsyncFd::new(a).unwrap();

        // Give the runtime some time to update bookkeeping.
        runtime::task::yield_now().await;

        {
            let mut called = false;
            let _ = afd_a.try_io(Interest::WRITABLE, |_| {
                called = true;
                Ok(())
            });
            assert!(called, "closure should have been called, since socket should still be marked as writable");
        }
        {
            let mut called = false;
            let _ = afd_a.try_io(Interest::WRITABLE, |_| {
                called = true;
                io::Result::<()>::Err(ErrorKind::WouldBlock.into())
            });
            assert!(called, "closure should have been called, since socket should still be marked as writable");
        }
        {
            let mut called = false;
            let _ = afd_a.try_io(Interest::WRITABLE, |_| {
                called = true;
                Ok(())
            });
            assert!(
                !called,
                "closure should not have been called, since socket writable state should have been cleared"
            );
        }
    });
}

#[test]
fn clear_ready_matching_clears_ready() {
    run(|| async {
        let (a, mut b) = socketpair();
        let afd_a = AsyncFd::new(a).unwrap();
        b.write_all(b"0").unwrap();

        let mut guard = afd_a.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap();
        assert_eq!(guard.ready(), Ready::READABLE | Ready::WRITABLE);

        guard.clear_ready_matching(Ready::READABLE);
        assert_eq!(guard.ready(), Ready::WRITABLE);

        guard.clear_ready_matching(Ready::WRITABLE);
        assert_eq!(guard.ready(), Ready::EMPTY);
    });
}

#[test]
fn clear_ready_matching_clears_ready_mut() {
    run(|| async {
        let (a, mut b) = socketpair();
        let mut afd_a = AsyncFd::new(a).unwrap();
        b.write_all(b"0").unwrap();

        let mut guard = afd_a.ready_mut(Interest::READABLE | Interest::WRITABLE).await.unwrap();
        assert_eq!(guard.ready(), Ready::READABLE | Ready::WRITABLE);

        guard.clear_ready_matching(Ready::READABLE);
        assert_eq!(guard.ready(), Ready::WRITABLE);

        guard.clear_ready_matching(Ready::WRITABLE);
        assert_eq!(guard.ready(), Ready::EMPTY);
    });
}
