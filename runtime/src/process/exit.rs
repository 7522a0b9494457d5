//! Waiting for one child's exit, in the shape of the driver underneath.
//!
//! - epoll: the child's pidfd, registered once with the reactor; readable
//!   means exited. Deregistered without a system call (the pidfd is ours
//!   alone and closed next, `driver/process.rs`).
//! - kqueue: the pid itself (`EVFILT_PROC`/`NOTE_EXIT`), a change that rides
//!   in the next `kevent`; one-shot, so a fired registration is not deleted.
//! - neither (no `pidfd_open`, a refused registration, or
//!   `RUNTIME_PROCESS_WAIT=sigchld`): a SIGCHLD listener, then `waitpid`.
//!
//! Whatever woke it, the child is reaped with std's `try_wait`
//! (`waitpid(pid, WNOHANG)`), which keeps the status for later calls.
//!
//! A registration belongs to one runtime. Polled inside another one (the
//! first has gone), the watch registers again there, as tokio's child does;
//! polled outside any runtime, it fails with an error that says so instead
//! of waiting for a wake that cannot come.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::ExitStatus;
use std::rc::Rc;
use std::sync::OnceLock;
use std::task::{ready, Context, Poll};

use super::orphan;
use crate::context;
use crate::context::Scope;
use crate::driver::{Driver, Readiness};
use crate::reactor::Token;
use crate::signal::unix::{signal, Signal, SignalKind};

/// The environment variable that forces the SIGCHLD path (`sigchld`), for
/// tests and for systems where the other paths misbehave.
pub(crate) const FORCE_ENV: &str = "RUNTIME_PROCESS_WAIT";

/// How one child's exit is watched.
#[derive(Debug)]
enum How {
    /// epoll: the child's pidfd (Linux only).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Pidfd(OwnedFd),
    /// kqueue: the pid.
    Pid,
    /// SIGCHLD, then `waitpid`.
    Sigchld(Option<Signal>),
}

