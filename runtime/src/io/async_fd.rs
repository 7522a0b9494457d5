//! `AsyncFd`: any nonblocking file descriptor, registered with the reactor.
//!
//! Every readiness-based operation has one shape: is the source ready? → run
//! the system call → on `WouldBlock` forget the readiness and wait for the
//! driver's next edge → on anything else return. A new registration is
//! *assumed* ready, so its first operation goes straight to the system call.
//!
//! A readiness *query* (`poll_read_ready`, `readable`, `ready(interest)`,
//! `try_io`) is answered only by what the driver has reported (or the
//! source's maker marked with `mark_ready`), never by that guess: a fresh
//! fd with nothing to read is not readable. See `docs/READINESS.md`.
//!
//! An `AsyncFd` belongs to the runtime it was created in and holds a
//! reference to it, so it is `!Send`; dropping it deregisters the fd.
//!
//! Only that runtime drives it. An operation that would have to wait while
//! that runtime is not the one running (it has shut down, or the source is
//! polled inside another runtime or outside any) fails at once with an
//! `io::Error` of kind `Other` that says which, instead of waiting for a
//! wake that cannot come. An operation that can proceed (the source is
//! ready) still does.

use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::rc::Rc;
use std::task::{ready, Context, Poll};

use super::ready::{self, Ready};
use super::waiting::WaitId;
use super::Interest;
use crate::context;
use crate::context::Scope;
use crate::reactor::{Direction, Flags, Token};
use crate::sys::libc;

mod op;

