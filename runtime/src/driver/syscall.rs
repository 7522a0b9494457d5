//! The one place a libc return value becomes an `io::Result`.
//!
//! Every system call in the drivers goes through [`cvt`]: `-1` becomes
//! `io::Error::last_os_error()`, anything else is returned as is. [`retry`]
//! repeats a call that failed with `EINTR`, which the drivers use for every
//! call that may block.

use std::io;

/// Turns a libc return value into `io::Result`: `-1` is the thread's `errno`.
pub(crate) fn cvt<T: IsMinusOne>(ret: T) -> io::Result<T> {
    if ret.is_minus_one() {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Runs `f` until it returns anything but `EINTR`. (kqueue handles EINTR
/// itself: its retry must not submit the changelist again.)
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) fn retry<T>(mut f: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match f() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Return types of libc calls whose failure value is `-1`.
pub(crate) trait IsMinusOne: Copy {
    fn is_minus_one(self) -> bool;
}

impl IsMinusOne for i32 {
    fn is_minus_one(self) -> bool {
        self == -1
    }
}

impl IsMinusOne for isize {
    fn is_minus_one(self) -> bool {
        self == -1
    }
}

/// Adds what was being done to an OS error, keeping its kind and code visible.
pub(crate) fn annotate(e: io::Error, what: &str) -> io::Error {
    io::Error::new(e.kind(), format!("{what}: {e}"))
}
