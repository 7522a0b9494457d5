//! The seam under the kqueue driver. The driver above sees the same names
//! whichever kqueue is underneath: [`Kq`], [`KEvent`], the
//! `EV_*`/`EVFILT_*` constants, [`USER_EVENT`], and [`event`] / [`Fields`]
//! to build and read events whose field types differ between the BSDs.
//!
//! Three kqueues can be underneath (`build.rs` sets the cfgs):
//! - the BSDs and macOS: `kqueue()`/`kevent()` from libc;
//! - Linux with the test-only feature `libkqueue`: the same calls, the same
//!   code ([`native`]), linked against libkqueue (`libkqueue.rs`);
//! - Linux with the test-only feature `kqueue-emulation`: `emulation/`,
//!   a kqueue built on epoll by this project.

#[cfg(kqueue_ffi)]
pub(crate) use self::native::{
    KEvent, Kq, EVFILT_PROC, EVFILT_READ, EVFILT_WRITE, EV_ADD, EV_CLEAR, EV_DELETE, EV_EOF, EV_ERROR, NOTE_EXIT,
};
#[cfg(not(kqueue_ffi))]
pub(crate) use super::emulation::{
    kevent as KEvent, Kq, EVFILT_PROC, EVFILT_READ, EVFILT_USER, EVFILT_WRITE, EV_ADD, EV_CLEAR, EV_DELETE, EV_EOF,
    EV_ERROR, NOTE_EXIT, NOTE_TRIGGER,
};

/// `EVFILT_USER` and `NOTE_TRIGGER`, where the platform declares them.
/// OpenBSD has them only from 7.8 on (and libc not at all), NetBSD from 10:
/// without them, or when the kernel refuses the filter, the remote wake
/// falls back to a pipe.
#[cfg(not(target_os = "openbsd"))]
#[allow(clippy::unnecessary_cast)] // the types differ between the BSDs
pub(crate) const USER_EVENT: Option<(i64, u32)> = Some((EVFILT_USER as i64, NOTE_TRIGGER as u32));
#[cfg(target_os = "openbsd")]
pub(crate) const USER_EVENT: Option<(i64, u32)> = None;
#[cfg(all(kqueue_ffi, not(target_os = "openbsd")))]
pub(crate) use self::native::{EVFILT_USER, NOTE_TRIGGER};

/// Where a full event list may have lost events (libkqueue, `lossy.rs`):
/// the longest list the kqueue fills. The kernels' kqueues and the
/// emulation keep what does not fit queued.
#[cfg(all(kqueue_ffi, target_os = "linux"))]
pub(crate) use super::libkqueue::LOSSY_LIST;
#[cfg(not(all(kqueue_ffi, target_os = "linux")))]
pub(crate) const LOSSY_LIST: Option<usize> = None;

/// The constants the driver uses, in the types of [`Fields`] (the BSDs
/// declare them with different widths: NetBSD's filters and flags are `u32`).
#[allow(clippy::unnecessary_cast)]
pub(crate) mod portable {
    pub(crate) const EVFILT_READ: i64 = super::EVFILT_READ as i64;
    pub(crate) const EVFILT_WRITE: i64 = super::EVFILT_WRITE as i64;
    pub(crate) const EVFILT_PROC: i64 = super::EVFILT_PROC as i64;
    pub(crate) const NOTE_EXIT: u32 = super::NOTE_EXIT as u32;
    pub(crate) const EV_ADD: u32 = super::EV_ADD as u32;
    pub(crate) const EV_DELETE: u32 = super::EV_DELETE as u32;
    pub(crate) const EV_CLEAR: u32 = super::EV_CLEAR as u32;
    pub(crate) const EV_EOF: u32 = super::EV_EOF as u32;
    pub(crate) const EV_ERROR: u32 = super::EV_ERROR as u32;
}

/// The fields of an event, in one portable shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fields {
    pub(crate) ident: usize,
    pub(crate) filter: i64,
    pub(crate) flags: u32,
    pub(crate) fflags: u32,
    pub(crate) data: i64,
    /// Pointer-sized in the kernel: a 32-bit BSD keeps only the low half.
    pub(crate) udata: u64,
}