/// A nonblocking fd whose readiness is awaited.
///
/// It belongs to the runtime it was created in: polled where that runtime
/// is not running (after it shut down, or inside another runtime), an
/// operation that would wait returns an `io::Error` naming the mistake.
///
/// ```
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
/// use runtime::io::AsyncFd;
///
/// runtime::block_on(async {
///     let (a, b) = UnixStream::pair()?;
///     a.set_nonblocking(true)?;
///     let a = AsyncFd::new(a)?;
///     (&b).write_all(b"ping")?;
///     let mut buf = [0; 4];
///     let n = a.read_with(|s| (&*s).read(&mut buf)).await?;
///     assert_eq!(&buf[..n], b"ping");
///     std::io::Result::Ok(())
/// }).unwrap();
/// ```
pub struct AsyncFd<T: AsRawFd> {
    /// `Some` until `into_inner`.
    inner: Option<T>,
    pub(super) token: Token,
    /// The slot's flags, shared with the reactor: an operation on a ready
    /// source reads and clears them here, without borrowing the reactor.
    pub(super) flags: Rc<Flags>,
    pub(super) scope: Rc<Scope>,
    /// Completion mode (`io/completion.rs`): one of the `completion::`
    /// states `UNASKED`, `OFF`, `ON`, `READS_ONLY`.
    #[cfg(all(target_os = "linux", feature = "io-uring"))]
    pub(super) completion: std::cell::Cell<u8>,
}

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers `inner`, which must already be in nonblocking mode, with the
    /// current runtime's reactor.
    ///
    /// # Errors
    /// If the driver refuses the fd (for example a regular file, which epoll
    /// cannot watch: `EPERM`).
    ///
    /// # Panics
    /// Outside a runtime.
    #[track_caller]
    pub fn new(inner: T) -> io::Result<AsyncFd<T>> {
        AsyncFd::register_or_return(inner).map_err(|(_, e)| e)
    }

    /// Registers `inner`; on failure gives it back with the cause.
    #[track_caller]
    pub(super) fn register_or_return(inner: T) -> Result<AsyncFd<T>, (T, io::Error)> {
        let scope = context::with(Rc::clone);
        if inner.as_raw_fd() < 0 {
            // No fd is negative; refused here on every driver (kqueue would
            // report it only at its next wait).
            return Err((inner, io::Error::from_raw_os_error(libc::EBADF)));
        }
        let registered = scope.reactor.borrow_mut().register_shared(inner.as_raw_fd());
        match registered {
            Ok((token, flags)) => Ok(AsyncFd {
                inner: Some(inner),
                token,
                flags,
                scope,
                #[cfg(all(target_os = "linux", feature = "io-uring"))]
                completion: std::cell::Cell::new(super::completion::UNASKED),
            }),
            Err(e) => Err((inner, e)),
        }
    }

    /// The wrapped value.
    pub fn get_ref(&self) -> &T {
        self.inner.as_ref().expect("AsyncFd holds its value until into_inner")
    }

    /// The wrapped value, mutably.
    pub fn get_mut(&mut self) -> &mut T {
        self.inner.as_mut().expect("AsyncFd holds its value until into_inner")
    }

    /// Deregisters the fd and gives back the value (still nonblocking).
    pub fn into_inner(mut self) -> T {
        self.deregister();
        self.inner.take().expect("AsyncFd holds its value until into_inner")
    }

    /// Forgets read readiness: the next `readable` waits for a new edge.
    /// Call it after an operation outside `*_with` returned `WouldBlock`, or
    /// after a short read or write that drained the socket.
    ///
    /// An end of stream the reactor has seen is kept: after a short read
    /// (which drained the socket without seeing `WouldBlock`) the next read
    /// still returns 0 at once if the peer's FIN came with the data.
    #[inline]
    pub fn clear_read_ready(&self) {
        self.clear_keeping_closed(Direction::Read);
    }

    /// Forgets write readiness, like [`clear_read_ready`](Self::clear_read_ready).
    #[inline]
    pub fn clear_write_ready(&self) {
        self.clear_keeping_closed(Direction::Write);
    }

    #[inline(always)]
    fn clear_keeping_closed(&self, dir: Direction) {
        if !self.flags.remove_without_error(dir.mask().remove(crate::driver::Readiness::READ_CLOSED)) {
            self.scope.reactor.borrow_mut().clear_ready_keeping_closed(self.token, dir);
        }
    }

    /// Runs the read `op` until it does not return `WouldBlock`, waiting for
    /// read readiness before each try. `EINTR` is retried.
    pub async fn read_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        self.waiting(|cx, wait| self.poll_io(Direction::Read, cx, Some(wait), &mut op)).await
    }

    /// Runs the write `op` until it does not return `WouldBlock`, waiting
    /// for write readiness before each try. `EINTR` is retried.
    pub async fn write_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        self.waiting(|cx, wait| self.poll_io(Direction::Write, cx, Some(wait), &mut op)).await
    }

    /// The poll form of [`read_with`](Self::read_with). If it returns
    /// `Pending`, the task of the most recent such call in this direction
    /// (or of `poll_read_ready`) is woken at the next edge: each call
    /// replaces the one before, as tokio's `poll_*` forms do.
    pub fn poll_read_with<R>(&self, cx: &mut Context<'_>, op: impl FnMut(&T) -> io::Result<R>) -> Poll<io::Result<R>> {
        self.poll_io(Direction::Read, cx, None, op)
    }

    /// The poll form of [`write_with`](Self::write_with), like
    /// [`poll_read_with`](Self::poll_read_with).
    pub fn poll_write_with<R>(&self, cx: &mut Context<'_>, op: impl FnMut(&T) -> io::Result<R>) -> Poll<io::Result<R>> {
        self.poll_io(Direction::Write, cx, None, op)
    }

    /// [`poll_read_with`](Self::poll_read_with) for a future made by
    /// [`waiting`](Self::waiting), which passes its `wait` (`None`: the
    /// `poll_*` form).
    #[doc(hidden)]
    #[inline]
    pub fn poll_read_io<R>(
        &self,
        cx: &mut Context<'_>,
        wait: Option<&mut WaitId>,
        op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_io(Direction::Read, cx, wait, op)
    }

    /// [`poll_read_io`](Self::poll_read_io) for writes.
    #[doc(hidden)]
    #[inline]
    pub fn poll_write_io<R>(
        &self,
        cx: &mut Context<'_>,
        wait: Option<&mut WaitId>,
        op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_io(Direction::Write, cx, wait, op)
    }

    /// Runs the read `op` once if the fd may be readable; `WouldBlock` if it
    /// is not (or `op` says so, which also clears the readiness).
    pub fn try_read_with<R>(&self, op: impl FnOnce(&T) -> io::Result<R>) -> io::Result<R> {
        self.try_dir(Direction::Read, op)
    }

    /// Runs the write `op` once if the fd may be writable, like
    /// [`try_read_with`](Self::try_read_with).
    pub fn try_write_with<R>(&self, op: impl FnOnce(&T) -> io::Result<R>) -> io::Result<R> {
        self.try_dir(Direction::Write, op)
    }

    /// A readiness check: never spends the cooperative budget (see
    /// `context/budget.rs`); [`Source::poll_ready`](op::Source) has the rules.
    #[inline(always)]
    pub(super) fn poll_ready(
        &self,
        dir: Direction,
        op: bool,
        cx: &mut Context<'_>,
        wait: Option<&mut WaitId>,
    ) -> Poll<io::Result<()>> {
        self.source().poll_ready(dir, op, cx, wait)
    }

    /// The part of the source that does not depend on `T`.
    #[inline(always)]
    pub(super) fn source(&self) -> op::Source<'_> {
        op::Source { token: &self.token, flags: &self.flags, scope: &self.scope }
    }

    /// The readiness query behind `ready(interest)`: `Ready` once any state
    /// `interest` asks about is set, reporting only those states.
    pub(super) fn poll_interest(
        &self,
        interest: Interest,
        cx: &mut Context<'_>,
        wait: &mut WaitId,
    ) -> Poll<io::Result<Ready>> {
        let mask = ready::wait_mask(interest);
        let flags = self.scope.reactor.borrow_mut().poll_readiness(self.token, mask, cx, Some(&mut wait.0));
        let flags = ready!(self.source().unless_orphaned(flags))?;
        Poll::Ready(Ok(ready::report_mask(interest, flags)))
    }

    /// The states `interest` asks about that the reactor holds now.
    pub(super) fn ready_now(&self, interest: Interest) -> Ready {
        let flags = self.flags.known();
        if flags.intersects(ready::wait_mask(interest)) {
            ready::report_mask(interest, flags)
        } else {
            Ready::EMPTY
        }
    }

    /// [`ready_now`](Self::ready_now) for a `try_io`, which is an
    /// operation: an error stored for the source comes first.
    pub(super) fn ready_for_try(&self, interest: Interest) -> io::Result<Ready> {
        if let Some(e) = self.scope.reactor.borrow_mut().take_error(self.token) {
            return Err(e);
        }
        Ok(self.ready_now(interest))
    }

    /// Marks `ready` as known without waiting for the driver: for the code
    /// that made the fd and knows its state, right after `new` (`net` marks
    /// an accepted socket readable and writable, and a fresh socket pair
    /// writable, as tokio does). Marking a state the fd is not in only
    /// costs one operation that says `WouldBlock`, which clears it.
    #[doc(hidden)]
    pub fn mark_ready(&self, ready: Ready) {
        self.scope.reactor.borrow_mut().mark_ready(self.token, ready.to_clearable());
    }

    /// Forgets the ready (not closed) states in `ready`, which a wait found
    /// when the source's tick was `tick`; nothing if an event came since.
    pub(super) fn clear_ready_states(&self, ready: Ready, tick: u32) {
        if self.flags.tick() == tick {
            self.scope.reactor.borrow_mut().clear_bits(self.token, ready.to_clearable());
        }
    }

    /// Whether the value is dropped next or handed back, the kernel
    /// registration is deleted: dropping it need not close the fd
    /// (`AsyncFd<RawFd>`, `AsyncFd<BorrowedFd>`, `AsyncFd<Arc<File>>` do not
    /// own it). epoll deletes at once, kqueue in its next `kevent`, which is
    /// safe even if the number is reused by then (the delete is queued
    /// before the add that reuses it).
    fn deregister(&mut self) {
        let Some(inner) = &self.inner else { return };
        deregister(&self.scope, self.token, inner.as_raw_fd());
    }
}

