//! Signals: [`ctrl_c`], and any Unix signal as a stream through
//! [`unix::signal`].
//!
//! The design is tokio's self-pipe: a handler per signal bumps a counter
//! and writes a byte to a non-blocking pipe (both async-signal-safe, and
//! never blocking); each runtime that listens reads its own duplicate of the
//! pipe in a small task and wakes the listeners of the signals that arrived.
//! `registry.rs` holds the process-wide half (and this module's only
//! `unsafe`), `dispatch.rs` the per-runtime task, `unix.rs` the public types.
//!
//! A waiter that is dropped removes its waker at once; the handler of a
//! signal, once installed, stays for the life of the process.

mod dispatch;
mod registry;
#[cfg(test)]
mod tests;
pub mod unix;

use std::io;

/// Completes when the process receives SIGINT (Ctrl-C) after the first poll.
///
/// Built on [`unix::signal`]`(SignalKind::interrupt())`: the first call
/// installs a SIGINT handler, so from then on Ctrl-C no longer ends the
/// process by itself (as with tokio). Dropping the future before it
/// completes leaves nothing behind.
///
/// ```no_run
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     println!("press Ctrl-C to stop");
///     runtime::signal::ctrl_c().await?;
///     println!("stopping");
///     Ok(())
/// }
/// ```
///
/// # Errors
/// If the handler cannot be installed, or the runtime's end of the signal
/// pipe cannot be made (no fds left).
///
/// # Panics
/// When polled outside a runtime.
pub async fn ctrl_c() -> io::Result<()> {
    unix::signal(unix::SignalKind::interrupt())?.recv().await;
    Ok(())
}
