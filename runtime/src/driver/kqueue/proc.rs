//! `EVFILT_PROC`: the exit of a child process, watched by pid.
//!
//! The add is queued like any change and rides in the next `kevent`, with
//! `NOTE_EXIT` in `fflags` (`take_changes`). The kernels (FreeBSD
//! `filt_proc`, xnu) and libkqueue (`linux/proc.c`, a pidfd underneath) mark
//! the exit event `EV_EOF | EV_ONESHOT`: after it fires the registration is
//! gone, so a source that saw it queues no delete. A pid that has exited
//! already may be refused (`ESRCH`): the error reaches the source like any
//! failed change, and the process layer then asks `waitpid`.

use std::os::fd::RawFd;

use super::sys::portable::EVFILT_PROC;
use super::Kqueue;
use crate::sys::libc;

impl Kqueue {
    pub(crate) fn register_process(&mut self, pid: u32, token: u64) -> std::io::Result<()> {
        let ident = ident(pid)?;
        self.pending.add(ident, EVFILT_PROC, token);
        self.registered.insert((ident, EVFILT_PROC), token);
        Ok(())
    }

    pub(crate) fn deregister_process(&mut self, pid: u32, fired: bool) {
        let Ok(ident) = ident(pid) else { return };
        // Once fired, the kernel holds nothing and the add was sent.
        if !fired {
            self.pending.delete(ident, EVFILT_PROC);
        }
        self.registered.remove((ident, EVFILT_PROC));
    }
}

fn ident(pid: u32) -> std::io::Result<RawFd> {
    RawFd::try_from(pid).map_err(|_| std::io::Error::from_raw_os_error(libc::ESRCH))
}
