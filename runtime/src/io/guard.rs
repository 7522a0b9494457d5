//! Readiness guards: what `AsyncFd::ready(interest)` and its `_mut`,
//! `readable_mut` and `writable_mut` siblings return, with tokio's names.
//!
//! A guard holds the [`Ready`] states the wait found. The caller tries its
//! operation; if the fd said `WouldBlock`, [`clear_ready`] forgets those
//! states so that the next wait sleeps until the driver's next edge
//! ([`try_io`] does this itself). Dropping a guard, or [`retain_ready`],
//! keeps them. Closed states (`READ_CLOSED`, `WRITE_CLOSED`) are never
//! cleared: a closed direction stays closed.
//!
//! As in tokio, a guard remembers the source's event count (its *tick*)
//! when the wait found it ready: if the driver delivered an event since (the
//! guard was held across an `.await` and new data came in), `clear_ready`
//! leaves the readiness alone, so that event is not lost.
//!
//! [`clear_ready`]: AsyncFdReadyGuard::clear_ready
//! [`try_io`]: AsyncFdReadyGuard::try_io
//! [`retain_ready`]: AsyncFdReadyGuard::retain_ready

use std::error::Error;
use std::fmt;
use std::io;
use std::os::fd::AsRawFd;

use super::{AsyncFd, Interest, Ready};

impl<T: AsRawFd> AsyncFd<T> {
    /// Waits until the fd is ready for any of `interest`, and returns a
    /// guard with the states found (only those `interest` asks about).
    /// A readiness check never spends the cooperative budget.
    ///
    /// ```
    /// use std::io::{Read, Write};
    /// use std::os::unix::net::UnixStream;
    /// use runtime::io::{AsyncFd, Interest};
    ///
    /// runtime::block_on(async {
    ///     let (a, b) = UnixStream::pair()?;
    ///     a.set_nonblocking(true)?;
    ///     let a = AsyncFd::new(a)?;
    ///     (&b).write_all(b"ping")?;
    ///     let mut buf = [0; 4];
    ///     loop {
    ///         let mut guard = a.ready(Interest::READABLE).await?;
    ///         assert!(guard.ready().is_readable());
    ///         match guard.try_io(|fd| (&*fd.get_ref()).read(&mut buf)) {
    ///             Ok(n) => break assert_eq!(&buf[..n?], b"ping"),
    ///             Err(_would_block) => continue,
    ///         }
    ///     }
    ///     std::io::Result::Ok(())
    /// }).unwrap();
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        let ready = self.waiting(|cx, wait| self.poll_interest(interest, cx, wait)).await?;
        Ok(AsyncFdReadyGuard { fd: self, ready, tick: self.flags.tick() })
    }

    /// Like [`ready`](Self::ready), with a guard that gives `&mut` access.
    ///
    /// ```
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use runtime::io::{AsyncFd, Interest};
    ///
    /// runtime::block_on(async {
    ///     let (a, _b) = UnixStream::pair()?;
    ///     a.set_nonblocking(true)?;
    ///     let mut a = AsyncFd::new(a)?;
    ///     let mut guard = a.writable_mut().await?;
    ///     let n = guard.try_io(|fd| fd.get_mut().write(b"hi")).expect("writable")?;
    ///     assert_eq!(n, 2);
    ///     std::io::Result::Ok(())
    /// }).unwrap();
    /// ```
    pub async fn ready_mut(&mut self, interest: Interest) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        let this = &*self;
        let ready = this.waiting(|cx, wait| this.poll_interest(interest, cx, wait)).await?;
        let tick = this.flags.tick();
        Ok(AsyncFdReadyMutGuard { fd: self, ready, tick })
    }

    /// `ready_mut(Interest::READABLE)`.
    pub async fn readable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::READABLE).await
    }

    /// `ready_mut(Interest::WRITABLE)`.
    pub async fn writable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::WRITABLE).await
    }
}

impl<T: AsRawFd> AsyncFd<T> {
    /// Runs `f` once if the driver has reported the fd ready for any of
    /// `interest` (a fresh registration's guess does not count);
    /// `WouldBlock` if not. If `f` says `WouldBlock`, that
    /// readiness is cleared. Never waits and never spends budget.
    ///
    /// ```
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use runtime::io::{AsyncFd, Interest};
    ///
    /// runtime::block_on(async {
    ///     let (a, _b) = UnixStream::pair()?;
    ///     a.set_nonblocking(true)?;
    ///     let a = AsyncFd::new(a)?;
    ///     let n = a.async_io(Interest::WRITABLE, |s| (&*s).write(b"hi")).await?;
    ///     assert_eq!(n, 2);
    ///     assert_eq!(a.try_io(Interest::WRITABLE, |s| (&*s).write(b"!"))?, 1);
    ///     std::io::Result::Ok(())
    /// }).unwrap();
    /// ```
    pub fn try_io<R>(&self, interest: Interest, f: impl FnOnce(&T) -> io::Result<R>) -> io::Result<R> {
        let ready = self.ready_for_try(interest)?;
        if ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let result = f(self.get_ref());
        if matches!(&result, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            self.clear_ready_states(ready, self.flags.tick());
        }
        result
    }

