//! `AsyncFd` over nonblocking pipes.

use std::io::{Read, Write};
use std::time::Duration;

use runtime::io::AsyncFd;

use crate::support::{pipe, run};

#[test]
fn async_fd_reads_what_another_task_writes_to_a_pipe() {
    run(|| async {
        let (r, w) = pipe();
        let r = AsyncFd::new(r).unwrap();
        let w = AsyncFd::new(w).unwrap();
        let writer = runtime::spawn(async move {
            for chunk in [&b"hello "[..], b"async ", b"fd"] {
                runtime::time::sleep(Duration::from_millis(1)).await;
                w.write_with(|f| (&*f).write(chunk)).await.unwrap();
            }
        });
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        while got.len() < 14 {
            let n = r.read_with(|f| (&*f).read(&mut buf)).await.unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, b"hello async fd");
        writer.await.unwrap();
    });
}

#[test]
fn async_fd_read_returns_zero_after_the_writer_closes() {
    run(|| async {
        let (r, w) = pipe();
        let r = AsyncFd::new(r).unwrap();
        runtime::spawn(async move {
            runtime::time::sleep(Duration::from_millis(1)).await;
            drop(w);
        });
        let n = r.read_with(|f| (&*f).read(&mut [0u8; 8])).await.unwrap();
        assert_eq!(n, 0);
    });
}

#[test]
fn async_fd_write_waits_while_the_pipe_is_full() {
    run(|| async {
        let (r, w) = pipe();
        let w = AsyncFd::new(w).unwrap();
        let chunk = vec![1u8; 65536];
        // Fill the pipe until the kernel says it would block.
        while w.try_write_with(|f| (&*f).write(&chunk)).is_ok() {}
        let reader = std::thread::spawn(move || {
            let mut r = r;
            let mut total = 0;
            let mut buf = vec![0u8; 65536];
            // Drain one chunk so the pipe has room, then hand the read end
            // back so it stays open while the runtime writes.
            while total < 1 {
                match r.read(&mut buf) {
                    Ok(n) => total += n,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::yield_now(),
                    Err(e) => panic!("{e}"),
                }
            }
            (total, r)
        });
        let n = w.write_with(|f| (&*f).write(b"more")).await.unwrap();
        assert_eq!(n, 4);
        assert!(reader.join().unwrap().0 > 0);
    });
}

#[test]
fn async_fd_try_read_with_is_would_block_when_empty() {
    run(|| async {
        let (r, w) = pipe();
        let r = AsyncFd::new(r).unwrap();
        let err = r.try_read_with(|f| (&*f).read(&mut [0u8; 8])).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
        // Readiness was cleared: a second try does not reach the syscall.
        let mut reached = false;
        let err = r
            .try_read_with(|_| {
                reached = true;
                Ok(0)
            })
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
        assert!(!reached);
        (&w).write_all(b"x").unwrap();
        r.readable().await.unwrap();
        assert_eq!(r.try_read_with(|f| (&*f).read(&mut [0u8; 8])).unwrap(), 1);
    });
}

#[test]
fn async_fd_into_inner_gives_the_fd_back_deregistered() {
    run(|| async {
        let (r, w) = pipe();
        let fd = AsyncFd::new(r).unwrap();
        let r = fd.into_inner();
        // Registering the same fd again works only if it was deregistered.
        let again = AsyncFd::new(r).unwrap();
        (&w).write_all(b"y").unwrap();
        let n = again.read_with(|f| (&*f).read(&mut [0u8; 8])).await.unwrap();
        assert_eq!(n, 1);
    });
}

#[test]
fn async_fd_registration_error_is_an_os_error() {
    run(|| async {
        // epoll refuses a regular file at once; kqueue (whose changes ride
        // in the next wait) accepts it, or reports the refusal through the
        // source's next operation.
        let file = std::fs::File::open("/proc/self/exe").unwrap();
        match AsyncFd::new(file) {
            Err(err) => {
                assert_eq!(runtime::metrics().driver, "epoll");
                assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
                assert!(err.to_string().contains("epoll_ctl"), "{err}");
            }
            // io_uring: the poll rides in the next wait, and the driver
            // refuses the file there, as epoll would have (`EPERM`).
            Ok(fd) if runtime::metrics().driver == "uring" => {
                let err = fd.readable().await.unwrap_err();
                assert_eq!(err.raw_os_error(), Some(libc::EPERM), "{err:?}");
            }
            Ok(fd) => {
                assert_eq!(runtime::metrics().driver, "kqueue");
                runtime::time::sleep(Duration::from_millis(1)).await;
                if let Err(err) = fd.readable().await {
                    assert!(err.raw_os_error().is_some(), "{err:?}");
                }
            }
        }
    });
}

#[test]
fn async_fd_two_tasks_awaiting_readable_are_both_woken() {
    run(|| async {
        let (r, w) = pipe();
        let r = std::rc::Rc::new(AsyncFd::new(r).unwrap());
        // Drain the "assumed ready" start so both tasks really wait.
        let err = r.try_read_with(|f| (&*f).read(&mut [0u8; 8])).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let r = r.clone();
                runtime::spawn(async move { r.readable().await.map(drop) })
            })
            .collect();
        for _ in 0..3 {
            runtime::task::yield_now().await;
        }
        (&w).write_all(b"x").unwrap();
        for task in tasks {
            let woken = runtime::time::timeout(Duration::from_secs(5), task).await;
            woken.expect("every waiter is woken").unwrap().unwrap();
        }
    });
}

/// A pipe's read end registered with `rt`, with its readiness used up, so
/// that the next wait for it really waits.
fn drained_reader(rt: &runtime::Runtime) -> (AsyncFd<std::fs::File>, std::fs::File) {
    rt.block_on(async {
        let (r, w) = pipe();
        let r = AsyncFd::new(r).unwrap();
        let err = r.try_read_with(|f| (&*f).read(&mut [0u8; 8])).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
        (r, w)
    })
}

#[test]
fn async_fd_after_its_runtime_is_dropped_returns_an_error_saying_so() {
    crate::support::bounded(|| {
        let rt = runtime::Runtime::new().unwrap();
        let (r, _w) = drained_reader(&rt);
        drop(rt);
        let other = runtime::Runtime::new().unwrap();
        let err = other.block_on(r.readable()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::Other);
        assert!(err.to_string().contains("has shut down"), "{err}");
        let err = futures::executor::block_on(r.read_with(|f| (&*f).read(&mut [0u8; 8]))).unwrap_err();
        assert!(err.to_string().contains("has shut down"), "{err}");
    });
}

#[test]
fn async_fd_polled_from_another_runtime_fails_naming_the_mistake() {
    crate::support::bounded(|| {
        let rt = runtime::Runtime::new().unwrap();
        let (r, mut w) = drained_reader(&rt);
        let other = runtime::Runtime::new().unwrap();
        let err = other.block_on(r.readable()).unwrap_err();
        assert!(err.to_string().contains("different runtime"), "{err}");
        let err = futures::executor::block_on(r.readable()).unwrap_err();
        assert!(err.to_string().contains("outside its runtime"), "{err}");
        // Its own runtime still drives it.
        w.write_all(b"x").unwrap();
        rt.block_on(async { runtime::time::timeout(Duration::from_secs(5), r.readable()).await }).unwrap().unwrap();
    });
}
