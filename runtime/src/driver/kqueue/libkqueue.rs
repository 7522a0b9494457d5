//! libkqueue's `<sys/event.h>` (Linux, test-only feature `libkqueue`): the
//! declarations libc has for the BSDs but not for Linux, copied from the
//! header `build-libkqueue.sh` installs (`include/kqueue/sys/event.h`).
//! `build.rs` links `libkqueue.a` statically.
//!
//! Only what the driver uses. The constants have FreeBSD's values; the
//! struct is FreeBSD's before `ext` was added (`kevent` of FreeBSD 11).

use crate::sys::libc;
use std::os::raw::{c_int, c_short, c_uint, c_ushort, c_void};

pub(crate) const EVFILT_READ: c_short = -1;
pub(crate) const EVFILT_WRITE: c_short = -2;
pub(crate) const EVFILT_PROC: c_short = -5;
pub(crate) const EVFILT_USER: c_short = -11;
pub(crate) const EV_ADD: c_ushort = 0x0001;
pub(crate) const EV_DELETE: c_ushort = 0x0002;
pub(crate) const EV_CLEAR: c_ushort = 0x0020;
pub(crate) const EV_EOF: c_ushort = 0x8000;
pub(crate) const EV_ERROR: c_ushort = 0x4000;
pub(crate) const NOTE_TRIGGER: c_uint = 0x0100_0000;
pub(crate) const NOTE_EXIT: c_uint = 0x8000_0000;

/// libkqueue's `MAX_KEVENT`: a wait returns at most this many events, and
/// may drop events when it returns this many (`lossy.rs`).
pub(crate) const LOSSY_LIST: Option<usize> = Some(512);

/// `struct kevent` as libkqueue declares it.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct kevent {
    pub(crate) ident: usize,
    pub(crate) filter: c_short,
    pub(crate) flags: c_ushort,
    pub(crate) fflags: c_uint,
    pub(crate) data: isize,
    pub(crate) udata: *mut c_void,
}

extern "C" {
    pub(crate) fn kqueue() -> c_int;
    pub(crate) fn kevent(
        kq: c_int,
        changelist: *const kevent,
        nchanges: c_int,
        eventlist: *mut kevent,
        nevents: c_int,
        timeout: *const libc::timespec,
    ) -> c_int;
    /// Waits until libkqueue's own thread has freed every closed kqueue.
    fn libkqueue_drain_pending_close();
}

/// Declared after the kqueue's fd in [`Kq`](super::sys::Kq), so it drops
/// after the fd is closed: libkqueue frees a closed kqueue's fds on its own
/// thread, later, and a dropped runtime must leave no fd behind.
#[derive(Debug, Default)]
pub(crate) struct AfterClose;

impl Drop for AfterClose {
    fn drop(&mut self) {
        // SAFETY: takes no arguments; libkqueue's global lock guards it.
        unsafe { libkqueue_drain_pending_close() }
    }
}
