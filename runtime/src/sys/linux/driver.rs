//! What the drivers use: epoll and eventfd (the epoll driver, the kqueue
//! emulation), `poll` (the emulation), `timespec` and `sigset_t` (the
//! `epoll_pwait2` and `kevent` timeouts), the raw system calls of io_uring
//! and its rings' `mmap`, `prctl`'s timer slack, `fstat` (what kind of file
//! an fd is) and `getrlimit` (the uring driver's fixed-file table).

use super::{c_int, c_long, c_short, c_uint, c_ulong, c_void, mode_t, off_t, size_t, time_t};

// epoll (driver/epoll.rs, driver/kqueue/emulation/).

pub const EPOLLIN: c_int = 0x1;
pub const EPOLLPRI: c_int = 0x2;
pub const EPOLLOUT: c_int = 0x4;
pub const EPOLLERR: c_int = 0x8;
pub const EPOLLHUP: c_int = 0x10;
pub const EPOLLRDHUP: c_int = 0x2000;
pub const EPOLLET: c_int = 1 << 31;
pub const EPOLL_CLOEXEC: c_int = 0o2000000;
pub const EPOLL_CTL_ADD: c_int = 1;
pub const EPOLL_CTL_DEL: c_int = 2;
pub const EPOLL_CTL_MOD: c_int = 3;

/// One epoll event. The kernel packs it on x86_64 (12 bytes), not on
/// aarch64 (16 bytes).
#[cfg_attr(target_arch = "x86_64", repr(C, packed))]
#[cfg_attr(not(target_arch = "x86_64"), repr(C))]
#[derive(Clone, Copy, Debug)]
pub struct epoll_event {
    pub events: u32,
    pub u64: u64,
}

// eventfd (the epoll and uring drivers' remote wake, the emulation).

pub const EFD_CLOEXEC: c_int = 0o2000000;
pub const EFD_NONBLOCK: c_int = 0o4000;

// poll (the emulation's write readiness of a pipe or socket; the uring
// driver's poll masks).

pub const POLLIN: c_short = 0x1;
pub const POLLPRI: c_short = 0x2;
pub const POLLOUT: c_short = 0x4;
pub const POLLERR: c_short = 0x8;
pub const POLLRDHUP: c_short = 0x2000;
pub type nfds_t = c_ulong;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct pollfd {
    pub fd: c_int,
    pub events: c_short,
    pub revents: c_short,
}

// Timeouts: `epoll_pwait2`'s (with no signal mask) and `kevent`'s.

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct timespec {
    pub tv_sec: time_t,
    pub tv_nsec: c_long,
}

/// A signal set, 1024 bits (only ever passed as a null pointer here).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sigset_t {
    __val: [c_ulong; 16],
}

// Raw system calls: io_uring (driver/uring/), `pidfd_open`
// (driver/process.rs) and `epoll_pwait2`. The numbers are the same on
// x86_64 and aarch64 (the common table from 424 on).

pub const SYS_io_uring_setup: c_long = 425;
pub const SYS_io_uring_enter: c_long = 426;
pub const SYS_io_uring_register: c_long = 427;
pub const SYS_pidfd_open: c_long = 434;
pub const SYS_epoll_pwait2: c_long = 441;

// `prctl`: the epoll driver reads the thread's timer slack.

pub const PR_SET_TIMERSLACK: c_int = 29;
pub const PR_GET_TIMERSLACK: c_int = 30;

// `mmap` of io_uring's rings and buffer rings (driver/uring/sys.rs).

pub const PROT_READ: c_int = 1;
pub const PROT_WRITE: c_int = 2;
pub const MAP_SHARED: c_int = 0x1;
pub const MAP_PRIVATE: c_int = 0x2;
pub const MAP_ANONYMOUS: c_int = 0x20;
pub const MAP_POPULATE: c_int = 0x8000;
pub const MAP_FAILED: *mut c_void = !0 as *mut c_void;

// `fstat` (the emulation and the uring driver ask what kind of file an fd
// is: only `st_mode` is read).

pub const S_IFMT: mode_t = 0o170000;
pub const S_IFIFO: mode_t = 0o010000;
pub const S_IFDIR: mode_t = 0o040000;
pub const S_IFREG: mode_t = 0o100000;

/// `struct stat` on x86_64 (glibc and musl: 144 bytes).
#[cfg(target_arch = "x86_64")]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct stat {
    pub st_dev: u64,
    pub st_ino: u64,
    pub st_nlink: u64,
    pub st_mode: mode_t,
    pub st_uid: u32,
    pub st_gid: u32,
    __pad0: c_int,
    pub st_rdev: u64,
    pub st_size: off_t,
    pub st_blksize: i64,
    pub st_blocks: i64,
    pub st_atime: time_t,
    pub st_atime_nsec: i64,
    pub st_mtime: time_t,
    pub st_mtime_nsec: i64,
    pub st_ctime: time_t,
    pub st_ctime_nsec: i64,
    __unused: [i64; 3],
}

/// `struct stat` on aarch64 (the generic layout, glibc and musl: 128 bytes).
#[cfg(target_arch = "aarch64")]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct stat {
    pub st_dev: u64,
    pub st_ino: u64,
    pub st_mode: mode_t,
    pub st_nlink: u32,
    pub st_uid: u32,
    pub st_gid: u32,
    pub st_rdev: u64,
    __pad1: u64,
    pub st_size: off_t,
    pub st_blksize: i32,
    __pad2: c_int,
    pub st_blocks: i64,
    pub st_atime: time_t,
    pub st_atime_nsec: c_long,
    pub st_mtime: time_t,
    pub st_mtime_nsec: c_long,
    pub st_ctime: time_t,
    pub st_ctime_nsec: c_long,
    __unused: [c_int; 2],
}

// `getrlimit(RLIMIT_NOFILE)`: the uring driver sizes its fixed-file table.

/// The type of `getrlimit`'s resource: `unsigned int` in glibc (the `libc`
/// crate's `__rlimit_resource_t`), `int` in musl (which names no type).
#[cfg(target_env = "gnu")]
type Resource = c_uint;
/// The type of `getrlimit`'s resource: `unsigned int` in glibc (the `libc`
/// crate's `__rlimit_resource_t`), `int` in musl (which names no type).
#[cfg(target_env = "musl")]
type Resource = c_int;
pub const RLIMIT_NOFILE: Resource = 7;
pub type rlim_t = u64;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct rlimit {
    pub rlim_cur: rlim_t,
    pub rlim_max: rlim_t,
}

extern "C" {
    pub fn epoll_create1(flags: c_int) -> c_int;
    pub fn epoll_ctl(epfd: c_int, op: c_int, fd: c_int, event: *mut epoll_event) -> c_int;
    pub fn epoll_wait(epfd: c_int, events: *mut epoll_event, maxevents: c_int, timeout: c_int) -> c_int;
    pub fn eventfd(initval: c_uint, flags: c_int) -> c_int;
    pub fn poll(fds: *mut pollfd, nfds: nfds_t, timeout: c_int) -> c_int;
    pub fn syscall(num: c_long, ...) -> c_long;
    pub fn prctl(option: c_int, ...) -> c_int;
    pub fn mmap(addr: *mut c_void, len: size_t, prot: c_int, flags: c_int, fd: c_int, offset: off_t) -> *mut c_void;
    pub fn munmap(addr: *mut c_void, len: size_t) -> c_int;
    pub fn fstat(fd: c_int, buf: *mut stat) -> c_int;
    pub fn getrlimit(resource: Resource, rlim: *mut rlimit) -> c_int;
}