/// Builds an event from portable fields. `udata` must fit in a pointer.
#[allow(clippy::needless_update)] // macOS has no fields beyond these six; FreeBSD has `ext`
pub(crate) fn event(ident: usize, filter: i64, flags: u32, fflags: u32, udata: u64) -> KEvent {
    debug_assert!(udata == WAKE_UDATA || usize::try_from(udata).is_ok(), "udata {udata:#x} is cut off");
    #[allow(clippy::unnecessary_cast)]
    KEvent {
        ident: ident as _,
        filter: filter as _,
        flags: flags as _,
        fflags: fflags as _,
        data: 0,
        udata: udata as usize as _,
        ..blank()
    }
}

/// The `udata` of the driver's own events (remote wake): all ones, cut to
/// the pointer width by the kernel.
pub(crate) const WAKE_UDATA: u64 = usize::MAX as u64;

/// Reads an event's fields in the portable shape.
#[allow(clippy::unnecessary_cast)]
pub(crate) fn fields(ev: &KEvent) -> Fields {
    Fields {
        ident: ev.ident as usize,
        filter: ev.filter as i64,
        flags: ev.flags as u32,
        fflags: ev.fflags as u32,
        data: ev.data as i64,
        udata: ev.udata as usize as u64,
    }
}

/// The real `kqueue()`/`kevent()`: libc's on the BSDs and macOS,
/// libkqueue's on Linux. The same code on both.
#[cfg(kqueue_ffi)]
mod native {
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::time::Duration;

    #[cfg(target_os = "linux")]
    use super::super::libkqueue as c;
    #[cfg(target_os = "linux")]
    use super::super::libkqueue::AfterClose;
    use crate::driver::syscall::{annotate, cvt};
    use crate::sys::libc;
    #[cfg(not(target_os = "linux"))]
    use crate::sys::libc as c;

    pub(crate) use c::{
        kevent as KEvent, EVFILT_PROC, EVFILT_READ, EVFILT_WRITE, EV_ADD, EV_CLEAR, EV_DELETE, EV_EOF, EV_ERROR,
        NOTE_EXIT,
    };
    #[cfg(not(target_os = "openbsd"))]
    pub(crate) use c::{EVFILT_USER, NOTE_TRIGGER};

    /// An all-zero event, the base every event is built on.
    pub(super) fn blank() -> KEvent {
        // SAFETY: `kevent` is a plain C struct of integers and a pointer, for
        // which all-zero bytes are a valid value on every BSD and in libkqueue.
        unsafe { std::mem::zeroed() }
    }

    /// What closing a kqueue needs after `close` (only libkqueue needs
    /// anything).
    #[cfg(not(target_os = "linux"))]
    #[derive(Debug, Default)]
    struct AfterClose;

    /// A kernel event queue.
    #[derive(Debug)]
    pub(crate) struct Kq {
        fd: OwnedFd,
        /// Dropped after `fd` (fields drop in order).
        _after_close: AfterClose,
    }

    impl Kq {
        pub(crate) fn new() -> io::Result<Kq> {
            // SAFETY: kqueue takes no arguments; the result is checked by cvt.
            let fd = cvt(unsafe { c::kqueue() }).map_err(|e| annotate(e, "kqueue"))?;
            // SAFETY: `fd` was just returned by kqueue() and nothing else owns it
            // (libkqueue frees its state when this fd is closed).
            let fd = unsafe { OwnedFd::from_raw_fd(fd) };
            // SAFETY: fcntl with integer arguments on an fd we own.
            cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) })?;
            Ok(Kq { fd, _after_close: AfterClose })
        }

        /// Submits `changes` and waits for at most `events.len()` events.
        pub(crate) fn kevent(
            &self,
            changes: &[KEvent],
            events: &mut [KEvent],
            timeout: Option<Duration>,
        ) -> io::Result<usize> {
            let ts = timeout.map(|d| libc::timespec {
                tv_sec: d.as_secs().min(i32::MAX as u64) as libc::time_t,
                tv_nsec: d.subsec_nanos() as _,
            });
            let ts_ptr = ts.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
            // SAFETY: the slices are valid for their lengths for the whole
            // call, `ts_ptr` is null or points to `ts`, which outlives it.
            let n = cvt(unsafe {
                c::kevent(
                    self.fd.as_raw_fd(),
                    changes.as_ptr(),
                    changes.len() as _,
                    events.as_mut_ptr(),
                    events.len() as _,
                    ts_ptr,
                )
            })?;
            Ok(n as usize)
        }
    }
}

#[cfg(kqueue_ffi)]
use self::native::blank;

#[cfg(not(kqueue_ffi))]
fn blank() -> KEvent {
    KEvent::default()
}
