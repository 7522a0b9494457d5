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
//!   [`unix`]), [`UnixDatagram`].
//!
//! Methods follow tokio's: stream `read`/`write` take `&mut self`;
//! `try_read`, `readable`, `peek` and everything on the datagram sockets take
//! `&self`. `shutdown` is synchronous, as in std.
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
//! - `futures-io` (default): `futures_io::AsyncRead` / `AsyncWrite` for the
//!   stream types and their halves, so runtime-agnostic crates work on them.
//!
//! Dependencies: `runtime` (the reactor), `libc` (the socket calls std does
//! not offer: `accept4`, nonblocking `connect`, `send` flags), and
//! `futures-io` (optional, above). All of `net`'s `unsafe` is in `sys.rs`.

mod addr;
#[cfg(feature = "futures-io")]
mod futures_io;
mod halves;
pub mod reuseport;
mod stream_io;
#[allow(unsafe_code)]
mod sys;
pub mod tcp;
mod udp;
pub mod unix;

pub use addr::ToSocketAddrs;
pub use tcp::{TcpListener, TcpStream};
pub use udp::UdpSocket;
pub use unix::{UnixDatagram, UnixListener, UnixStream};
