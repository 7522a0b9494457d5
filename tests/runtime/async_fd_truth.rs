//! tokio's `io_async_fd.rs` tests `initially_writable`, `reset_readable`,
//! `try_io_readable`, `poll_fns` and `multiple_waiters`, ported with every
//! assertion kept: a readiness query reports only what the driver has
//! reported, never the guess a fresh registration makes for its first
//! operation. (tokio's `select!` with a short sleep becomes a `timeout`
//! that must elapse; its `Barrier`, a count and a `Notify`.)

use std::cell::Cell;
use std::future::{pending, poll_fn, Future};
use std::io::{self, ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use futures::future::{select, Either};
use runtime::io::AsyncFd;
use runtime::io::Interest;
use runtime::sync::Notify;
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

/// `f` must not finish within 10 ms (tokio: `select!` against a sleep).
async fn stays_pending<F: Future>(f: F) {
    assert!(timeout(Duration::from_millis(10), f).await.is_err(), "unexpected readiness");
}

#[test]
fn initially_writable() {
    run(|| async {
        let (a, b) = socketpair();
        let afd_a = AsyncFd::new(a).unwrap();
        let afd_b = AsyncFd::new(b).unwrap();

        afd_a.writable().await.unwrap().clear_ready();
        afd_b.writable().await.unwrap().clear_ready();

        let either = async {
            select(pin!(afd_a.readable()), pin!(afd_b.readable())).await;
            panic!("Unexpected readable state");
        };
        stays_pending(either).await;
    });
}

#[test]
fn reset_readable() {
    run(|| async {
        let (a, mut b) = socketpair();
        let afd_a = AsyncFd::new(a).unwrap();

        let mut readable = pin!(afd_a.readable());
        assert!(timeout(Duration::from_millis(10), readable.as_mut()).await.is_err());

        b.write_all(b"0").unwrap();

        let mut guard = readable.await.unwrap();
        guard.try_io(|_| afd_a.get_ref().read(&mut [0])).unwrap().unwrap();

        // `a` is not readable, but the reactor still thinks it is
        // (because we have not observed a not-ready error yet)
        afd_a.readable().await.unwrap().retain_ready();

        // Explicitly clear the ready state
        guard.clear_ready();

        let mut readable = pin!(afd_a.readable());
        assert!(timeout(Duration::from_millis(10), readable.as_mut()).await.is_err());

        b.write_all(b"0").unwrap();

        // We can observe the new readable event
        afd_a.readable().await.unwrap().clear_ready();
    });
}

#[test]
fn try_io_readable() {
    run(|| async {
        let (a, mut b) = socketpair();
        let mut afd_a = AsyncFd::new(a).unwrap();

        // Give the runtime some time to update bookkeeping.
        runtime::task::yield_now().await;

        {
            let mut called = false;
            let _ = afd_a.try_io_mut(Interest::READABLE, |_| {
                called = true;
                Ok(())
            });
            assert!(!called, "closure should not have been called, since socket should not be readable");
        }

        // Make `a` readable by writing to `b`.
        // Give the runtime some time to update bookkeeping.
        b.write_all(&[0]).unwrap();
        runtime::task::yield_now().await;

        {
            let mut called = false;
            let _ = afd_a.try_io(Interest::READABLE, |_| {
                called = true;
                Ok(())
            });
            assert!(called, "closure should have been called, since socket should have data available to read");
        }

        {
            let mut called = false;
            let _ = afd_a.try_io(Interest::READABLE, |_| {
                called = true;
                io::Result::<()>::Err(ErrorKind::WouldBlock.into())
            });
            assert!(called, "closure should have been called, since socket should have data available to read");
        }

        {
            let mut called = false;
            let _ = afd_a.try_io(Interest::READABLE, |_| {
                called = true;
                Ok(())
            });
            assert!(
                !called,
                "closure should not have been called, since socket readable state should have been cleared"
            );
        }
    });
}

/// tokio's `Barrier::new(n)`, enough for one use: `arrive` counts, `all`
/// waits until `n` have arrived.
struct Gate {
    arrived: Cell<usize>,
    n: usize,
    notify: Notify,
}

impl Gate {
    fn new(n: usize) -> Rc<Gate> {
        Rc::new(Gate { arrived: Cell::new(0), n, notify: Notify::new() })
    }

    fn arrive(&self) {
        self.arrived.set(self.arrived.get() + 1);
        self.notify.notify_one();
    }

    async fn all(&self) {
        while self.arrived.get() < self.n {
            self.notify.notified().await;
        }
    }
}

#[test]
fn multiple_waiters() {
    run(|| async {
        let (a, mut b) = socketpair();
        let afd_a = Rc::new(AsyncFd::new(a).unwrap());
        let barrier = Gate::new(10);

        let mut tasks = Vec::new();
        for _ in 0..10 {
            let afd_a = afd_a.clone();
            let barrier = barrier.clone();
            let f = async move {
                let notify_barrier = async {
                    barrier.arrive();
                    pending::<()>().await;
                };
                // biased: `readable` first
                match select(pin!(afd_a.readable()), pin!(notify_barrier)).await {
                    Either::Left((guard, _)) => {
                        runtime::task::yield_now().await;
                        guard.unwrap().clear_ready()
                    }
                    Either::Right(_) => unreachable!(),
                }
                drop(afd_a);
            };
            tasks.push(runtime::spawn(f));
        }

        let mut all_tasks = pin!(futures::future::try_join_all(tasks));
        match select(all_tasks.as_mut(), pin!(barrier.all())).await {
            Either::Left((r, _)) => {
                r.unwrap(); // propagate panic
                panic!("Tasks exited unexpectedly")
            }
            Either::Right(_) => {}
        }

        b.write_all(b"0").unwrap();

        all_tasks.await.unwrap();
    });
}

#[derive(Default)]
struct TestWaker {
    awoken: AtomicBool,
}

impl Wake for TestWaker {
    fn wake(self: Arc<Self>) {
        self.awoken.store(true, Ordering::SeqCst);
    }
}

#[test]
fn poll_fns() {
    run(|| async {
        let (a, b) = socketpair();
        let afd_a = Rc::new(AsyncFd::new(a).unwrap());
        let afd_b = Rc::new(AsyncFd::new(b).unwrap());

        // Fill up the write side of A
        let mut bytes = 0;
        while let Ok(amt) = afd_a.get_ref().write(&[0; 512]) {
            bytes += amt;
        }

        let test_waker = Arc::new(TestWaker::default());
        let waker = Waker::from(test_waker.clone());
        assert!(afd_a.as_ref().poll_read_ready(&mut Context::from_waker(&waker)).is_pending());

        let afd_a_2 = afd_a.clone();
        let r_barrier = Gate::new(1);
        let barrier_clone = r_barrier.clone();
        let read_fut = runtime::spawn(async move {
            // Move waker onto this task first
            assert!(poll_fn(|cx| Poll::Ready(afd_a_2.as_ref().poll_read_ready(cx).is_pending())).await);
            barrier_clone.arrive();
            let _ = poll_fn(|cx| afd_a_2.as_ref().poll_read_ready(cx).map(|r| r.map(drop))).await;
        });

        let afd_a_2 = afd_a.clone();
        let w_barrier = Gate::new(1);
        let barrier_clone = w_barrier.clone();
        let mut write_fut = runtime::spawn(async move {
            // Move waker onto this task first
            assert!(poll_fn(|cx| Poll::Ready(afd_a_2.as_ref().poll_write_ready(cx).is_pending())).await);
            barrier_clone.arrive();
            let _ = poll_fn(|cx| afd_a_2.as_ref().poll_write_ready(cx).map(|r| r.map(drop))).await;
        });

        r_barrier.all().await;
        w_barrier.all().await;

        let mut readable = pin!(afd_a.readable());
        match select(readable.as_mut(), pin!(runtime::task::yield_now())).await {
            Either::Left(_) => unreachable!(),
            Either::Right(_) => {}
        }

        // Make A readable. We expect that 'readable' and 'read_fut' will both complete quickly
        afd_b.get_ref().write_all(b"0").unwrap();

        let _ = futures::join!(readable, read_fut);

        // Our original waker should _not_ be awoken (poll_read_ready retains only the last context)
        assert!(!test_waker.awoken.swap(false, Ordering::SeqCst));

        // The writable side should not be awoken
        assert!(timeout(Duration::from_millis(5), &mut write_fut).await.is_err());

        // Make it writable now
        drain(afd_b.get_ref(), bytes);

        // now we should be writable (ie - the waker for poll_write should still be registered after we wake the read side)
        let _ = write_fut.await;
    });
}

#[derive(Debug, PartialEq, Eq)]
struct InvalidSource;

impl std::os::fd::AsRawFd for InvalidSource {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        -1
    }
}

