//! The io_uring driver as a user asks for it: `Driver::Uring`,
//! `RUNTIME_DRIVER=uring`, `driver = "uring"`; and the fallback where it
//! cannot run, which never fails and which `metrics()` reports.
//!
//! These run in every suite: where the `io-uring` feature is off (the
//! epoll and kqueue runs), asking for io_uring gives the platform's driver
//! with `fallback_errno == 0`; in the `RUNTIME_DRIVER=uring` run, io_uring.

use std::io::{Read, Write};
use std::time::Duration;

use runtime::{Builder, Driver, Metrics};

use crate::support::{isolated, isolated_with_env, run_with};

/// io_uring runs, or the epoll driver runs because it was not compiled in.
/// With `URING_REQUIRED` set (`.ci/run`'s io_uring suite), io_uring runs.
fn uring_or_not_compiled(m: &Metrics) {
    if std::env::var_os("URING_REQUIRED").is_some() {
        assert_eq!(m.driver, "uring", "URING_REQUIRED, but: {m:?}");
    }
    match m.driver {
        "uring" => assert_eq!((m.fallback_from, m.fallback_errno), (None, 0), "{m:?}"),
        _ => {
            assert_eq!(m.driver, "epoll", "{m:?}");
            assert_eq!((m.fallback_from, m.fallback_errno), (Some("uring"), 0), "{m:?}");
        }
    }
}

/// A TCP round trip and a timer: the runtime works on whichever driver runs.
async fn works() -> Metrics {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let client = std::thread::spawn(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(b"ping").unwrap();
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).unwrap();
        buf
    });
    let listener = net::TcpListener::from_std(listener).unwrap();
    let (mut stream, _) = listener.accept().await.unwrap();
    let mut buf = [0u8; 4];
    stream.read_exact(&mut buf).await.unwrap();
    stream.write_all(&buf).await.unwrap();
    runtime::time::sleep(Duration::from_millis(1)).await;
    assert_eq!(&client.join().unwrap(), b"ping");
    runtime::metrics()
}

#[test]
fn uring_builder_driver_runs_it_or_says_it_was_not_compiled_in() {
    let m = run_with(Builder::new().driver(Driver::Uring), works);
    uring_or_not_compiled(&m);
    if m.driver == "uring" {
        assert!(m.changes >= 1 && m.wait_syscalls >= 1, "{m:?}");
    }
}

#[test]
fn uring_named_by_runtime_driver_env() {
    isolated_with_env("uring_driver::uring_named_by_runtime_driver_env", &[("RUNTIME_DRIVER", "uring")], || {
        let rt = runtime::Runtime::new().expect("RUNTIME_DRIVER=uring builds");
        uring_or_not_compiled(&rt.block_on(works()));
    });
}

#[runtime::test(driver = "uring")]
async fn uring_named_by_the_macros() {
    uring_or_not_compiled(&works().await);
}

/// Dropping a source releases its file before the next turn: the cancel
/// of its poll (which holds the file) is submitted at once. Without that,
/// the listener would still take this connection.
#[test]
fn uring_dropped_listener_refuses_connections_at_once() {
    run_with(Builder::new().driver(Driver::Uring), || async {
        let listener = net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        runtime::task::yield_now().await; // the poll is armed
        drop(listener);
        let err = std::net::TcpStream::connect(addr).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    });
}

/// Installs a seccomp filter on this thread (inherited by the threads it
/// starts) that fails `io_uring_setup` with `errno`, as a container's
/// policy does.
#[allow(unsafe_code)]
fn refuse_io_uring_setup(errno: u32) {
    let stmt = |code: u32, k: u32| libc::sock_filter { code: code as u16, jt: 0, jf: 0, k };
    let filter = [
        stmt(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0), // seccomp_data.nr
        libc::sock_filter {
            code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
            jt: 0,
            jf: 1,
            k: libc::SYS_io_uring_setup as u32,
        },
        stmt(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ERRNO | errno),
        stmt(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ALLOW),
    ];
    let prog = libc::sock_fprog { len: filter.len() as u16, filter: filter.as_ptr() as *mut _ };
    // SAFETY: prctl with integer arguments, then with a pointer to a filter
    // program that lives across the call (the kernel copies it).
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        assert_eq!(libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &prog as *const _), 0);
    }
}

fn falls_back_when_refused(test: &str, errno: i32) {
    isolated(test, || {
        refuse_io_uring_setup(errno as u32);
        let m = run_with(Builder::new().driver(Driver::Uring), works);
        assert_eq!(m.driver, "epoll", "{m:?}");
        assert_eq!(m.fallback_from, Some("uring"), "{m:?}");
        // Where the feature is off, io_uring_setup was never tried.
        assert!(m.fallback_errno == errno || m.fallback_errno == 0, "{m:?}");
        assert_eq!(m.change_syscalls, m.changes, "the epoll driver's invariant: {m:?}");
    });
}

#[test]
fn uring_refused_by_seccomp_with_eperm_falls_back_to_epoll() {
    falls_back_when_refused("uring_driver::uring_refused_by_seccomp_with_eperm_falls_back_to_epoll", libc::EPERM);
}

#[test]
fn uring_missing_from_the_kernel_enosys_falls_back_to_epoll() {
    falls_back_when_refused("uring_driver::uring_missing_from_the_kernel_enosys_falls_back_to_epoll", libc::ENOSYS);
}

#[test]
fn uring_fallback_is_none_for_the_other_drivers() {
    let m = run_with(Builder::new().driver(Driver::Epoll), works);
    assert_eq!((m.driver, m.fallback_from, m.fallback_errno), ("epoll", None, 0));
}
