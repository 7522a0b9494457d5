//! Helpers for the net tests: fd flag checks, connected pairs, temporary
//! socket paths, socket options std lacks, and running a test's body in a
//! child process (for work that changes process-wide state: the fd table,
//! signal dispositions, resource limits).

#![allow(dead_code, unsafe_code)]

use std::io;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use net::{TcpListener, TcpStream};

/// Asserts that `fd` is in nonblocking mode and close-on-exec.
#[track_caller]
pub fn assert_nonblocking_cloexec(fd: &impl AsRawFd) {
    let fd = fd.as_raw_fd();
    // SAFETY: fcntl with F_GETFL/F_GETFD only reads the flags of an open fd.
    let (fl, fd_flags) = unsafe { (libc::fcntl(fd, libc::F_GETFL), libc::fcntl(fd, libc::F_GETFD)) };
    assert!(fl >= 0 && fd_flags >= 0, "fcntl({fd}): {}", io::Error::last_os_error());
    assert_ne!(fl & libc::O_NONBLOCK, 0, "fd {fd} is not nonblocking");
    assert_ne!(fd_flags & libc::FD_CLOEXEC, 0, "fd {fd} is not close-on-exec");
}

/// A connected TCP pair on loopback: (client, server).
pub async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// `SO_LINGER` with a zero timeout: closing the socket sends RST.
pub fn set_linger_zero(fd: &impl AsRawFd) {
    let linger = libc::linger { l_onoff: 1, l_linger: 0 };
    let len = std::mem::size_of::<libc::linger>() as libc::socklen_t;
    let ptr: *const libc::linger = &linger;
    // SAFETY: `ptr` points at a live linger struct of `len` bytes.
    let rc = unsafe { libc::setsockopt(fd.as_raw_fd(), libc::SOL_SOCKET, libc::SO_LINGER, ptr.cast(), len) };
    assert_eq!(rc, 0, "SO_LINGER: {}", io::Error::last_os_error());
}

/// `shutdown(fd, SHUT_WR)`, bypassing `net`, with the OS error.
pub fn raw_shutdown(fd: &impl AsRawFd) -> io::Result<()> {
    // SAFETY: shutdown(2) on an fd the caller keeps open.
    let rc = unsafe { libc::shutdown(fd.as_raw_fd(), libc::SHUT_WR) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// `read(fd)` into a small buffer, bypassing `net`, with the OS error.
pub fn raw_read(fd: &impl AsRawFd) -> io::Result<usize> {
    let mut buf = [0u8; 64];
    // SAFETY: read(2) into a live buffer of `buf.len()` bytes, on an fd the caller keeps open.
    let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
    usize::try_from(n).map_err(|_| io::Error::last_os_error())
}

/// Raises this process's soft `RLIMIT_NOFILE` to its hard limit and returns
/// the new soft limit.
pub fn raise_fd_limit() -> u64 {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes into the rlimit struct we pass.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    lim.rlim_cur = lim.rlim_max;
    // SAFETY: setrlimit reads the struct; raising the soft limit up to the hard one is always allowed.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    lim.rlim_cur
}

/// Lowers this process's soft `RLIMIT_NOFILE` to `soft`. Only for child
/// processes: the test harness shares the fd table between its threads.
pub fn lower_fd_limit(soft: u64) {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: as in `raise_fd_limit`.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    lim.rlim_cur = soft;
    // SAFETY: as in `raise_fd_limit`; lowering the soft limit is always allowed.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
}

/// Restores the default `SIGPIPE` disposition (terminate), which the Rust
/// runtime sets to "ignore" before `main`. Only for child processes.
pub fn default_sigpipe() {
    // SAFETY: installs the default disposition; no handler code runs.
    let previous = unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    assert_ne!(previous, libc::SIG_ERR);
}

/// A unique socket path in the temporary directory, removed on drop.
#[derive(Debug)]
pub struct TempPath(PathBuf);

impl TempPath {
    pub fn new(tag: &str) -> TempPath {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("net-test-{}-{tag}-{n}.sock", std::process::id());
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_file(&path);
        TempPath(path)
    }
}

impl AsRef<Path> for TempPath {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

pub use crate::support::{child_role, run_child, spawn_child, wait_child};

/// Compile-time check that `T` is not `Send` (the `static_assertions`
/// trick: if `T: Send`, both impls apply and the call is ambiguous).
#[macro_export]
macro_rules! assert_not_send {
    ($t:ty) => {{
        trait AmbiguousIfSend<A> {
            fn check() {}
        }
        impl<T: ?Sized> AmbiguousIfSend<()> for T {}
        #[allow(dead_code)]
        struct Invalid;
        impl<T: ?Sized + Send> AmbiguousIfSend<Invalid> for T {}
        <$t as AmbiguousIfSend<_>>::check()
    }};
}
