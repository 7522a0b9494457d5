//! `TcpStream`: a connected TCP socket whose reads and writes are awaited.
//!
//! Owns connecting (each resolved address in order; a nonblocking `connect`
//! that waits for writability and then reads `SO_ERROR`), the socket's
//! options and addresses, and the conversion to and from std. The reading
//! and writing itself, and its readiness policy, live in `stream_io.rs`, which
//! the halves of `split.rs` share.

use std::fmt;
use std::future::Future;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use runtime::io::AsyncFd;

use super::split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::addr::{self, ToSocketAddrs};
use crate::stream_io;
use crate::sys::{self, Connect, Family, Kind, SockAddr};

/// A TCP connection.
///
/// Like every `net` type it belongs to the runtime thread that made it
/// (`!Send`). Dropping it closes the connection.
///
/// ```
/// # runtime::block_on(async {
/// let listener = net::TcpListener::bind("127.0.0.1:0").await?;
/// let mut client = net::TcpStream::connect(listener.local_addr()?).await?;
/// let (mut server, _) = listener.accept().await?;
/// client.write_all(b"ping").await?;
/// let mut buf = [0; 4];
/// server.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct TcpStream {
    fd: AsyncFd<std::net::TcpStream>,
}

impl TcpStream {
    /// Connects to `addr`, trying each address it resolves to in order, and
    /// returns the first connection made or the last error (which names the
    /// address it is for, and keeps the OS error's kind, e.g.
    /// `ConnectionRefused`).
    ///
    /// A host name is resolved on the runtime's blocking pool.
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        addr::try_each(&addr, "connect to", Self::connect_addr).await
    }

    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let socket = sys::socket(Family::of(&addr), Kind::Stream)?;
        let status = sys::connect(socket.as_fd(), &SockAddr::from_inet(&addr))?;
        let stream = TcpStream::from_socket(socket.into())?;
        if status == Connect::InProgress {
            stream_io::finish_connect(&stream.fd).await?;
        }
        Ok(stream)
    }

    /// Wraps a socket `accept` returned. It starts marked readable and
    /// writable (as tokio 1.54's accepted sockets do, for queries too), so a
    /// request the client sent before the server accepted is read at once,
    /// without waiting for the driver's first event; a first read that finds
    /// nothing says `WouldBlock` and clears that.
    pub(crate) fn from_accepted(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        let stream = TcpStream::from_socket(stream)?;
        stream.fd.mark_ready(runtime::io::Ready::READABLE | runtime::io::Ready::WRITABLE);
        Ok(stream)
    }

    /// Wraps a socket that `net` made nonblocking and close-on-exec.
    pub(crate) fn from_socket(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream { fd: AsyncFd::new(stream)? })
    }

    /// Wraps a connected std stream, switching it to nonblocking mode.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        sys::prepare_std(stream.as_fd())?;
        TcpStream::from_socket(stream)
    }

    /// Deregisters the stream and returns it as a std stream, still in
    /// nonblocking mode (call `set_nonblocking(false)` to block).
    #[inline]
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        Ok(self.fd.into_inner())
    }

    /// Reads into `buf`; `Ok(0)` means the peer will send nothing more (or
    /// `buf` is empty).
    pub fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        stream_io::read(&self.fd, buf)
    }

    /// Reads exactly `buf.len()` bytes; `UnexpectedEof` if the stream ends
    /// first (what was read by then is in `buf`).
    pub fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<()>> + 'a {
        stream_io::read_exact(&self.fd, buf)
    }

    /// Writes some of `buf` and returns how much. A peer that has gone gives
    /// `BrokenPipe` (or `ConnectionReset`), never `SIGPIPE`.
    pub fn write<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        stream_io::write(&self.fd, buf)
    }

    /// Writes all of `buf`.
    pub fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<()>> + 'a {
        stream_io::write_all(&self.fd, buf)
    }

    /// Reads into `buf` without taking the data from the socket.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.fd.waiting(|cx, wait| stream_io::poll_peek(&self.fd, cx, Some(wait), buf)).await
    }

    /// The poll form of [`peek`](Self::peek), on a plain slice: `Ready(Ok(n))`
    /// with `n` bytes copied (0 at end of stream), `Pending` until data comes.
    #[inline]
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        stream_io::poll_peek(&self.fd, cx, None, buf)
    }

    /// Reads once if data is ready; `WouldBlock` if not.
    #[inline]
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        stream_io::try_read(&self.fd, buf)
    }

    /// Writes once if the socket can take data; `WouldBlock` if not.
    #[inline]
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        stream_io::try_write(&self.fd, buf)
    }

    /// Waits until a read may make progress (data, end of stream or error).
    /// May wake spuriously: follow with [`try_read`](Self::try_read) and
    /// handle `WouldBlock`.
    pub async fn readable(&self) -> io::Result<()> {
        self.fd.readable().await.map(drop)
    }

    /// Waits until a write may make progress. May wake spuriously.
    pub async fn writable(&self) -> io::Result<()> {
        self.fd.writable().await.map(drop)
    }

    /// Shuts down the read, write or both halves, at once (like std). After
    /// `Shutdown::Write` the peer reads end of stream; reads here go on.
    ///
    /// After the peer reset the connection, `shutdown` returns `Ok(())`
    /// rather than `NotConnected` (the direction is shut either way), as in
    /// tokio.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        stream_io::shutdown(&self.fd, how)
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.fd.get_ref().local_addr()
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.fd.get_ref().peer_addr()
    }

    /// Sets `TCP_NODELAY` (disables Nagle's algorithm when `true`).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.fd.get_ref().set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.fd.get_ref().nodelay()
    }

    /// Sets `SO_LINGER`: with `Some(d)`, dropping the stream waits up to `d`
    /// for unsent data (in the kernel); `Some(Duration::ZERO)` makes the
    /// drop reset the connection (the peer sees `ConnectionReset`); `None`
    /// is the default, a graceful close in the background.
    ///
    /// Deprecated as in tokio: closing a socket with a non-zero linger
    /// blocks the thread (the kernel waits in `close`), which stalls every
    /// task of the runtime. [`set_zero_linger`](Self::set_zero_linger) does
    /// not block. The method stays; `#[allow(deprecated)]` to use it.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # runtime::block_on(async {
    /// use std::time::Duration;
    /// let listener = net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.linger()?, None);
    /// stream.set_linger(Some(Duration::from_secs(1)))?;
    /// assert_eq!(stream.linger()?, Some(Duration::from_secs(1)));
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    #[inline]
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        sys::set_linger(self.as_fd(), linger)
    }

    /// `set_linger(Some(Duration::ZERO))`: dropping the stream resets the connection.
    #[inline]
    pub fn set_zero_linger(&self) -> io::Result<()> {
        sys::set_linger(self.as_fd(), Some(Duration::ZERO))
    }

    /// The `SO_LINGER` setting (see [`set_linger`](Self::set_linger)).
    #[inline]
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        sys::linger(self.as_fd())
    }

    /// Sets the IP time-to-live (`IP_TTL`) of outgoing packets.
    ///
    /// ```
    /// # runtime::block_on(async {
    /// let listener = net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_ttl(42)?;
    /// assert_eq!(stream.ttl()?, 42);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.fd.get_ref().set_ttl(ttl)
    }

    /// The IP time-to-live (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u32> {
        self.fd.get_ref().ttl()
    }

    /// Reads once into `bufs`, in order (one `readv`), if data is ready;
    /// `WouldBlock` if not (which clears the read readiness).
    #[inline]
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        stream_io::try_read_vectored(&self.fd, bufs)
    }

    /// Writes `bufs` in order with one system call (`sendmsg`) if the socket
    /// can take data; `WouldBlock` if not.
    ///
    /// ```
    /// use std::io::{IoSlice, IoSliceMut};
    /// # runtime::block_on(async {
    /// let listener = net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.writable().await?;
    /// assert_eq!(client.try_write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])?, 4);
    /// let (mut x, mut y) = ([0u8; 1], [0u8; 3]);
    /// loop {
    ///     server.readable().await?;
    ///     match server.try_read_vectored(&mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)]) {
    ///         Ok(n) => break assert_eq!((n, &x, &y), (4, b"a", b"bcd")),
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    #[inline]
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        stream_io::try_write_vectored(&self.fd, bufs)
    }

    /// Writes some of `bufs`, in order, with one system call (`sendmsg`):
    /// a header and a body leave in one segment. Returns the bytes written.
    ///
    /// ```
    /// use std::io::IoSlice;
    /// # runtime::block_on(async {
    /// let listener = net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// let n = client.write_vectored(&[IoSlice::new(b"head "), IoSlice::new(b"body")]).await?;
    /// assert_eq!(n, 9);
    /// let mut buf = [0; 9];
    /// server.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"head body");
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        stream_io::write_vectored(&self.fd, bufs).await
    }

    /// Takes the pending socket error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.fd.get_ref().take_error()
    }

    /// Borrowed read and write halves, for reading and writing at once in
    /// one task (`futures::join!`, `select`).
    ///
    /// # The `split` trap
    ///
    /// With `futures::io::AsyncReadExt` (or `futures::AsyncReadExt`, or
    /// `futures::prelude::*`) in scope, `stream.split()` does **not** call
    /// this method: Rust picks the trait's by-value `split(self)` before it
    /// tries `&mut stream`, so the stream is moved into futures' lock-based
    /// halves and the error only shows later, as "borrow of moved value".
    /// Write `TcpStream::split(&mut stream)` (or `(&mut stream).split()`),
    /// which always means this method, or use [`into_split`](Self::into_split):
    ///
    /// ```
    /// use futures::io::AsyncReadExt; // brings futures' `split(self)` into scope
    /// # runtime::block_on(async {
    /// let listener = net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, write) = net::TcpStream::split(&mut stream); // this method, whatever is in scope
    /// let _: (net::tcp::ReadHalf<'_>, net::tcp::WriteHalf<'_>) = (read, write);
    /// stream.set_nodelay(true)?; // still ours
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    ///
    /// The trap, which fails to compile with "borrow of moved value":
    ///
    /// ```compile_fail,E0382
    /// use futures::io::AsyncReadExt;
    /// # runtime::block_on(async {
    /// # let listener = net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, write) = stream.split(); // futures' split: moves `stream`
    /// stream.set_nodelay(true)?;
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        ReadHalf::pair(self)
    }

    /// Owned read and write halves that share the stream (through an `Rc`),
    /// for two tasks of this runtime. [`OwnedReadHalf::reunite`] gives the
    /// stream back. Dropping the write half shuts down the write direction.
    #[inline]
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        OwnedReadHalf::pair(Rc::new(self))
    }

    /// The registered socket, for the halves and the `futures-io` impls.
    pub(crate) fn fd(&self) -> &AsyncFd<std::net::TcpStream> {
        &self.fd
    }
}

crate::readiness::ready_method!(TcpStream);
crate::readiness::io_methods!(TcpStream);
crate::readiness::poll_ready_methods!(TcpStream);

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.get_ref().as_fd()
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream")
            .field("fd", &self.as_raw_fd())
            .field("local", &self.local_addr().ok())
            .field("peer", &self.peer_addr().ok())
            .finish()
    }
}
