//! Our own declarations of the C library on Linux x86_64 and aarch64
//! (glibc and musl), in place of the `libc` crate: only what `runtime` and
//! `net` use, each with the type, value or layout the `libc` crate gives it
//! on these four targets (`../tests/` checks that, item by item).
//!
//! This file holds the C types, `errno` and the calls on any file
//! descriptor; the rest is grouped by what uses it: `driver.rs` (epoll,
//! eventfd, the raw system calls, `mmap`, `stat`), `process.rs` (signals, CPU
//! affinity) and `socket.rs` (`net`, and the io_uring driver's
//! sockets). Where the targets differ, the item says so with a `cfg`:
//! `c_char` and `stat` by architecture, `ioctl`'s request type, `getrlimit`'s
//! resource type and `msghdr` by C library, `epoll_event` packed on x86_64.
//!
//! Names are C's, so this module allows them (lower-case types and constants).

#![allow(non_camel_case_types, non_upper_case_globals)]

mod driver;
mod process;
mod socket;

pub use self::driver::*;
pub use self::process::*;
pub use self::socket::*;

// The C types (every file; `SignalKind` and `net::unix::UCred` show
// `c_int`, `uid_t`, `gid_t` and `pid_t` in their public signatures, so these
// are aliases of the same primitive types as the `libc` crate's).

pub use core::ffi::c_void;
/// `char`: signed on x86_64, unsigned on aarch64.
#[cfg(target_arch = "x86_64")]
pub type c_char = i8;
/// `char`: signed on x86_64, unsigned on aarch64.
#[cfg(target_arch = "aarch64")]
pub type c_char = u8;
pub type c_short = i16;
pub type c_int = i32;
pub type c_uint = u32;
pub type c_long = i64;
pub type c_ulong = u64;
pub type size_t = usize;
pub type ssize_t = isize;
pub type pid_t = i32;
pub type uid_t = u32;
pub type gid_t = u32;
pub type mode_t = u32;
pub type off_t = i64;
pub type time_t = i64;

// errno values (the drivers' error paths, `net`, tests).

pub const EPERM: c_int = 1;
pub const ENOENT: c_int = 2;
pub const ESRCH: c_int = 3;
pub const EINTR: c_int = 4;
pub const EIO: c_int = 5;
pub const EBADF: c_int = 9;
pub const EAGAIN: c_int = 11;
pub const EBUSY: c_int = 16;
pub const EEXIST: c_int = 17;
pub const EINVAL: c_int = 22;
pub const EPIPE: c_int = 32;
pub const ENOSYS: c_int = 38;
pub const ETIME: c_int = 62;
pub const ENOBUFS: c_int = 105;
pub const ECONNREFUSED: c_int = 111;
pub const EINPROGRESS: c_int = 115;
pub const ECANCELED: c_int = 125;

// `fcntl` commands and flags (the kqueue driver's pipes and fds, the
// uring driver's send path, `net` on macOS-like paths and tests).

pub const F_GETFD: c_int = 1;
pub const F_SETFD: c_int = 2;
pub const F_GETFL: c_int = 3;
pub const F_SETFL: c_int = 4;
pub const F_DUPFD_CLOEXEC: c_int = 1030;
pub const FD_CLOEXEC: c_int = 1;
pub const O_NONBLOCK: c_int = 0o4000;

/// The type of `ioctl`'s request: `unsigned long` in glibc, `int` in musl.
#[cfg(target_env = "gnu")]
pub type Ioctl = c_ulong;
/// The type of `ioctl`'s request: `unsigned long` in glibc, `int` in musl.
#[cfg(target_env = "musl")]
pub type Ioctl = c_int;
/// `ioctl` request: set or clear nonblocking mode (`process`'s pipes).
pub const FIONBIO: Ioctl = 0x5421;

extern "C" {
    /// The calling thread's `errno` (glibc and musl both export it; the
    /// signal handler restores `errno` through it).
    pub fn __errno_location() -> *mut c_int;

    pub fn read(fd: c_int, buf: *mut c_void, count: size_t) -> ssize_t;
    pub fn write(fd: c_int, buf: *const c_void, count: size_t) -> ssize_t;
    pub fn close(fd: c_int) -> c_int;
    pub fn pipe(fds: *mut c_int) -> c_int;
    pub fn fcntl(fd: c_int, cmd: c_int, ...) -> c_int;
    pub fn ioctl(fd: c_int, request: Ioctl, ...) -> c_int;
}
