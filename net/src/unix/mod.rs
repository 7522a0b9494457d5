//! Unix domain sockets: [`UnixListener`], [`UnixStream`] (with its halves)
//! and [`UnixDatagram`], addressed by filesystem paths.
//!
//! Binding is synchronous (as in tokio and std: no name to resolve);
//! `connect` and every read, write and accept are awaited.

mod datagram;
mod listener;
mod socket;
mod split;
mod std_addr;
mod stream;
mod ucred;

pub use datagram::UnixDatagram;
pub use listener::UnixListener;
pub use socket::UnixSocket;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use std::os::unix::net::SocketAddr;
pub use stream::UnixStream;
pub use ucred::UCred;
