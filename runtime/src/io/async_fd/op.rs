//! The one shape of every readiness-based operation: is the source ready?
//! → spend a unit of the budget → run the system call → on `WouldBlock`
//! give the unit back, forget the readiness and wait for the driver's next
//! edge → on anything else return.

use std::io;
use std::os::fd::AsRawFd;
use std::task::{ready, Context, Poll};

use super::AsyncFd;
use crate::context;
use crate::io::waiting::WaitId;
use crate::reactor::Direction;

impl<T: AsRawFd> AsyncFd<T> {
    /// One try straight through (the common case: ready, or waiting);
    /// after `WouldBlock` or `EINTR` the loop in
    /// [`poll_io_again`](Self::poll_io_again) takes over. (A loop here
    /// makes the compiler hoist its invariants into every poll. The try is
    /// written out in both on purpose: one `#[inline(always)]` helper
    /// returning `Poll<Option<io::Result<R>>>` for both cost 11 instructions
    /// a request on the echo and 12 on HTTP, `bash bench/cg-ab.sh 7ba47a5`.)
    #[inline]
    pub(in crate::io) fn poll_io<R>(
        &self,
        dir: Direction,
        cx: &mut Context<'_>,
        mut wait: Option<&mut WaitId>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        ready!(self.poll_ready(dir, true, cx, wait.as_deref_mut()))?;
        ready!(self.charge(cx));
        match op(self.get_ref()) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.refund();
                self.clear(dir);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            result => return Poll::Ready(result),
        }
        self.poll_io_again(dir, cx, wait, op)
    }

    /// [`poll_io`](Self::poll_io) after a try that said `WouldBlock` or
    /// `EINTR`: try again until the source is not ready.
    #[inline(never)]
    fn poll_io_again<R>(
        &self,
        dir: Direction,
        cx: &mut Context<'_>,
        mut wait: Option<&mut WaitId>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            ready!(self.poll_ready(dir, true, cx, wait.as_deref_mut()))?;
            // An operation that may make progress spends one unit of the
            // budget; one that says `WouldBlock` gives it back.
            ready!(self.charge(cx));
            match op(self.get_ref()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.refund();
                    self.clear(dir);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                result => return Poll::Ready(result),
            }
        }
    }

    /// Charges one unit of the running runtime's budget, or (spent) defers
    /// the task into it and returns `Pending`. That is the source's own
    /// runtime on the hot path; when another runtime (or none) is running,
    /// it is that one (or nothing): the source's runtime's budget and
    /// deferred list are its own tasks', and nobody wakes a task deferred
    /// into a runtime that is not running.
    #[inline(always)]
    fn charge(&self, cx: &mut Context<'_>) -> Poll<()> {
        if !self.scope.entered.get() {
            return charge_elsewhere(cx);
        }
        if self.scope.budget.try_charge() {
            return Poll::Ready(());
        }
        self.scope.defer(cx.waker());
        Poll::Pending
    }

    /// Gives back the unit [`charge`](Self::charge) took.
    #[inline(always)]
    fn refund(&self) {
        if self.scope.entered.get() {
            self.scope.budget.refund();
        } else {
            refund_elsewhere();
        }
    }

    pub(in crate::io) fn try_dir<R>(&self, dir: Direction, op: impl FnOnce(&T) -> io::Result<R>) -> io::Result<R> {
        if !self.flags.ready_without_error(dir, true) && !self.scope.reactor.borrow_mut().try_ready(self.token, dir)? {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let result = op(self.get_ref());
        if matches!(&result, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            self.clear(dir);
        }
        result
    }

    #[inline]
    pub(super) fn clear(&self, dir: Direction) {
        if !self.flags.remove_without_error(dir.mask()) {
            self.scope.reactor.borrow_mut().clear_readiness(self.token, dir);
        }
    }
}

/// [`charge`](AsyncFd::charge) when the source's runtime is not the one
/// running (rare: out of line, so its thread-local lookup is not
/// prepared on every operation).
#[cold]
#[inline(never)]
fn charge_elsewhere(cx: &mut Context<'_>) -> Poll<()> {
    crate::task::coop::poll_proceed(cx)
}

/// [`refund`](AsyncFd::refund) when another runtime (or none) is running.
#[cold]
#[inline(never)]
fn refund_elsewhere() {
    context::try_with(|scope| scope.budget.refund());
}
