//! The process-wide half of signal handling: the handler, the self-pipe,
//! the arrival counts and the listeners. The only `unsafe` of `signal`.
//!
//! # The protocol
//!
//! - The **handler** (installed once per signal, never removed) does two
//!   async-signal-safe things: it bumps `ARRIVALS[signal]` and writes one
//!   byte to the pipe, whose write end is non-blocking, so the handler never
//!   blocks (a full pipe already holds a byte that will be read).
//! - Each runtime that uses signals has a **dispatch task** (`dispatch.rs`)
//!   reading its own duplicate of the pipe's read end. After each read it
//!   calls [`broadcast`]: `DELIVERED[signal]` catches up with `ARRIVALS`, and
//!   every listener behind it is woken. So a signal is delivered at a
//!   runtime's turn (as in tokio), never in the handler.
//! - A **listener** (one per `Signal`) remembers the `DELIVERED` count it
//!   has seen: at its creation, then at each `recv`. `poll` completes when
//!   the count has moved past it, so no arrival between two `recv` calls is
//!   lost (arrivals between two polls coalesce into one, as in tokio).
//! - `poll` checks the count and stores its waker under the listeners'
//!   lock; `broadcast` raises the count before taking that lock. So either
//!   `poll` sees the new count or `broadcast` sees its waker. Wakers are
//!   woken, and replaced ones dropped, after the lock is released; dropping
//!   a `Signal` removes its listener and its waker.

use std::io;
use std::os::fd::{AsRawFd, IntoRawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering::SeqCst};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker};

use slab::Slab;

use crate::driver::syscall::{annotate, cvt};
use crate::sys::libc;

/// Signal numbers are below this (Linux's real-time signals end at 64;
/// other systems have fewer, and `sigaction` refuses what they lack).
pub(crate) const SIGNAL_LIMIT: usize = 65;

/// Signals a process may not or should not catch (as tokio refuses them).
const FORBIDDEN: [libc::c_int; 5] = [libc::SIGILL, libc::SIGFPE, libc::SIGKILL, libc::SIGSEGV, libc::SIGSTOP];

/// Arrivals per signal, bumped by the handler.
static ARRIVALS: [AtomicU64; SIGNAL_LIMIT] = [const { AtomicU64::new(0) }; SIGNAL_LIMIT];
/// Arrivals per signal that a dispatch task has passed on to listeners.
static DELIVERED: [AtomicU64; SIGNAL_LIMIT] = [const { AtomicU64::new(0) }; SIGNAL_LIMIT];
/// The pipe's write end, for the handler; -1 until the pipe exists.
static PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);
/// The pipe's read end; dispatch tasks read duplicates of it.
static PIPE_READ: OnceLock<Result<UnixStream, SavedError>> = OnceLock::new();
/// Whether the handler of each signal is installed (or why not).
static INSTALLED: [OnceLock<Result<(), SavedError>>; SIGNAL_LIMIT] = [const { OnceLock::new() }; SIGNAL_LIMIT];
static LISTENERS: Mutex<Slab<Listener>> = Mutex::new(Slab::new());

/// An `io::Error` kept in a static, to be handed out again.
type SavedError = (io::ErrorKind, String);

fn save(e: io::Error) -> SavedError {
    (e.kind(), e.to_string())
}

fn restore(saved: &SavedError) -> io::Error {
    io::Error::new(saved.0, saved.1.clone())
}

/// One `Signal`'s place in the registry.
#[derive(Debug)]
struct Listener {
    signal: usize,
    /// The `DELIVERED` count it has consumed.
    seen: u64,
    waker: Option<Waker>,
}

fn listeners() -> MutexGuard<'static, Slab<Listener>> {
    // Only plain field updates happen under the lock: never poisoned mid-way.
    LISTENERS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Checks `signum`, makes sure the pipe exists and the handler is
/// installed, and adds a listener that counts deliveries from now on.
/// Returns the listener's key.
pub(crate) fn register(signum: libc::c_int) -> io::Result<usize> {
    let signal = check(signum)?;
    pipe_read()?;
    INSTALLED[signal].get_or_init(|| install(signum).map_err(save)).as_ref().map_err(restore)?;
    let seen = DELIVERED[signal].load(SeqCst);
    Ok(listeners().insert(Listener { signal, seen, waker: None }))
}

