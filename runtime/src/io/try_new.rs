//! `AsyncFd::with_interest`, `try_new` and `try_with_interest` (tokio's
//! names): registration that hands the value back when it fails.

use std::error::Error;
use std::fmt;
use std::io;
use std::os::fd::AsRawFd;

use super::{AsyncFd, Interest};

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers `inner` for `interest`.
    ///
    /// The driver always watches both directions of a registered fd (one
    /// edge-triggered registration, never re-armed), so the `AsyncFd` can
    /// wait for either; `interest` states what the caller will wait for.
    ///
    /// ```
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    /// use runtime::io::{AsyncFd, Interest};
    ///
    /// runtime::block_on(async {
    ///     let (a, b) = UnixStream::pair()?;
    ///     a.set_nonblocking(true)?;
    ///     let a = AsyncFd::with_interest(a, Interest::READABLE)?;
    ///     (&b).write_all(b"x")?;
    ///     a.readable().await?.retain_ready();
    ///     std::io::Result::Ok(())
    /// }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`new`](Self::new).
    ///
    /// # Panics
    /// Outside a runtime.
    #[track_caller]
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<AsyncFd<T>> {
        AsyncFd::try_with_interest(inner, interest).map_err(AsyncFdTryNewError::into_io_error)
    }

    /// Like [`new`](Self::new), but on failure the error gives `inner` back.
    ///
    /// ```
    /// use std::os::fd::{AsRawFd, RawFd};
    /// use runtime::io::AsyncFd;
    ///
    /// #[derive(Debug)]
    /// struct NotAnFd;
    /// impl AsRawFd for NotAnFd {
    ///     fn as_raw_fd(&self) -> RawFd { -1 }
    /// }
    ///
    /// runtime::block_on(async {
    ///     let err = AsyncFd::try_new(NotAnFd).unwrap_err();
    ///     let (_inner, cause): (NotAnFd, std::io::Error) = err.into_parts();
    ///     assert!(!cause.to_string().is_empty());
    /// });
    /// ```
    ///
    /// # Panics
    /// Outside a runtime.
    #[track_caller]
    pub fn try_new(inner: T) -> Result<AsyncFd<T>, AsyncFdTryNewError<T>> {
        AsyncFd::try_with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// Like [`with_interest`](Self::with_interest), but on failure the error
    /// gives `inner` back.
    ///
    /// # Panics
    /// Outside a runtime.
    #[track_caller]
    pub fn try_with_interest(inner: T, _interest: Interest) -> Result<AsyncFd<T>, AsyncFdTryNewError<T>> {
        AsyncFd::register_or_return(inner).map_err(|(inner, cause)| AsyncFdTryNewError { inner, cause })
    }
}

/// The error of [`AsyncFd::try_new`] and [`AsyncFd::try_with_interest`]:
/// why registration failed, and the value that was to be registered.
pub struct AsyncFdTryNewError<T> {
    inner: T,
    cause: io::Error,
}

impl<T> AsyncFdTryNewError<T> {
    /// The value that was not registered, and why.
    pub fn into_parts(self) -> (T, io::Error) {
        (self.inner, self.cause)
    }

    fn into_io_error(self) -> io::Error {
        self.cause
    }
}

impl<T> fmt::Display for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cause, f)
    }
}

impl<T> fmt::Debug for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.cause, f)
    }
}

impl<T> Error for AsyncFdTryNewError<T> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
}

impl<T> From<AsyncFdTryNewError<T>> for io::Error {
    fn from(value: AsyncFdTryNewError<T>) -> io::Error {
        value.cause
    }
}
