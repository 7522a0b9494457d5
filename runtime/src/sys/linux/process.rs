//! Signals (`signal/`, `process/`, `pool/`'s stop on SIGINT/SIGTERM) and the
//! CPU affinity of a thread (`pool/affinity.rs`).

use super::{c_int, c_ulong, pid_t, sigset_t, size_t};

// Signal numbers: the same on x86_64 and aarch64.

pub const SIGHUP: c_int = 1;
pub const SIGINT: c_int = 2;
pub const SIGQUIT: c_int = 3;
pub const SIGILL: c_int = 4;
pub const SIGFPE: c_int = 8;
pub const SIGKILL: c_int = 9;
pub const SIGUSR1: c_int = 10;
pub const SIGSEGV: c_int = 11;
pub const SIGUSR2: c_int = 12;
pub const SIGPIPE: c_int = 13;
pub const SIGALRM: c_int = 14;
pub const SIGTERM: c_int = 15;
pub const SIGCHLD: c_int = 17;
pub const SIGSTOP: c_int = 19;
pub const SIGURG: c_int = 23;
pub const SIGWINCH: c_int = 28;
pub const SIGIO: c_int = 29;

/// `sigaction`'s flag: restart system calls the handler interrupted.
pub const SA_RESTART: c_int = 0x1000_0000;

/// A handler's address, as `sigaction` holds it.
pub type sighandler_t = size_t;

/// `struct sigaction` as glibc and musl lay it out on x86_64 and aarch64
/// (not the kernel's, which the C library translates).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sigaction {
    pub sa_sigaction: sighandler_t,
    pub sa_mask: sigset_t,
    pub sa_flags: c_int,
    pub sa_restorer: Option<extern "C" fn()>,
}

// CPU affinity: `cpu_set_t` and the C macros `CPU_SET`/`CPU_ISSET` (the
// `libc` crate's functions of the same names and signatures).

/// The most CPUs a `cpu_set_t` names, as the `libc` crate declares it
/// (glibc: 1024; musl before 1.2: 128, which the crate still uses).
#[cfg(target_env = "gnu")]
pub const CPU_SETSIZE: c_int = 0x400;
/// The most CPUs a `cpu_set_t` names, as the `libc` crate declares it
/// (glibc: 1024; musl before 1.2: 128, which the crate still uses).
#[cfg(target_env = "musl")]
pub const CPU_SETSIZE: c_int = 128;

/// A set of CPUs, one bit each (128 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct cpu_set_t {
    bits: [c_ulong; 16],
}

/// Adds `cpu` to `set`.
///
/// # Safety
///
/// None needed (it panics if `cpu` is out of range); `unsafe` as the `libc`
/// crate's `CPU_SET`, so the callers are the same on every target.
#[allow(non_snake_case)]
pub unsafe extern "C" fn CPU_SET(cpu: usize, set: &mut cpu_set_t) {
    let bits = 8 * core::mem::size_of::<c_ulong>();
    set.bits[cpu / bits] |= 1 << (cpu % bits);
}

/// Whether `cpu` is in `set`.
///
/// # Safety
///
/// None needed (it panics if `cpu` is out of range); `unsafe` as the `libc`
/// crate's `CPU_ISSET`.
#[allow(non_snake_case)]
pub unsafe extern "C" fn CPU_ISSET(cpu: usize, set: &cpu_set_t) -> bool {
    let bits = 8 * core::mem::size_of::<c_ulong>();
    set.bits[cpu / bits] & (1 << (cpu % bits)) != 0
}

extern "C" {
    pub fn sigaction(signum: c_int, act: *const sigaction, oldact: *mut sigaction) -> c_int;
    pub fn sigemptyset(set: *mut sigset_t) -> c_int;
    pub fn sched_getaffinity(pid: pid_t, cpusetsize: size_t, cpuset: *mut cpu_set_t) -> c_int;
    pub fn sched_setaffinity(pid: pid_t, cpusetsize: size_t, cpuset: *const cpu_set_t) -> c_int;
}