/// The signal number as an index, or why it cannot be watched.
fn check(signum: libc::c_int) -> io::Result<usize> {
    if signum <= 0 || FORBIDDEN.contains(&signum) {
        return Err(io::Error::other(format!("Refusing to register signal {signum}")));
    }
    let signal = signum as usize;
    if signal >= SIGNAL_LIMIT {
        return Err(io::Error::other(format!("signal {signum} is too large to watch (limit {SIGNAL_LIMIT})")));
    }
    Ok(signal)
}

/// Completes once a signal was delivered since the listener last completed
/// (or was created); otherwise keeps `cx`'s waker.
pub(crate) fn poll(key: usize, cx: &mut Context<'_>) -> Poll<()> {
    let mut all = listeners();
    let listener = &mut all[key];
    let delivered = DELIVERED[listener.signal].load(SeqCst);
    if delivered > listener.seen {
        listener.seen = delivered;
        return Poll::Ready(());
    }
    let replaced = match &listener.waker {
        Some(w) if w.will_wake(cx.waker()) => None,
        _ => listener.waker.replace(cx.waker().clone()),
    };
    drop(all);
    drop(replaced);
    Poll::Pending
}

/// Removes a listener; its waker is dropped after the lock is released.
pub(crate) fn deregister(key: usize) {
    let removed = listeners().try_remove(key);
    drop(removed);
}

/// Passes every arrival so far on to the listeners, waking those behind.
pub(crate) fn broadcast() {
    for (arrived, delivered) in ARRIVALS.iter().zip(&DELIVERED) {
        delivered.fetch_max(arrived.load(SeqCst), SeqCst);
    }
    let wakers: Vec<Waker> = listeners()
        .iter_mut()
        .filter(|(_, l)| DELIVERED[l.signal].load(SeqCst) > l.seen)
        .filter_map(|(_, l)| l.waker.take())
        .collect();
    wakers.into_iter().for_each(Waker::wake);
}

/// A new duplicate of the pipe's read end (non-blocking, close-on-exec),
/// for a runtime's dispatch task.
pub(crate) fn pipe_reader() -> io::Result<UnixStream> {
    pipe_read()?.try_clone().map_err(|e| annotate(e, "duplicating the signal pipe"))
}

fn pipe_read() -> io::Result<&'static UnixStream> {
    PIPE_READ.get_or_init(|| make_pipe().map_err(save)).as_ref().map_err(restore)
}

/// The self-pipe, both ends non-blocking; publishes the write end.
fn make_pipe() -> io::Result<UnixStream> {
    let (read, write) = UnixStream::pair().map_err(|e| annotate(e, "creating the signal pipe"))?;
    read.set_nonblocking(true).map_err(|e| annotate(e, "making the signal pipe non-blocking"))?;
    write.set_nonblocking(true).map_err(|e| annotate(e, "making the signal pipe non-blocking"))?;
    // The write end stays open for the life of the process: a handler may
    // run at any time.
    PIPE_WRITE.store(write.into_raw_fd(), SeqCst);
    debug_assert!(read.as_raw_fd() >= 0);
    Ok(read)
}

fn install(signum: libc::c_int) -> io::Result<()> {
    // SAFETY: a zeroed sigaction is a valid value; we set the handler, the
    // flags and an empty mask, and `handler` only does async-signal-safe
    // things (atomics, write(2), errno).
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        cvt(libc::sigaction(signum, &action, std::ptr::null_mut()))
            .map_err(|e| annotate(e, &format!("sigaction({signum})")))?;
    }
    Ok(())
}

/// Runs in signal context: one counter bump and one non-blocking
/// `write(2)`, with `errno` preserved.
extern "C" fn handler(signum: libc::c_int) {
    let errno = io::Error::last_os_error().raw_os_error().unwrap_or(0);
    if let Some(count) = usize::try_from(signum).ok().and_then(|s| ARRIVALS.get(s)) {
        count.fetch_add(1, SeqCst);
    }
    let fd = PIPE_WRITE.load(SeqCst);
    if fd >= 0 {
        let byte = 1u8;
        // SAFETY: write(2) is async-signal-safe; `byte` is valid for one
        // byte; the write end is never closed once published. It is
        // non-blocking: if the pipe is full, a byte is already waiting.
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

#[cfg(test)]
pub(crate) fn listener_count() -> usize {
    listeners().len()
}
