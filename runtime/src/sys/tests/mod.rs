//! The witness of `linux/`: each of our declarations against the `libc`
//! crate's (a dev-dependency), on the target being compiled. Nearly all of
//! it is `const`, so `cargo check --tests --target T` proves it for a target
//! this machine cannot run (aarch64, musl):
//!
//! - constants: the same type (they share an array) and value;
//! - type aliases: the same type;
//! - structs: size, alignment, and each public field's offset, size and type
//!   (a field of one of our structs, or a pointer to one, stands for libc's);
//! - functions: our item and libc's coerce to the same `extern "C"` function
//!   pointer type, up to the same mapping of our structs to libc's (arity,
//!   variadics and every argument type included).
//!
//! `inventory.rs` checks that these lists name every declaration of
//! `linux/` and every `libc::` name the sources use.

// libc marks musl's `time_t` deprecated (a warning of a change for 32-bit
// musl targets); it is `i64` on the 64-bit ones checked here.
#![allow(deprecated)]

use std::mem::{align_of, offset_of, size_of};

use super::linux as ours;

mod inventory;
mod map;

use self::map::{field, same_fn, Libc};

/// Checks each constant; `CONSTS` names them for `inventory.rs`.
macro_rules! consts {
    ($($name:ident),* $(,)?) => {
        $(const _: () = {
            let pair = [ours::$name, ::libc::$name];
            assert!(pair[0] == pair[1], concat!("libc's value differs: ", stringify!($name)));
        };)*
        const CONSTS: &[&str] = &[$(stringify!($name)),*];
    };
}

/// Checks each type alias: both name the same type.
macro_rules! types {
    ($($name:ident),* $(,)?) => {
        $(const _: fn(ours::$name) -> ::libc::$name = map::identity;)*
        const TYPES: &[&str] = &[$(stringify!($name)),*];
    };
}

/// Checks each struct's size and alignment, and the offset, size and type
/// of each field listed (every public one), and maps ours to libc's for the
/// fields and functions that name it.
macro_rules! structs {
    ($($name:ident { $($field:ident),* $(,)? })*) => {
        $(
            impl Libc for ours::$name {
                type Is = ::libc::$name;
            }
            const _: () = {
                assert!(size_of::<ours::$name>() == size_of::<::libc::$name>(), concat!("size: ", stringify!($name)));
                assert!(align_of::<ours::$name>() == align_of::<::libc::$name>(), concat!("align: ", stringify!($name)));
                $(
                    assert!(
                        offset_of!(ours::$name, $field) == offset_of!(::libc::$name, $field),
                        concat!("offset: ", stringify!($name), ".", stringify!($field)),
                    );
                    field(|s: ours::$name| s.$field, |s: ::libc::$name| s.$field);
                )*
            };
        )*
        const STRUCTS: &[&str] = &[$(stringify!($name)),*];
    };
}

/// Checks each `extern "C"` function: `name(_, _)` gives its arity
/// (`name(_, ...)` a variadic one).
macro_rules! fns {
    ($($name:ident ($($arg:tt)*)),* $(,)?) => {
        $(const _: () = same_fn(ours::$name as unsafe extern "C" fn($($arg)*) -> _, ::libc::$name);)*
        const FNS: &[&str] = &[$(stringify!($name)),*];
    };
}

consts! {
    // errno
    EPERM, ENOENT, ESRCH, EINTR, EIO, EBADF, EAGAIN, EBUSY, EEXIST, EINVAL, EPIPE, ENOSYS, ETIME, ENOBUFS,
    ECONNREFUSED, EINPROGRESS, ECANCELED,
    // fcntl, ioctl
    F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC, FD_CLOEXEC, O_NONBLOCK, FIONBIO,
    // epoll, eventfd, poll
    EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDHUP, EPOLLET, EPOLL_CLOEXEC, EPOLL_CTL_ADD,
    EPOLL_CTL_DEL, EPOLL_CTL_MOD, EFD_CLOEXEC, EFD_NONBLOCK, POLLIN, POLLPRI, POLLOUT, POLLERR, POLLRDHUP,
    // system calls, prctl, mmap, stat, rlimit
    SYS_io_uring_setup, SYS_io_uring_enter, SYS_io_uring_register, SYS_pidfd_open, SYS_epoll_pwait2,
    PR_SET_TIMERSLACK, PR_GET_TIMERSLACK, PROT_READ, PROT_WRITE, MAP_SHARED, MAP_PRIVATE, MAP_ANONYMOUS,
    MAP_POPULATE, S_IFMT, S_IFIFO, S_IFDIR, S_IFREG, RLIMIT_NOFILE,
    // signals, affinity
    SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGFPE, SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM,
    SIGCHLD, SIGSTOP, SIGURG, SIGWINCH, SIGIO, SA_RESTART, CPU_SETSIZE,
    // sockets
    AF_UNIX, AF_INET, AF_INET6, SOCK_STREAM, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_CLOEXEC, SOL_SOCKET, SO_REUSEADDR,
    SO_TYPE, SO_ERROR, SO_SNDBUF, SO_RCVBUF, SO_KEEPALIVE, SO_LINGER, SO_REUSEPORT, SO_PEERCRED, IPPROTO_IP,
    IPPROTO_IPV6, IP_TOS, IPV6_TCLASS, MSG_NOSIGNAL, SHUT_WR,
}

