//! Unix signals as streams: [`signal`] and [`SignalKind`], with tokio's names.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{dispatch, registry};
use crate::context;
use crate::sys::libc;

/// Which signal to listen for: tokio's constructors, or any number through
/// [`from_raw`](SignalKind::from_raw).
///
/// ```
/// use runtime::signal::unix::SignalKind;
///
/// assert_eq!(SignalKind::terminate().as_raw_value(), libc::SIGTERM);
/// assert_eq!(SignalKind::from_raw(libc::SIGHUP), SignalKind::hangup());
/// ```
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct SignalKind(libc::c_int);

impl SignalKind {
    /// Any signal, by number. Watching SIGILL, SIGFPE, SIGKILL, SIGSEGV,
    /// SIGSTOP or a number the system lacks fails in [`signal`].
    pub const fn from_raw(signum: std::os::raw::c_int) -> SignalKind {
        SignalKind(signum)
    }

    /// The signal's number.
    pub const fn as_raw_value(&self) -> std::os::raw::c_int {
        self.0
    }

    /// SIGALRM: a real-time timer expired.
    pub const fn alarm() -> SignalKind {
        SignalKind(libc::SIGALRM)
    }

    /// SIGCHLD: a child process changed state.
    pub const fn child() -> SignalKind {
        SignalKind(libc::SIGCHLD)
    }

    /// SIGHUP: the terminal hung up (often "reload the configuration").
    pub const fn hangup() -> SignalKind {
        SignalKind(libc::SIGHUP)
    }

    /// SIGINFO: a status request from the keyboard (BSDs and macOS).
    #[cfg(any(
        target_os = "dragonfly",
        target_os = "freebsd",
        target_os = "macos",
        target_os = "netbsd",
        target_os = "openbsd"
    ))]
    pub const fn info() -> SignalKind {
        SignalKind(libc::SIGINFO)
    }

    /// SIGINT: an interrupt from the keyboard (Ctrl-C).
    pub const fn interrupt() -> SignalKind {
        SignalKind(libc::SIGINT)
    }

    /// SIGIO: I/O is possible on a descriptor.
    pub const fn io() -> SignalKind {
        SignalKind(libc::SIGIO)
    }

    /// SIGPIPE: a write to a pipe with no reader.
    pub const fn pipe() -> SignalKind {
        SignalKind(libc::SIGPIPE)
    }

    /// SIGQUIT: a quit request from the keyboard.
    pub const fn quit() -> SignalKind {
        SignalKind(libc::SIGQUIT)
    }

    /// SIGTERM: a request to terminate.
    pub const fn terminate() -> SignalKind {
        SignalKind(libc::SIGTERM)
    }

    /// SIGUSR1.
    pub const fn user_defined1() -> SignalKind {
        SignalKind(libc::SIGUSR1)
    }

    /// SIGUSR2.
    pub const fn user_defined2() -> SignalKind {
        SignalKind(libc::SIGUSR2)
    }

    /// SIGWINCH: the terminal window changed size.
    pub const fn window_change() -> SignalKind {
        SignalKind(libc::SIGWINCH)
    }
}

impl From<std::os::raw::c_int> for SignalKind {
    fn from(signum: std::os::raw::c_int) -> SignalKind {
        SignalKind::from_raw(signum)
    }
}

impl From<SignalKind> for std::os::raw::c_int {
    fn from(kind: SignalKind) -> std::os::raw::c_int {
        kind.as_raw_value()
    }
}

