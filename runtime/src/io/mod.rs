//! I/O on the reactor: [`AsyncFd`] registers any nonblocking fd;
//! [`Interest`] and [`Ready`] name what to wait for and what was found;
//! [`copy_bidirectional`] joins two streams of the futures-io traits.

mod async_fd;
mod completion;
mod completion_write;
// `Buf` serves both; `Blocking` only the standard streams.
#[cfg(any(feature = "fs", feature = "io-std"))]
#[cfg_attr(not(all(feature = "fs", feature = "io-std")), allow(dead_code))]
pub(crate) mod blocking;
#[cfg(feature = "futures-io")]
mod copy_bidirectional;
mod guard;
mod interest;
mod poll_ready;
mod ready;
#[cfg(feature = "io-std")]
mod stdio;
mod try_new;
mod waiting;

pub use async_fd::AsyncFd;
#[doc(hidden)]
pub use completion::ReadSink;
#[cfg(feature = "futures-io")]
#[cfg_attr(docsrs, doc(cfg(feature = "futures-io")))]
pub use copy_bidirectional::{copy_bidirectional, copy_bidirectional_with_sizes};
pub use guard::{AsyncFdReadyGuard, AsyncFdReadyMutGuard, TryIoError};
pub use interest::Interest;
pub use ready::Ready;
#[cfg(feature = "io-std")]
#[cfg_attr(docsrs, doc(cfg(feature = "io-std")))]
pub use stdio::{stderr, stdin, stdout, Stderr, Stdin, Stdout};
pub use try_new::AsyncFdTryNewError;
#[doc(hidden)]
pub use waiting::{WaitId, Waiting};