#[test]
fn try_new() {
    run(|| async {
        let original = Arc::new(InvalidSource);
        let error = AsyncFd::try_new(original.clone()).unwrap_err();
        assert!(!error.to_string().is_empty());
        assert!(std::error::Error::source(&error).is_some());
        let (returned, _cause) = error.into_parts();
        assert!(Arc::ptr_eq(&original, &returned));
    });
}

#[test]
fn try_with_interest() {
    run(|| async {
        let original = Arc::new(InvalidSource);
        let error = AsyncFd::try_with_interest(original.clone(), Interest::READABLE).unwrap_err();
        let (returned, cause) = error.into_parts();
        assert!(Arc::ptr_eq(&original, &returned));
        let e: io::Error = AsyncFd::with_interest(InvalidSource, Interest::WRITABLE).unwrap_err();
        assert_eq!(e.to_string(), cause.to_string(), "the same registration error either way");
    });
}

/// A spawned task that yields also sees the events that came meanwhile:
/// the runtime turns its reactor before waking a task that yielded.
#[test]
fn yield_in_a_spawned_task_sees_new_readiness() {
    run(|| async {
        let (a, mut b) = socketpair();
        let afd_a = AsyncFd::new(a).unwrap();
        let task = runtime::spawn(async move {
            assert_eq!(afd_a.try_io(Interest::READABLE, |_| Ok(())).unwrap_err().kind(), ErrorKind::WouldBlock);
            b.write_all(b"1").unwrap();
            runtime::task::yield_now().await;
            let mut buf = [0u8; 1];
            let n = afd_a.try_io(Interest::READABLE, |s| (&*s).read(&mut buf)).expect("readable after the yield");
            assert_eq!(n, 1);
        });
        task.await.unwrap();
    });
}