/// `MAP_FAILED` is a pointer, which a constant cannot compare.
const POINTERS: &[&str] = &["MAP_FAILED"];

#[test]
fn map_failed_is_libcs() {
    let pair = [ours::MAP_FAILED, ::libc::MAP_FAILED];
    assert_eq!(pair[0], pair[1]);
}

types! {
    c_void, c_char, c_short, c_int, c_uint, c_long, c_ulong, size_t, ssize_t, pid_t, uid_t, gid_t, mode_t, off_t,
    time_t, Ioctl, nfds_t, rlim_t, sighandler_t, socklen_t, sa_family_t, in_port_t, in_addr_t,
}

structs! {
    epoll_event { events, u64 }
    pollfd { fd, events, revents }
    timespec { tv_sec, tv_nsec }
    sigset_t {}
    stat { st_mode }
    rlimit { rlim_cur, rlim_max }
    sigaction { sa_sigaction, sa_mask, sa_flags, sa_restorer }
    cpu_set_t {}
    in_addr { s_addr }
    in6_addr { s6_addr }
    sockaddr { sa_family, sa_data }
    sockaddr_in { sin_family, sin_port, sin_addr, sin_zero }
    sockaddr_in6 { sin6_family, sin6_port, sin6_flowinfo, sin6_addr, sin6_scope_id }
    sockaddr_un { sun_family, sun_path }
    sockaddr_storage { ss_family }
    linger { l_onoff, l_linger }
    ucred { pid, uid, gid }
    iovec { iov_base, iov_len }
    msghdr { msg_name, msg_namelen, msg_iov, msg_iovlen, msg_control, msg_controllen, msg_flags }
}

fns! {
    __errno_location(),
    read(_, _, _), write(_, _, _), close(_), pipe(_), fcntl(_, _, ...), ioctl(_, _, ...),
    epoll_create1(_), epoll_ctl(_, _, _, _), epoll_wait(_, _, _, _), eventfd(_, _), poll(_, _, _),
    syscall(_, ...), prctl(_, ...), mmap(_, _, _, _, _, _), munmap(_, _), fstat(_, _), getrlimit(_, _),
    sigaction(_, _, _), sigemptyset(_), sched_getaffinity(_, _, _), sched_setaffinity(_, _, _),
    socket(_, _, _), socketpair(_, _, _, _), bind(_, _, _), listen(_, _), accept4(_, _, _, _), connect(_, _, _),
    shutdown(_, _), send(_, _, _, _), recv(_, _, _, _), sendmsg(_, _, _), getsockopt(_, _, _, _, _),
    setsockopt(_, _, _, _, _),
}

/// `CPU_SET` and `CPU_ISSET` are functions written in Rust in libc (C has
/// macros):
/// the same signatures, and the same bits set.
const RUST_FNS: &[&str] = &["CPU_SET", "CPU_ISSET"];

const _: unsafe extern "C" fn(usize, &mut ours::cpu_set_t) = ours::CPU_SET;
const _: unsafe extern "C" fn(usize, &mut ::libc::cpu_set_t) = ::libc::CPU_SET;
const _: unsafe extern "C" fn(usize, &ours::cpu_set_t) -> bool = ours::CPU_ISSET;
const _: unsafe extern "C" fn(usize, &::libc::cpu_set_t) -> bool = ::libc::CPU_ISSET;

#[test]
fn cpu_set_sets_libcs_bits() {
    for cpu in [0, 1, 63, 64, 65, 127, 1000, ours::CPU_SETSIZE as usize - 1] {
        // SAFETY: both are plain arrays of integers, valid all-zero, and of
        // the same size (checked above); `cpu` is below `CPU_SETSIZE`.
        unsafe {
            let mut set: ours::cpu_set_t = std::mem::zeroed();
            let mut theirs: ::libc::cpu_set_t = std::mem::zeroed();
            ours::CPU_SET(cpu, &mut set);
            ::libc::CPU_SET(cpu, &mut theirs);
            let theirs: ours::cpu_set_t = std::mem::transmute(theirs);
            assert_eq!(format!("{set:?}"), format!("{theirs:?}"), "CPU_SET({cpu})");
            assert!(ours::CPU_ISSET(cpu, &set) && !ours::CPU_ISSET(cpu ^ 1, &set), "CPU_ISSET({cpu})");
        }
    }
}
