//! The process's standard streams as futures-io streams: [`stdin`],
//! [`stdout`], [`stderr`], as tokio's. Each read or write runs on the
//! blocking pool, one at a time per handle (see `blocking.rs`).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};

use super::blocking::Blocking;

/// The process's standard input, read on the blocking pool.
///
/// Made by [`stdin`]. As with tokio's, a read that is waiting for input
/// keeps a blocking-pool thread until input arrives; that thread may keep
/// the runtime's shutdown waiting, so prefer a dedicated thread for an
/// interactive program that must exit without input.
///
/// ```no_run
/// use futures::AsyncReadExt;
///
/// runtime::block_on(async {
///     let mut line = String::new();
///     runtime::io::stdin().read_to_string(&mut line).await?;
///     Ok::<_, std::io::Error>(())
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Stdin {
    inner: Blocking<io::Stdin>,
}

/// The process's standard output, written on the blocking pool.
///
/// Made by [`stdout`]. A write is handed to a blocking job and reported
/// done at once; `flush` waits for it (and flushes std's line buffer), so
/// flush before the runtime ends. Concurrent handles interleave writes.
///
/// ```
/// use futures::AsyncWriteExt;
///
/// runtime::block_on(async {
///     let mut out = runtime::io::stdout();
///     out.write_all(b"hello\n").await?;
///     out.flush().await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Stdout {
    inner: Blocking<io::Stdout>,
}

/// The process's standard error, written on the blocking pool.
///
/// Made by [`stderr`]; behaves as [`Stdout`].
///
/// ```
/// use futures::AsyncWriteExt;
///
/// runtime::block_on(async {
///     let mut err = runtime::io::stderr();
///     err.write_all(b"warning\n").await?;
///     err.flush().await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Stderr {
    inner: Blocking<io::Stderr>,
}

/// A handle to the process's standard input (see [`Stdin`]).
/// Each call makes a new handle; handles do not share a buffer.
///
/// ```
/// let handle: runtime::io::Stdin = runtime::io::stdin();
/// # drop(handle);
/// ```
pub fn stdin() -> Stdin {
    Stdin { inner: Blocking::new(io::stdin()) }
}

/// A handle to the process's standard output (see [`Stdout`]).
/// Each call makes a new handle; handles do not share a buffer.
///
/// ```
/// let handle: runtime::io::Stdout = runtime::io::stdout();
/// # drop(handle);
/// ```
pub fn stdout() -> Stdout {
    Stdout { inner: Blocking::new(io::stdout()) }
}

/// A handle to the process's standard error (see [`Stderr`]).
/// Each call makes a new handle; handles do not share a buffer.
///
/// ```
/// let handle: runtime::io::Stderr = runtime::io::stderr();
/// # drop(handle);
/// ```
pub fn stderr() -> Stderr {
    Stderr { inner: Blocking::new(io::stderr()) }
}

impl AsyncRead for Stdin {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.get_mut().inner.poll_read(cx, buf)
    }
}

macro_rules! async_write {
    ($name:ident) => {
        impl AsyncWrite for $name {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                self.get_mut().inner.poll_write(cx, buf)
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().inner.poll_flush(cx)
            }

            /// Flushes; the stream itself stays open, as tokio's does.
            fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().inner.poll_flush(cx)
            }
        }
    };
}

async_write!(Stdout);
async_write!(Stderr);
