//! `ctrl_c()`: wait for SIGINT.
//!
//! The portable self-pipe design: the first call installs a SIGINT handler
//! that writes one byte to a pipe (a `write(2)` is async-signal-safe), and
//! starts one helper thread that reads the pipe and, for each signal, bumps a
//! generation counter and wakes every waiting task (a cross-thread wake, as
//! from `spawn_blocking`). A waiter completes once the generation has moved
//! past the one it started at. Once installed, SIGINT no longer ends the
//! process by itself (as with tokio).

use std::fs::File;
use std::future::poll_fn;
use std::io::{self, Read};
use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};
use std::sync::atomic::{AtomicI32, Ordering::Relaxed};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::task::{Poll, Waker};
use std::thread;

use crate::driver::syscall::{context, cvt};

/// The pipe's write end, for the handler; -1 until installed.
static PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);

/// Signals seen so far, and the tasks waiting for the next one.
#[derive(Default)]
struct Waiters {
    generation: u64,
    wakers: Vec<Waker>,
}

static WAITERS: Mutex<Waiters> = Mutex::new(Waiters { generation: 0, wakers: Vec::new() });
static INSTALLED: OnceLock<Result<(), (io::ErrorKind, String)>> = OnceLock::new();

/// Completes when the process receives SIGINT (Ctrl-C) after this call.
///
/// # Errors
/// If the handler cannot be installed (no fds for its pipe, no thread).
pub async fn ctrl_c() -> io::Result<()> {
    install()?;
    let start = lock().generation;
    poll_fn(|cx| {
        let mut waiters = lock();
        if waiters.generation > start {
            return Poll::Ready(Ok(()));
        }
        if !waiters.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            waiters.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    })
    .await
}

fn lock() -> std::sync::MutexGuard<'static, Waiters> {
    WAITERS.lock().unwrap_or_else(PoisonError::into_inner)
}

fn install() -> io::Result<()> {
    let result = INSTALLED.get_or_init(|| try_install().map_err(|e| (e.kind(), e.to_string())));
    result.clone().map_err(|(kind, msg)| io::Error::new(kind, msg))
}

fn try_install() -> io::Result<()> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two fds pipe writes.
    cvt(unsafe { libc::pipe(fds.as_mut_ptr()) }).map_err(|e| context(e, "pipe for SIGINT"))?;
    // SAFETY: both fds were just returned by the kernel and nothing else owns them.
    let (read, write) = unsafe { (File::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    for fd in fds {
        // SAFETY: fcntl with integer arguments on fds we own.
        cvt(unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) })?;
    }
    thread::Builder::new().name("runtime-signal".into()).spawn(move || dispatch(read))?;
    PIPE_WRITE.store(write.into_raw_fd(), Relaxed);
    // SAFETY: a zeroed sigaction is valid; we set the handler and flags, and
    // `handler` only calls async-signal-safe functions.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        cvt(libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut()))
            .map_err(|e| context(e, "sigaction(SIGINT)"))?;
    }
    Ok(())
}

/// Runs in signal context: one `write(2)`, with `errno` preserved.
extern "C" fn handler(_signal: libc::c_int) {
    let errno = io::Error::last_os_error().raw_os_error().unwrap_or(0);
    let fd = PIPE_WRITE.load(Relaxed);
    if fd >= 0 {
        let byte = 1u8;
        // SAFETY: write(2) is async-signal-safe; `byte` is valid for one byte;
        // the pipe's write end is never closed once installed.
        let _ = unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
    }
    set_errno(errno);
}

#[cfg(target_os = "linux")]
fn set_errno(errno: i32) {
    // SAFETY: __errno_location returns this thread's errno slot.
    unsafe { *libc::__errno_location() = errno };
}

#[cfg(not(any(target_os = "linux", target_os = "netbsd", target_os = "openbsd")))]
fn set_errno(errno: i32) {
    // SAFETY: __error returns this thread's errno slot.
    unsafe { *libc::__error() = errno };
}

#[cfg(any(target_os = "netbsd", target_os = "openbsd"))]
fn set_errno(errno: i32) {
    // SAFETY: __errno returns this thread's errno slot.
    unsafe { *libc::__errno() = errno };
}

/// The helper thread: one generation per byte read, waking every waiter.
fn dispatch(mut read: File) {
    let mut buf = [0u8; 64];
    loop {
        match read.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {
                let wakers = {
                    let mut waiters = lock();
                    waiters.generation += 1;
                    std::mem::take(&mut waiters.wakers)
                };
                wakers.into_iter().for_each(Waker::wake);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}
