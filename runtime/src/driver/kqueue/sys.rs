//! The seam under the kqueue driver: the real `kqueue`/`kevent` on the BSDs
//! and macOS, or (Linux with the test-only feature `kqueue-emulation`) the
//! emulation built on epoll in `emulation.rs`. The driver above sees the same
//! names either way: [`Kq`], [`KEvent`], the `EV_*`/`EVFILT_*`/`NOTE_*`
//! constants, and [`event`] / [`Fields`] to build and read events whose field
//! types differ between the BSDs.

#[cfg(target_os = "linux")]
pub(crate) use super::emulation::{
    kevent as KEvent, Kq, EVFILT_READ, EVFILT_USER, EVFILT_WRITE, EV_ADD, EV_CLEAR, EV_DELETE, EV_EOF, EV_ERROR,
    NOTE_TRIGGER,
};

#[cfg(not(target_os = "linux"))]
pub(crate) use self::bsd::*;

/// The fields of an event, in one portable shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fields {
    pub(crate) ident: usize,
    pub(crate) filter: i64,
    pub(crate) flags: u32,
    pub(crate) fflags: u32,
    pub(crate) data: i64,
    pub(crate) udata: u64,
}

/// Builds an event from portable fields.
#[allow(clippy::needless_update)] // macOS has no fields beyond these six; FreeBSD has `ext`
pub(crate) fn event(ident: usize, filter: i64, flags: u32, fflags: u32, udata: u64) -> KEvent {
    #[allow(clippy::unnecessary_cast)]
    KEvent {
        ident: ident as _,
        filter: filter as _,
        flags: flags as _,
        fflags: fflags as _,
        data: 0,
        udata: udata as _,
        ..blank()
    }
}

/// Reads an event's fields in the portable shape.
#[allow(clippy::unnecessary_cast)]
pub(crate) fn fields(ev: &KEvent) -> Fields {
    Fields {
        ident: ev.ident as usize,
        filter: ev.filter as i64,
        flags: ev.flags as u32,
        fflags: ev.fflags as u32,
        data: ev.data as i64,
        udata: ev.udata as u64,
    }
}

#[cfg(not(target_os = "linux"))]
mod bsd {
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::time::Duration;

    use crate::driver::syscall::{context, cvt};
    pub(crate) use libc::{
        kevent as KEvent, EVFILT_READ, EVFILT_USER, EVFILT_WRITE, EV_ADD, EV_CLEAR, EV_DELETE, EV_EOF, EV_ERROR,
        NOTE_TRIGGER,
    };

    /// An all-zero event, the base every event is built on.
    pub(super) fn blank() -> KEvent {
        // SAFETY: `kevent` is a plain C struct of integers and a pointer, for
        // which all-zero bytes are a valid value on every BSD.
        unsafe { std::mem::zeroed() }
    }

    /// A kernel event queue.
    #[derive(Debug)]
    pub(crate) struct Kq {
        fd: OwnedFd,
    }

    impl Kq {
        pub(crate) fn new() -> io::Result<Kq> {
            // SAFETY: kqueue takes no arguments; the result is checked by cvt.
            let fd = cvt(unsafe { libc::kqueue() }).map_err(|e| context(e, "kqueue"))?;
            // SAFETY: `fd` was just returned by the kernel and nothing else owns it.
            let fd = unsafe { OwnedFd::from_raw_fd(fd) };
            // SAFETY: fcntl with integer arguments on an fd we own.
            cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) })?;
            Ok(Kq { fd })
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
                libc::kevent(
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

#[cfg(target_os = "linux")]
fn blank() -> KEvent {
    KEvent::default()
}
