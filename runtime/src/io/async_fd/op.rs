//! The one shape of every readiness-based operation: is the source ready?
//! → spend a unit of the budget → run the system call → on `WouldBlock`
//! give the unit back, forget the readiness and wait for the driver's next
//! edge → on anything else return.
//!
//! The first try is generic and inlined into each operation (the hot path);
//! the retry loop after a `WouldBlock` is compiled once, in this crate, on
//! the part of the source that does not depend on `T` ([`Source`]), and
//! calls the operation through a `dyn FnMut`: a program with accept, read
//! and write links one loop, not one per socket type and operation.

use std::io;
use std::os::fd::AsRawFd;
use std::rc::Rc;
use std::task::{ready, Context, Poll};

use super::{orphaned, AsyncFd};
use crate::context;
use crate::context::Scope;
use crate::io::waiting::WaitId;
use crate::reactor::{Direction, Flags, Token};

/// What one try of the system call said, for [`Source::poll_again`].
enum Try {
    /// `WouldBlock`: give the unit back, forget the readiness, wait.
    WouldBlock,
    /// `EINTR`: try again.
    Interrupted,
    /// Anything else: the operation's result is stored by the caller.
    Done,
}

/// The part of an [`AsyncFd`] that does not depend on `T`: what the
/// readiness wait and the retry loop need. References to the fields, not
/// their values: making one is address arithmetic, no load, so the inlined
/// hot path reads only what it uses.
#[derive(Clone, Copy)]
pub(in crate::io) struct Source<'a> {
    pub(super) token: &'a Token,
    pub(super) flags: &'a Rc<Flags>,
    pub(super) scope: &'a Rc<Scope>,
}

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
    /// `EINTR`: try again until the source is not ready, in the
    /// non-generic [`Source::poll_again`]. (Out of line, as the loop was
    /// before: inlined into `poll_io`, this shell cost the echo 14
    /// instructions a request, though the echo never runs it.)
    #[inline(never)]
    fn poll_io_again<R>(
        &self,
        dir: Direction,
        cx: &mut Context<'_>,
        wait: Option<&mut WaitId>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let inner = self.get_ref();
        let mut out = None;
        let mut once = || match op(inner) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Try::WouldBlock,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Try::Interrupted,
            result => {
                out = Some(result);
                Try::Done
            }
        };
        ready!(self.source().poll_again(dir, cx, wait, &mut once))?;
        // `Ready(Ok)` only after a try that stored its result.
        out.map_or(Poll::Pending, Poll::Ready)
    }

    /// See [`Source::charge`].
    #[inline(always)]
    fn charge(&self, cx: &mut Context<'_>) -> Poll<()> {
        self.source().charge(cx)
    }

    /// See [`Source::refund`].
    #[inline(always)]
    fn refund(&self) {
        self.source().refund();
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
        self.source().clear(dir);
    }
}

impl Source<'_> {
    /// The retry loop of [`AsyncFd::poll_io`]: `Ready(Ok)` once `op`
    /// said [`Try::Done`] (its result is the caller's), `Ready(Err)` for
    /// an error the readiness wait hands on.
    #[inline(never)]
    fn poll_again(
        self,
        dir: Direction,
        cx: &mut Context<'_>,
        mut wait: Option<&mut WaitId>,
        op: &mut dyn FnMut() -> Try,
    ) -> Poll<io::Result<()>> {
        loop {
            ready!(self.poll_ready(dir, true, cx, wait.as_deref_mut()))?;
            // An operation that may make progress spends one unit of the
            // budget; one that says `WouldBlock` gives it back.
            ready!(self.charge(cx));
            match op() {
                Try::WouldBlock => {
                    self.refund();
                    self.clear(dir);
                }
                Try::Interrupted => {}
                Try::Done => return Poll::Ready(Ok(())),
            }
        }
    }

    /// A readiness check: never spends the cooperative budget (see
    /// `context/budget.rs`). `op`: for an operation, which may act on a
    /// fresh registration's guess; a query sees known readiness only.
    /// `wait`: the waiting future's identity (see `waiting.rs`), `None`
    /// for a `poll_*` form.
    ///
    /// A ready source with no error is answered from the shared flags; only
    /// a wait (or an error to hand on) borrows the reactor.
    #[inline(always)]
    pub(super) fn poll_ready(
        self,
        dir: Direction,
        op: bool,
        cx: &mut Context<'_>,
        wait: Option<&mut WaitId>,
    ) -> Poll<io::Result<()>> {
        if self.flags.ready_without_error(dir, op) {
            // As in `Reactor::poll_ready`: a ready source holds no entry
            // of this future's in `dir` (the edge released them all).
            if let Some(w) = wait {
                w.0 = 0;
            }
            return Poll::Ready(Ok(()));
        }
        self.poll_ready_slow(dir, op, cx, wait)
    }

    /// [`poll_ready`](Self::poll_ready) through the reactor: store the
    /// waker, or hand on an error.
    #[inline(always)]
    fn poll_ready_slow(
        self,
        dir: Direction,
        op: bool,
        cx: &mut Context<'_>,
        wait: Option<&mut WaitId>,
    ) -> Poll<io::Result<()>> {
        let wait = wait.map(|w| &mut w.0);
        let ready = self.scope.reactor.borrow_mut().poll_ready(*self.token, dir, op, cx, wait);
        self.unless_orphaned(ready)
    }

    /// `Pending` becomes an error when the source's runtime is not the one
    /// running: nothing would ever wake the task.
    #[inline(always)]
    pub(super) fn unless_orphaned<R>(self, poll: Poll<io::Result<R>>) -> Poll<io::Result<R>> {
        match poll {
            Poll::Pending if !self.scope.entered.get() => Poll::Ready(Err(orphaned(self.scope, *self.token))),
            other => other,
        }
    }

    /// Charges one unit of the running runtime's budget, or (spent) defers
    /// the task into it and returns `Pending`. That is the source's own
    /// runtime on the hot path; when another runtime (or none) is running,
    /// it is that one (or nothing): the source's runtime's budget and
    /// deferred list are its own tasks', and nobody wakes a task deferred
    /// into a runtime that is not running.
    #[inline(always)]
    fn charge(self, cx: &mut Context<'_>) -> Poll<()> {
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
    fn refund(self) {
        if self.scope.entered.get() {
            self.scope.budget.refund();
        } else {
            refund_elsewhere();
        }
    }

    #[inline]
    fn clear(self, dir: Direction) {
        if !self.flags.remove_without_error(dir.mask()) {
            self.scope.reactor.borrow_mut().clear_readiness(*self.token, dir);
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