impl How {
    #[cfg(target_os = "linux")]
    fn for_driver(driver: Driver, pid: u32) -> How {
        match driver {
            Driver::Epoll | Driver::Uring => match crate::driver::process::pidfd_open(pid) {
                Ok(fd) => How::Pidfd(fd),
                // ENOSYS (before 5.3), EPERM (a seccomp filter), EMFILE…
                Err(_) => How::Sigchld(None),
            },
            Driver::Kqueue => How::Pid,
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn for_driver(_: Driver, _: u32) -> How {
        How::Pid
    }
}

/// A live registration of the watch with one runtime's reactor.
#[derive(Debug)]
struct Registration {
    scope: Rc<Scope>,
    token: Token,
    /// The exit was reported (kqueue's one-shot registration is gone).
    fired: bool,
}

/// The exit watch of one child.
#[derive(Debug)]
pub(crate) struct ExitWatch {
    pid: u32,
    how: How,
    reg: Option<Registration>,
}

fn forced_sigchld() -> bool {
    static FORCED: OnceLock<bool> = OnceLock::new();
    *FORCED.get_or_init(|| std::env::var_os(FORCE_ENV).is_some_and(|v| v == "sigchld"))
}

impl ExitWatch {
    /// Starts watching `pid`, a child of this process not yet reaped, with
    /// the current runtime's driver. Never fails: what cannot be watched by
    /// the driver is watched through SIGCHLD.
    pub(crate) fn new(pid: u32) -> ExitWatch {
        let driver = context::with(|scope| scope.reactor.borrow().driver());
        let how = if forced_sigchld() { How::Sigchld(None) } else { How::for_driver(driver, pid) };
        let mut watch = ExitWatch { pid, how, reg: None };
        if let Err(()) = watch.register() {
            watch.how = How::Sigchld(None);
        }
        watch
    }

    /// Registers with the current runtime (after leaving any other).
    fn register(&mut self) -> Result<(), ()> {
        self.deregister();
        let scope = context::try_with(Rc::clone).ok_or(())?;
        let token = {
            let mut reactor = scope.reactor.borrow_mut();
            match &self.how {
                How::Pidfd(fd) => reactor.register(fd.as_raw_fd()),
                How::Pid => reactor.register_process(self.pid),
                How::Sigchld(_) => return Ok(()),
            }
        };
        let token = token.map_err(drop)?;
        self.reg = Some(Registration { scope, token, fired: false });
        Ok(())
    }

    fn deregister(&mut self) {
        let Some(reg) = self.reg.take() else { return };
        let slot = {
            let mut reactor = reg.scope.reactor.borrow_mut();
            match &self.how {
                How::Pidfd(fd) => reactor.deregister_closing(reg.token, fd.as_raw_fd()).1,
                _ => reactor.deregister_process(reg.token, self.pid, reg.fired),
            }
        };
        drop(slot); // its wakers, after the borrow
    }

    /// Polls for the exit of `child` (the process this watch was made for),
    /// reaping it when it has exited.
    pub(crate) fn poll_exit(
        &mut self,
        child: &mut std::process::Child,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<ExitStatus>> {
        let status = ready!(self.poll_inner(child, cx));
        if status.is_ok() {
            self.deregister();
            orphan::reap();
        }
        Poll::Ready(status)
    }

    fn poll_inner(&mut self, child: &mut std::process::Child, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        loop {
            if let How::Sigchld(listener) = &mut self.how {
                return poll_sigchld(listener, child, cx);
            }
            let current = context::try_with(|scope| self.reg.as_ref().is_some_and(|r| Rc::ptr_eq(&r.scope, scope)));
            match current {
                None => return Poll::Ready(Err(outside_runtime())),
                Some(false) => {
                    if self.register().is_err() {
                        self.how = How::Sigchld(None);
                    }
                    continue;
                }
                Some(true) => {}
            }
            let Some(reg) = self.reg.as_mut() else { continue };
            let polled = reg.scope.reactor.borrow_mut().poll_readiness(reg.token, Readiness::READ_ALL, cx, None);
            match polled {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(_)) => {
                    reg.fired = true;
                    if let Some(status) = child.try_wait()? {
                        return Poll::Ready(Ok(status));
                    }
                    // Not exited after all (a kqueue that reports every
                    // source after a full event list): wait again.
                    if matches!(self.how, How::Pid) {
                        let _ = self.register().map_err(|()| self.how = How::Sigchld(None));
                    } else {
                        reg.scope.reactor.borrow_mut().clear_bits(reg.token, Readiness::READ_ALL);
                    }
                }
                // The driver refused the registration (kqueue's ESRCH for a
                // pid that exited already, ENOSYS from an emulation without
                // pidfds): ask waitpid, else fall back to SIGCHLD.
                Poll::Ready(Err(_)) => {
                    if let Some(status) = child.try_wait()? {
                        return Poll::Ready(Ok(status));
                    }
                    self.deregister();
                    self.how = How::Sigchld(None);
                }
            }
        }
    }

    /// Whether this watch fell back to (or was forced onto) SIGCHLD.
    pub(crate) fn uses_sigchld(&self) -> bool {
        matches!(self.how, How::Sigchld(_))
    }
}

impl Drop for ExitWatch {
    fn drop(&mut self) {
        self.deregister();
    }
}

/// The SIGCHLD path: the listener counts arrivals from its creation, so it
/// is made before the first `waitpid`, and no exit between the two is lost.
fn poll_sigchld(
    listener: &mut Option<Signal>,
    child: &mut std::process::Child,
    cx: &mut Context<'_>,
) -> Poll<io::Result<ExitStatus>> {
    loop {
        if listener.is_none() {
            if !context::is_entered() {
                return Poll::Ready(Err(outside_runtime()));
            }
            *listener = Some(signal(SignalKind::child())?);
        }
        if let Some(status) = child.try_wait()? {
            return Poll::Ready(Ok(status));
        }
        let Some(sig) = listener.as_mut() else { continue };
        ready!(sig.poll_recv(cx));
    }
}

fn outside_runtime() -> io::Error {
    io::Error::other(
        "a child process was waited for outside a runtime (its runtime has gone, and \
         none is running here): wait for it inside `block_on` of a runtime",
    )
}