// Out of the generic `impl`, so one copy serves every `T`.

/// [`AsyncFd::deregister`]'s work, with the slot's drop glue, compiled
/// once here rather than into the drop of every type that holds a source.
#[inline(never)]
fn deregister(scope: &Scope, token: Token, fd: RawFd) {
    let (_result, slot) = scope.reactor.borrow_mut().deregister(token, fd);
    // The slot's wakers are dropped here, after the reactor borrow ended.
    drop(slot);
}

/// The error for a source that would wait while its runtime is not
/// running it: nothing would ever wake the task.
#[cold]
fn orphaned(scope: &Scope, token: Token) -> io::Error {
    let msg = if scope.is_shut_down() {
        // Nobody will turn this reactor again: the waker just stored
        // (and any other) would only keep its task alive. They are
        // woken, so dropped, after the borrow ends.
        let waiters = scope.reactor.borrow_mut().release(token);
        waiters.into_iter().for_each(std::task::Waker::wake);
        "the runtime this I/O source was registered with has shut down"
    } else if context::try_with(|_| ()).is_some() {
        "this I/O source was polled from a different runtime than the one it was \
         registered with: a source is driven only by its own runtime, so create it \
         inside the runtime that uses it"
    } else {
        "this I/O source was polled outside its runtime (not inside its \
         `Runtime::block_on`), where nothing drives it"
    };
    io::Error::other(msg)
}

impl<T: AsRawFd> AsRawFd for AsyncFd<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.get_ref().as_raw_fd()
    }
}

impl<T: AsRawFd> Drop for AsyncFd<T> {
    fn drop(&mut self) {
        self.deregister();
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFd<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFd").field("inner", &self.inner).finish()
    }
}
