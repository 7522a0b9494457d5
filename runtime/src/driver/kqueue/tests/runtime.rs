//! Runtimes on the kqueue driver: what reaches a source, and the metrics.

use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

use super::{bounded, closed_fd, pair, reuse, Fd};
use crate::io::AsyncFd;
use crate::sys::libc;
use crate::{Builder, Driver, Runtime};

fn kqueue_runtime() -> Runtime {
    Builder::new().driver(Driver::Kqueue).build().expect("kqueue runtime")
}

#[test]
fn kqueue_runtime_change_error_reaches_its_source_in_the_turn_it_failed() {
    bounded(|| {
        let rt = kqueue_runtime();
        let before = rt.metrics();
        rt.block_on(async {
            let bad = AsyncFd::new(Fd(closed_fd())).unwrap();
            bad.clear_read_ready(); // only the driver can wake this task now
                                    // The timer bounds the wait of a kqueue that waits after a
                                    // failed change (libkqueue); FreeBSD and the emulation return at once.
            let result = crate::time::timeout(Duration::from_millis(300), bad.readable()).await;
            let err = result.expect("the error arrives with the turn that ends").unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EBADF));
        });
        let m = rt.metrics();
        assert_eq!(m.driver, "kqueue");
        assert_eq!(m.change_syscalls, 0);
        assert_eq!(m.failed_change_turns - before.failed_change_turns, 1);
        assert_eq!(m.wait_syscalls - before.wait_syscalls, m.ticks - before.ticks, "one kevent per turn");
    });
}

#[test]
fn kqueue_runtime_fd_reused_in_one_tick_reaches_only_the_new_source() {
    bounded(|| {
        kqueue_runtime().block_on(async {
            // The old source's registration reaches the kernel first.
            let (old, _old_peer) = pair();
            let old_fd = old.as_raw_fd();
            let old = AsyncFd::new(old).unwrap();
            crate::task::yield_now().await; // exactly one reactor turn
            drop(old); // closes the fd, in the same tick as the next registration
            let (new, new_peer) = reuse(old_fd);
            let new = AsyncFd::new(new).unwrap();
            let before = crate::metrics();
            (&new_peer).write_all(b"hi").unwrap();
            let mut buf = [0u8; 8];
            let n = new.read_with(|s| (&*s).read(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"hi");
            assert_eq!(crate::metrics().failed_change_turns, before.failed_change_turns);
        });
    });
}

#[test]
fn kqueue_runtime_source_that_does_not_own_its_fd_can_be_registered_again() {
    bounded(|| {
        kqueue_runtime().block_on(async {
            let (a, b) = pair();
            for round in 0..3u8 {
                let borrowed = AsyncFd::new(a.as_fd()).unwrap();
                borrowed.clear_read_ready();
                (&b).write_all(&[round]).unwrap();
                let mut buf = [0u8; 1];
                borrowed.read_with(|_| (&a).read(&mut buf)).await.unwrap();
                assert_eq!(buf[0], round);
                drop(borrowed); // `a` stays open: its registration must go
            }
            assert_eq!(crate::metrics().failed_change_turns, 0);
        });
    });
}

#[test]
fn kqueue_runtime_200_registrations_in_one_tick_ride_in_one_kevent() {
    bounded(|| {
        kqueue_runtime().block_on(async {
            crate::task::yield_now().await; // exactly one reactor turn
            let before = crate::metrics();
            let fds: Vec<_> = (0..200).map(|_| pair()).map(|(a, b)| (AsyncFd::new(a).unwrap(), b)).collect();
            crate::task::yield_now().await; // exactly one reactor turn
            let after = crate::metrics();
            assert_eq!(after.changes - before.changes, 400, "read and write filter of each");
            assert_eq!(after.change_syscalls, 0);
            assert_eq!(after.wait_syscalls - before.wait_syscalls, after.ticks - before.ticks);
            drop(fds);
        });
    });
}

#[test]
fn kqueue_runtime_change_queued_while_busy_is_flushed_within_the_interval() {
    bounded(|| {
        kqueue_runtime().block_on(async {
            let stop = std::rc::Rc::new(std::cell::Cell::new(false));
            let s = stop.clone();
            crate::spawn(async move {
                while !s.get() {
                    crate::task::yield_now().await;
                }
            });
            let (a, b) = pair();
            let a = AsyncFd::new(a).unwrap();
            let mut buf = [0u8; 4];
            // Forget the initial "assumed ready" so only a kernel event can wake us.
            assert!(a.try_read_with(|s| (&*s).read(&mut buf)).is_err());
            let writer = std::thread::spawn(move || (&b).write_all(b"late").map(|()| b));
            let n = a.read_with(|s| (&*s).read(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"late");
            stop.set(true);
            drop(writer.join().unwrap());
        });
    });
}

#[test]
fn kqueue_runtime_with_event_capacity_1_delivers_both_filters() {
    bounded(|| {
        let rt = Builder::new().driver(Driver::Kqueue).event_capacity(1).build().unwrap();
        rt.block_on(async {
            let (a, b) = pair();
            let a = AsyncFd::new(a).unwrap();
            crate::task::yield_now().await; // one reactor turn: the registration reaches the kernel
            a.clear_read_ready();
            // Readable and writable at once, with no changes pending: a
            // one-entry list (the old emulation wrote two entries into it).
            (&b).write_all(b"x").unwrap();
            a.readable().await.unwrap();
            a.writable().await.unwrap();
        });
    });
}

#[test]
fn kqueue_runtime_remote_wake_ends_a_wait_with_no_timer() {
    bounded(|| {
        kqueue_runtime().block_on(async {
            let (tx, rx) = std::sync::mpsc::channel::<std::task::Waker>();
            let waker_thread = std::thread::spawn(move || rx.recv().map(std::task::Waker::wake));
            let mut sent = Some(tx);
            std::future::poll_fn(|cx| match sent.take() {
                Some(tx) => {
                    tx.send(cx.waker().clone()).unwrap();
                    std::task::Poll::Pending
                }
                None => std::task::Poll::Ready(()),
            })
            .await;
            waker_thread.join().unwrap().unwrap();
        });
    });
}