/// A stream of one signal's arrivals, from [`signal`].
///
/// Each `Signal` counts arrivals from its creation on: [`recv`](Signal::recv)
/// returns once per batch of arrivals since the last `recv` (several
/// arrivals before a `recv` give one wake-up, as in tokio), so no signal is
/// lost between two calls. It is also a [`futures_core::Stream`] of `()`
/// that never ends. Dropping it removes its waker from the process-wide
/// registry; the handler stays installed (see [`signal`]).
///
/// Arrivals are delivered by the runtime the `Signal` is polled in, at its
/// next turn.
///
/// ```
/// use std::future::poll_fn;
/// use std::pin::Pin;
/// use futures_core::Stream;
/// use runtime::signal::unix::{signal, SignalKind};
///
/// runtime::block_on(async {
///     let mut winch = signal(SignalKind::window_change())?;
///     // SAFETY: raise(3) with a valid signal number; the handler is installed.
///     unsafe { libc::raise(libc::SIGWINCH) };
///     let next = poll_fn(|cx| Pin::new(&mut winch).poll_next(cx)).await;
///     assert_eq!(next, Some(()));
///     std::io::Result::Ok(())
/// }).unwrap();
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Signal {
    /// Key of this stream's listener in the registry.
    key: usize,
    kind: SignalKind,
}

/// Listens for `kind` in this process, from now on.
///
/// The first call for a signal installs a handler for it, which stays for
/// the life of the process: from then on the signal's default action (for
/// SIGTERM, SIGINT, SIGHUP…: ending the process) no longer happens, even
/// after every `Signal` is dropped, as with tokio.
///
/// ```no_run
/// use runtime::signal::unix::{signal, SignalKind};
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let mut hangups = signal(SignalKind::hangup())?;
///     while hangups.recv().await.is_some() {
///         println!("got SIGHUP: reloading the configuration");
///     }
///     Ok(())
/// }
/// ```
///
/// # Errors
/// For SIGILL, SIGFPE, SIGKILL, SIGSEGV, SIGSTOP, a number below 1 or one
/// the system does not have (kind `Other`, as tokio); if the handler cannot
/// be installed, or the runtime's end of the signal pipe cannot be made (no
/// fds left).
///
/// # Panics
/// Outside a runtime.
#[track_caller]
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    if !context::is_entered() {
        panic!("{}", context::NO_RUNTIME);
    }
    let key = registry::register(kind.0)?;
    let signal = Signal { key, kind };
    dispatch::ensure()?;
    Ok(signal)
}

impl Signal {
    /// A listener made on a thread without a runtime, counting arrivals from
    /// now on: a `Pool` makes its own before any of its mains runs, so a
    /// signal that comes while its thread 0 is still starting is not missed.
    /// The dispatch task of the runtime that polls it starts at its first poll.
    #[cfg(feature = "pool")]
    pub(crate) fn outside_runtime(kind: SignalKind) -> io::Result<Signal> {
        Ok(Signal { key: registry::register(kind.0)?, kind })
    }

    /// Waits for the next arrival of the signal: `Some(())` once the signal
    /// arrived since this stream's creation or the last `recv`. It never
    /// returns `None`: a handler, once installed, stays.
    ///
    /// Cancel safe: if the future is dropped before it completes, no
    /// arrival is consumed.
    ///
    /// ```
    /// use runtime::signal::unix::{signal, SignalKind};
    ///
    /// runtime::block_on(async {
    ///     let mut usr2 = signal(SignalKind::user_defined2())?;
    ///     // SAFETY: raise(3) with a valid signal number; the handler is installed.
    ///     unsafe { libc::raise(libc::SIGUSR2) };
    ///     assert_eq!(usr2.recv().await, Some(()));
    ///     std::io::Result::Ok(())
    /// }).unwrap();
    /// ```
    pub async fn recv(&mut self) -> Option<()> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next arrival.
    ///
    /// # Return value
    /// - `Poll::Pending` if the signal has not arrived since the last
    ///   `Ready`; `cx`'s waker is kept (only the last one) and woken when it does.
    /// - `Poll::Ready(Some(()))` if it has (once per batch of arrivals).
    /// - Never `Poll::Ready(None)`.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        // Polled in a runtime without a dispatch task yet (the stream moved):
        // start one; if that fails, another runtime still delivers.
        if context::is_entered() {
            let _ = dispatch::ensure();
        }
        registry::poll(self.key, cx).map(Some)
    }
}

impl futures_core::Stream for Signal {
    type Item = ();

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<()>> {
        self.get_mut().poll_recv(cx)
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        registry::deregister(self.key);
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal").field("kind", &self.kind).finish()
    }
}