    /// Like [`try_io`](Self::try_io), with `&mut` access to the value.
    pub fn try_io_mut<R>(&mut self, interest: Interest, f: impl FnOnce(&mut T) -> io::Result<R>) -> io::Result<R> {
        let ready = self.ready_for_try(interest)?;
        if ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let result = f(self.get_mut());
        if matches!(&result, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            self.clear_ready_states(ready, self.flags.tick());
        }
        result
    }

    /// Waits for any of `interest` and runs `f`, until `f` does not say
    /// `WouldBlock` (which clears the readiness and waits again).
    pub async fn async_io<R>(&self, interest: Interest, mut f: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        loop {
            let mut guard = self.ready(interest).await?;
            if let Ok(result) = guard.try_io(|fd| f(fd.get_ref())) {
                return result;
            }
        }
    }
}

/// The readiness [`AsyncFd::ready`] found, borrowed from the `AsyncFd`.
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    pub(super) fd: &'a AsyncFd<T>,
    pub(super) ready: Ready,
    /// The source's tick when the wait found `ready`.
    pub(super) tick: u32,
}

/// The readiness [`AsyncFd::ready_mut`] found, with `&mut` access to the `AsyncFd`.
pub struct AsyncFdReadyMutGuard<'a, T: AsRawFd> {
    pub(super) fd: &'a mut AsyncFd<T>,
    pub(super) ready: Ready,
    /// The source's tick when the wait found `ready`.
    pub(super) tick: u32,
}

/// [`try_io`](AsyncFdReadyGuard::try_io)'s operation said `WouldBlock`; the
/// readiness has been cleared, so wait again.
#[derive(Debug)]
pub struct TryIoError(());

impl fmt::Display for TryIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the operation would block; readiness was cleared")
    }
}

impl Error for TryIoError {}

/// The guard methods both kinds share.
macro_rules! guard_methods {
    () => {
        /// The states the wait found (minus any cleared since).
        pub fn ready(&self) -> Ready {
            self.ready
        }

        /// Forgets the ready states this guard holds, so the next wait
        /// sleeps until the driver reports a new edge. Call it after the fd
        /// said `WouldBlock`. Closed states are kept. If the driver has
        /// delivered an event for the fd since the wait, nothing is
        /// cleared (that event may have brought new readiness, as in
        /// tokio). Afterwards [`ready()`](Self::ready) is empty.
        pub fn clear_ready(&mut self) {
            self.fd.clear_ready_states(self.ready, self.tick);
            self.ready = Ready::EMPTY;
        }

        /// Forgets only the states in `ready` (and removes them from
        /// [`ready()`](Self::ready)); the others stay.
        pub fn clear_ready_matching(&mut self, ready: Ready) {
            self.fd.clear_ready_states(self.ready & ready, self.tick);
            self.ready = self.ready - ready;
        }

        /// Keeps the readiness in the reactor: the next wait returns at
        /// once. Dropping the guard does the same. Afterwards
        /// [`ready()`](Self::ready) is empty, as in tokio.
        pub fn retain_ready(&mut self) {
            self.ready = Ready::EMPTY;
        }

        /// The wrapped value.
        pub fn get_inner(&self) -> &T {
            self.fd.get_ref()
        }
    };
}

impl<'a, T: AsRawFd> AsyncFdReadyGuard<'a, T> {
    guard_methods!();

    /// Runs `f` once; if it says `WouldBlock`, clears the readiness and
    /// returns `Err(TryIoError)`, otherwise `Ok` with its result.
    pub fn try_io<R>(&mut self, f: impl FnOnce(&'a AsyncFd<T>) -> io::Result<R>) -> Result<io::Result<R>, TryIoError> {
        match f(self.fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The `AsyncFd` this guard borrows.
    pub fn get_ref(&self) -> &'a AsyncFd<T> {
        self.fd
    }
}

impl<T: AsRawFd> AsyncFdReadyMutGuard<'_, T> {
    guard_methods!();

    /// Like [`AsyncFdReadyGuard::try_io`], with `&mut` access.
    pub fn try_io<R>(&mut self, f: impl FnOnce(&mut AsyncFd<T>) -> io::Result<R>) -> Result<io::Result<R>, TryIoError> {
        match f(self.fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The `AsyncFd` this guard borrows.
    pub fn get_ref(&self) -> &AsyncFd<T> {
        self.fd
    }

    /// The `AsyncFd` this guard borrows, mutably.
    pub fn get_mut(&mut self) -> &mut AsyncFd<T> {
        self.fd
    }

    /// The wrapped value, mutably.
    pub fn get_inner_mut(&mut self) -> &mut T {
        self.fd.get_mut()
    }
}

// Debug for any `T` (tokio asks `T: Debug`): the fd number and the states,
// so that `readable().await.unwrap_err()` works on any `AsyncFd`.
impl<T: AsRawFd> fmt::Debug for AsyncFdReadyGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fd = self.fd.get_ref().as_raw_fd();
        f.debug_struct("AsyncFdReadyGuard").field("fd", &fd).field("ready", &self.ready).finish()
    }
}

impl<T: AsRawFd> fmt::Debug for AsyncFdReadyMutGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fd = self.fd.get_ref().as_raw_fd();
        f.debug_struct("AsyncFdReadyMutGuard").field("fd", &fd).field("ready", &self.ready).finish()
    }
}
