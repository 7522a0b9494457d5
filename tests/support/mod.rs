//! Helpers shared by the integration tests.
//!
//! Every test that waits runs through [`run`], which bounds it: the body runs
//! on its own thread and runtime, and the test fails if it has not finished
//! within [`LIMIT`], instead of hanging CI.

#![allow(dead_code)]

use std::future::Future;
use std::io::Read;
use std::panic::resume_unwind;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use runtime::{Builder, UnhandledPanic};

/// How long any one test may take.
pub const LIMIT: Duration = Duration::from_secs(30);

/// Runs the future `make` returns on a fresh runtime (unhandled panics shut
/// it down, as in `#[runtime::test]`), on its own thread, bounded by [`LIMIT`].
pub fn run<F, Fut>(make: F) -> Fut::Output
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future,
    Fut::Output: Send + 'static,
{
    run_with(Builder::new().unhandled_panic(UnhandledPanic::ShutdownRuntime), make)
}

/// [`run`] with a runtime from `builder`.
pub fn run_with<F, Fut>(builder: Builder, make: F) -> Fut::Output
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future,
    Fut::Output: Send + 'static,
{
    bounded(move || {
        let rt = builder.build().expect("build runtime");
        rt.block_on(make())
    })
}

/// Runs `f` on its own thread and fails if it takes longer than [`LIMIT`].
pub fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(LIMIT) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("test did not finish within {LIMIT:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(panic) => resume_unwind(panic),
            Ok(()) => unreachable!("the test thread ended without a result or a panic"),
        },
    }
}

/// The text of a panic payload (`&str` or `String`).
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// How many fds this process has open.
pub fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0)
}

/// A nonblocking pipe: (read end, write end).
pub fn pipe() -> (std::fs::File, std::fs::File) {
    let (r, w) = std::io::pipe().expect("pipe");
    let (r, w): (std::os::fd::OwnedFd, std::os::fd::OwnedFd) = (r.into(), w.into());
    set_nonblocking(&r);
    set_nonblocking(&w);
    (r.into(), w.into())
}

fn set_nonblocking(fd: &std::os::fd::OwnedFd) {
    use std::os::fd::AsRawFd;
    // Tests may use libc directly; the crate's own unsafe stays in its modules.
    #[allow(unsafe_code)]
    // SAFETY: fcntl on an fd we own, with integer arguments only.
    unsafe {
        let flags = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
        assert!(flags >= 0);
        assert_eq!(libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK), 0);
    }
}

/// Runs `body` alone in a child process (this test binary, filtered to
/// `test_path`, e.g. `"drop::drop_leaks_nothing"`), for checks that the
/// other tests' threads would disturb: fd counts, fd limits, signal handlers.
/// In the parent it asserts that the child ran exactly that one test and
/// passed, bounded by [`LIMIT`]; the child's output is shown only on failure.
pub fn isolated(test_path: &str, body: impl FnOnce()) {
    isolated_with_env(test_path, &[], body);
}

/// [`isolated`], with extra environment variables set in the child.
pub fn isolated_with_env(test_path: &str, env: &[(&str, &str)], body: impl FnOnce()) {
    if child_role(test_path).is_some() {
        body();
    } else {
        wait_child(spawn_child_with_env(test_path, "", env), LIMIT);
    }
}

/// The environment variable that tells a re-invoked test binary which test
/// it runs as a child, and the one that passes it a parameter.
const CHILD: &str = "NET_TEST_CHILD";
const CHILD_ARG: &str = "NET_TEST_CHILD_ARG";

/// `Some(arg)` when this process is the child started by
/// [`run_child`]`(test, ..)`: the caller then does the child's work.
pub fn child_role(test: &str) -> Option<String> {
    (std::env::var(CHILD).ok()? == test).then(|| std::env::var(CHILD_ARG).unwrap_or_default())
}

/// Re-invokes this test binary to run only `test` (its full name, e.g.
/// `faults::tcp_listener_accept_returns_emfile`) with `arg`, as a child
/// process in which [`child_role`] returns `Some(arg)`. Returns the child,
/// with stdout piped.
pub fn spawn_child(test: &str, arg: &str) -> std::process::Child {
    spawn_child_with_env(test, arg, &[])
}

/// [`spawn_child`], with extra environment variables set in the child.
pub fn spawn_child_with_env(test: &str, arg: &str, env: &[(&str, &str)]) -> std::process::Child {
    let exe = std::env::current_exe().expect("current_exe");
    Command::new(exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, test)
        .env(CHILD_ARG, arg)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the test binary as a child")
}

/// Runs `test` as a child (see [`spawn_child`]) and asserts that it ran
/// exactly that one test and passed within `limit` (killed otherwise).
pub fn run_child(test: &str, arg: &str, limit: Duration) {
    let child = spawn_child(test, arg);
    wait_child(child, limit);
}

/// Waits for a child from [`spawn_child`] and asserts it passed its test.
pub fn wait_child(mut child: std::process::Child, limit: Duration) {
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break child.wait().expect("reap the child");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    assert!(start.elapsed() <= limit, "child test did not finish within {limit:?}:\n{out}\n{err}");
    assert!(status.success(), "child failed ({status}):\n{out}\n{err}");
    assert!(out.contains("1 passed"), "the child ran no test:\n{out}\n{err}");
}

/// tokio's `support::panic::test_panic`: runs `func` and returns the file
/// of the panic it raises (`None` if it does not panic). It sets the
/// process's panic hook for the call, so run it in an [`isolated`] child.
pub fn test_panic<Func: FnOnce() + std::panic::UnwindSafe>(func: Func) -> Option<String> {
    use std::sync::{Arc, Mutex};
    let panic_file: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let prev_hook = std::panic::take_hook();
    {
        let panic_file = panic_file.clone();
        std::panic::set_hook(Box::new(move |panic_info| {
            let panic_location = panic_info.location().unwrap();
            panic_file.lock().unwrap().clone_from(&Some(panic_location.file().to_string()));
        }));
    }
    let result = std::panic::catch_unwind(func);
    std::panic::set_hook(prev_hook);
    if result.is_err() {
        panic_file.lock().unwrap().clone()
    } else {
        None
    }
}
