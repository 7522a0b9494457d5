//! TCP, UDP and Unix sockets whose reads, writes, accepts and connects are
//! awaited on the `runtime` crate's single-threaded runtime.
//!
//! ```
//! #[runtime::main]
//! async fn main() -> std::io::Result<()> {
//!     let listener = net::TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     runtime::spawn(async move {
//!         // An echo server: one task per connection.
//!         while let Ok((mut stream, _peer)) = listener.accept().await {
//!             runtime::spawn(async move {
//!                 let mut buf = [0; 1024];
//!                 while let Ok(n @ 1..) = stream.read(&mut buf).await {
//!                     if stream.write_all(&buf[..n]).await.is_err() {
//!                         break;
//!                     }
//!                 }
//!             });
//!         }
//!     });
//!     let mut client = net::TcpStream::connect(addr).await?;
//!     client.write_all(b"hello").await?;
//!     let mut buf = [0; 5];
//!     client.read_exact(&mut buf).await?;
//!     assert_eq!(&buf, b"hello");
//!     Ok(())
//! }
//! ```
//!
//! # The types
//!
//! - [`TcpListener`], [`TcpStream`] (with borrowed [`tcp::ReadHalf`] /
//!   [`tcp::WriteHalf`] from `split` and owned [`tcp::OwnedReadHalf`] /
//!   [`tcp::OwnedWriteHalf`] from `into_split`), [`UdpSocket`];
//! - [`UnixListener`], [`UnixStream`] (with `pair` and the same halves in
//!   [`unix`]), [`UnixDatagram`];
//! - [`TcpSocket`], to set options (`SO_REUSEPORT`, buffer sizes, linger...)
//!   before binding, listening or connecting;
//! - [`Interest`] and [`Ready`] for `ready(interest)` on every type
//!   (re-exported from [`runtime::io`]);
//! - [`TcpIncoming`] and [`UnixIncoming`], the `futures_core::Stream`s of
//!   `incoming()`.
//!
//! # Readiness and the `try_` forms
//!
//! As in tokio: `ready(interest)`, `readable()` and `writable()` wait until
//! the reactor knows the socket is ready; `try_read`, `try_write`,
//! `try_send_to`... then run the system call once and clear the readiness
//! only when it says `WouldBlock`. A readiness check that finds the socket
//! ready returns at once and never spends the cooperative budget, so a loop
//! of `writable().await` and `try_write` fills a send buffer in one poll.
//! The budget (128 per poll) counts completed operations of the awaited
//! forms (`read`, `write`, `send`, `recv`, `accept` and their `poll_`
//! forms), which yield when it is spent.
//!
//! Methods follow tokio's: stream `read`/`write` take `&mut self`;
//! `try_read`, `readable`, `peek` and everything on the datagram sockets take
//! `&self`. `shutdown` is synchronous, as in std.
//!
//! ## The `split` trap
//!
//! With `futures::io::AsyncReadExt` in scope (also through
//! `futures::prelude::*`), `stream.split()` calls that trait's by-value
//! `split(self)`, not the inherent borrowed `split(&mut self)`: Rust tries
//! the receiver by value before `&mut`, so the stream moves and the error
//! appears later as "borrow of moved value". Write
//! `TcpStream::split(&mut stream)` (or `UnixStream::split(&mut stream)`),
//! which always means the borrowed halves, or `into_split()`. See
//! [`TcpStream::split`].
//!
//! # One thread: the types are `!Send`
//!
//! Every socket is registered with the runtime of the thread that created it
//! (through [`runtime::io::AsyncFd`]) and keeps a reference to it, so it is
//! `!Send` and `!Sync`: it lives and dies on that thread, like the sockets of
//! tokio-uring or monoio. Tasks need not be `Send` either
//! ([`runtime::spawn`]), so a socket moves freely between the tasks of its
//! runtime; the owned halves of `into_split` share one stream between two
//! tasks through an `Rc`. Creating a socket outside a runtime panics.
//!
//! ```compile_fail
//! fn assert_send<T: Send>() {}
//! assert_send::<net::TcpStream>();
//! ```
//!
//! # Addresses
//!
//! `connect` and `bind` take anything [`ToSocketAddrs`] accepts. An IP
//! address is parsed on the spot; a host name is resolved on the runtime's
//! blocking pool ([`runtime::spawn_blocking`]), never on the executor
//! thread. Every address a name resolves to is tried in order and the last
//! error is returned, as std does.
//!
//! # Errors
//!
//! Errors are the OS's, with their [`std::io::ErrorKind`]:
//! `ConnectionRefused`, `ConnectionReset`, `BrokenPipe`, `AddrInUse`...
//! `connect` and `bind` add the address to the message
//! (`connect to 127.0.0.1:1: Connection refused (os error 111)`); the hot
//! read and write paths return the OS error untouched, and so does `accept`
//! (`EMFILE`/`ENFILE` included: the listener keeps working, and backing off
//! is the caller's decision). `EINTR` is retried. A write to a peer that has
//! gone returns `BrokenPipe` and never raises `SIGPIPE` (`send` with
//! `MSG_NOSIGNAL`, or `SO_NOSIGPIPE` on macOS). After the peer's
//! `shutdown(Write)` a read returns `Ok(0)` and writes still work.
//!
//! Sockets are created nonblocking and close-on-exec in one system call
//! (`SOCK_NONBLOCK | SOCK_CLOEXEC`, `accept4`) where the OS has them.
//!
//! # Features and dependencies
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `tcp` | yes | `TcpListener`, `TcpStream`, `TcpSocket`, the `tcp` halves, `TcpIncoming` |
//! | `udp` | yes | `UdpSocket` |
//! | `unix` | yes | `UnixListener`, `UnixStream`, `UnixDatagram`, `UnixSocket`, the `unix` module, `UnixIncoming` |
//! | `futures-io` | yes | `futures_io::AsyncRead` / `AsyncWrite` for the stream types and their halves, so runtime-agnostic crates work on them |
//! | `hyper` | no | hyper 1.x's `hyper::rt::Read` / `Write` for `TcpStream` and `UnixStream`, and `net::hyper::{Executor, Timer}` |
//!
//! An app that uses only TCP writes
//! `net = { ..., default-features = false, features = ["tcp"] }` and
//! compiles no UDP or Unix code. `hyper` is off by default because hyper is
//! a large dependency most users of `net` do not need; without the feature
//! `net` does not depend on it. Using a type whose feature is off is a
//! compile error that names the feature (``cannot find `UdpSocket` in
//! `net` ... the item is gated behind the `udp` feature``), and its
//! documentation names it too.
//!
//! `net` asks for the `runtime` crate's core only (no default features): it
//! needs the reactor, timers and `spawn_blocking`, none of `runtime`'s
//! optional parts.
//!
//! Dependencies: `runtime` (the reactor; and the C declarations of the
//! socket calls std does not offer: `accept4`, nonblocking `connect`, `send`
//! flags, through its hidden `runtime::__libc`, which is not an API: the
//! `libc` crate's items on most targets, `runtime`'s own declarations on
//! Linux x86_64 and aarch64, where neither crate depends on `libc`),
//! `futures-core` (the `Stream` of `incoming()`), and `futures-io` and
//! `hyper` (optional, above). All of `net`'s `unsafe` is in `sys/`.

#![cfg_attr(docsrs, feature(doc_cfg))]
// The helpers every socket type shares (address resolution, the system
// calls, the stream read and write path) are partly unused when some
// socket types are left out.
#![cfg_attr(
    not(all(feature = "tcp", feature = "udp", feature = "unix")),
    allow(dead_code, unused_imports, unused_macros)
)]

mod addr;
#[cfg(any(feature = "tcp", feature = "udp", feature = "unix"))]
mod buf;
mod convert;
#[cfg(all(feature = "futures-io", any(feature = "tcp", feature = "unix")))]
mod futures_io;
#[cfg(any(feature = "tcp", feature = "unix"))]
mod halves;
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub mod hyper;
mod incoming;
mod readiness;
#[cfg(any(feature = "tcp", feature = "unix"))]
mod stream_io;
#[allow(unsafe_code)]
mod sys;
#[cfg(feature = "tcp")]
#[cfg_attr(docsrs, doc(cfg(feature = "tcp")))]
pub mod tcp;
#[cfg(feature = "udp")]
mod udp;
#[cfg(feature = "unix")]
#[cfg_attr(docsrs, doc(cfg(feature = "unix")))]
pub mod unix;
mod unwind;

pub use addr::ToSocketAddrs;
#[cfg(feature = "tcp")]
#[cfg_attr(docsrs, doc(cfg(feature = "tcp")))]
pub use incoming::TcpIncoming;
#[cfg(feature = "unix")]
#[cfg_attr(docsrs, doc(cfg(feature = "unix")))]
pub use incoming::UnixIncoming;
pub use runtime::io::{Interest, Ready};
#[cfg(feature = "tcp")]
#[cfg_attr(docsrs, doc(cfg(feature = "tcp")))]
pub use tcp::{TcpListener, TcpSocket, TcpStream};
#[cfg(feature = "udp")]
#[cfg_attr(docsrs, doc(cfg(feature = "udp")))]
pub use udp::UdpSocket;
#[cfg(feature = "unix")]
#[cfg_attr(docsrs, doc(cfg(feature = "unix")))]
pub use unix::{UnixDatagram, UnixListener, UnixSocket, UnixStream};
