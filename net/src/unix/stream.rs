//! `UnixStream`: a connected Unix stream socket whose reads and writes are
//! awaited.
//!
//! Owns connecting (a nonblocking `connect`; a Unix socket usually connects
//! at once, and one that is in progress waits for writability and
//! `SO_ERROR` like TCP), `pair`, the addresses, and the conversion to and
//! from std. Reading and writing, with the readiness policy, are
//! `stream_io.rs`'s, shared with TCP and the halves of `split.rs`.

use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::rc::Rc;

use runtime::io::AsyncFd;

use super::split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::stream_io;
use crate::sys::{self, Connect, Family, Kind, SockAddr};

/// A Unix stream connection.
///
/// ```
/// # runtime::block_on(async {
/// let (mut a, mut b) = net::UnixStream::pair()?;
/// a.write_all(b"ping").await?;
/// let mut buf = [0; 4];
/// b.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct UnixStream {
    fd: AsyncFd<std::os::unix::net::UnixStream>,
}

type StdUnixStream = std::os::unix::net::UnixStream;

impl UnixStream {
    /// Connects to the socket bound at `path`.
    ///
    /// # Errors
    /// The OS error's kind (`NotFound`, `ConnectionRefused`, ...), with a
    /// message that names the path.
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        let path = path.as_ref();
        let context = |e: io::Error| io::Error::new(e.kind(), format!("connect to {path:?}: {e}"));
        let addr = SockAddr::from_path(path).map_err(context)?;
        let socket = sys::socket(Family::Unix, Kind::Stream)?;
        UnixStream::connect_socket(socket, &addr).await.map_err(context)
    }

    /// Connects to `addr` (a path, or on Linux and Android an abstract
    /// name), like [`connect`](Self::connect).
    ///
    /// ```
    /// # runtime::block_on(async {
    /// # #[cfg(target_os = "linux")] {
    /// use std::os::linux::net::SocketAddrExt;
    /// use std::os::unix::net::SocketAddr;
    /// let addr = SocketAddr::from_abstract_name(format!("net-doc-ca-{}", std::process::id()))?;
    /// let listener = net::UnixListener::bind_addr(&addr)?;
    /// let _client = net::UnixStream::connect_addr(&addr).await?;
    /// let (_server, _) = listener.accept().await?;
    /// # }
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As `connect`; `InvalidInput` for an unnamed address.
    pub async fn connect_addr(addr: &SocketAddr) -> io::Result<UnixStream> {
        let context = |e: io::Error| io::Error::new(e.kind(), format!("connect to {addr:?}: {e}"));
        let sockaddr = super::std_addr::to_sockaddr(addr).map_err(context)?;
        let socket = sys::socket(Family::Unix, Kind::Stream)?;
        UnixStream::connect_socket(socket, &sockaddr).await.map_err(context)
    }

    /// Connects `socket` (a fresh nonblocking Unix stream socket) to `addr`.
    pub(crate) async fn connect_socket(socket: std::os::fd::OwnedFd, addr: &SockAddr) -> io::Result<UnixStream> {
        let status = sys::connect(socket.as_fd(), addr)?;
        let stream = UnixStream::from_socket(socket.into())?;
        if status == Connect::InProgress {
            stream_io::finish_connect(&stream.fd).await?;
        }
        Ok(stream)
    }

    /// A connected pair of streams.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = sys::socketpair(Kind::Stream)?;
        let (a, b) = (UnixStream::from_socket(a.into())?, UnixStream::from_socket(b.into())?);
        // A fresh pair's buffers are empty: writable now (queries too, as in
        // tokio), readable only once the peer sends.
        a.fd.mark_ready(runtime::io::Ready::WRITABLE);
        b.fd.mark_ready(runtime::io::Ready::WRITABLE);
        Ok((a, b))
    }

    /// Wraps a socket `accept` returned. It starts marked readable and
    /// writable (as tokio 1.54's accepted sockets do, for queries too), so a
    /// request the client sent before the server accepted is read at once,
    /// without waiting for the driver's first event; a first read that finds
    /// nothing says `WouldBlock` and clears that.
    pub(crate) fn from_accepted(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        let stream = UnixStream::from_socket(stream)?;
        stream.fd.mark_ready(runtime::io::Ready::READABLE | runtime::io::Ready::WRITABLE);
        Ok(stream)
    }

    /// Wraps a socket that `net` made nonblocking and close-on-exec.
    pub(crate) fn from_socket(stream: StdUnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream { fd: AsyncFd::new(stream)? })
    }

    /// Wraps a connected std stream, switching it to nonblocking mode.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn from_std(stream: StdUnixStream) -> io::Result<UnixStream> {
        stream.set_nonblocking(true)?;
        sys::prepare_std(stream.as_fd())?;
        UnixStream::from_socket(stream)
    }

    /// Deregisters the stream and returns it as a std stream, still in
    /// nonblocking mode.
    pub fn into_std(self) -> io::Result<StdUnixStream> {
        Ok(self.fd.into_inner())
    }

    /// Reads into `buf`; `Ok(0)` means the peer will send nothing more.
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        stream_io::read(&self.fd, buf).await
    }

    /// Reads exactly `buf.len()` bytes; `UnexpectedEof` if the stream ends
    /// first.
    pub async fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
        stream_io::read_exact(&self.fd, buf).await
    }

    /// Writes some of `buf`. A peer that has gone gives `BrokenPipe`, never
    /// `SIGPIPE`.
    pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        stream_io::write(&self.fd, buf).await
    }

    /// Writes all of `buf`.
    pub async fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        stream_io::write_all(&self.fd, buf).await
    }

    /// Reads once if data is ready; `WouldBlock` if not.
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        stream_io::try_read(&self.fd, buf)
    }

    /// Writes once if the socket can take data; `WouldBlock` if not.
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        stream_io::try_write(&self.fd, buf)
    }

    /// Waits until a read may make progress. May wake spuriously.
    pub async fn readable(&self) -> io::Result<()> {
        self.fd.readable().await.map(drop)
    }

    /// Waits until a write may make progress. May wake spuriously.
    pub async fn writable(&self) -> io::Result<()> {
        self.fd.writable().await.map(drop)
    }

    /// Shuts down the read, write or both halves, at once (like std).
    /// `NotConnected` after the peer went counts as done: `Ok(())`.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        stream_io::shutdown(&self.fd, how)
    }

    /// Reads once into `bufs`, in order (one `readv`), if data is ready;
    /// `WouldBlock` if not.
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        stream_io::try_read_vectored(&self.fd, bufs)
    }

    /// Writes `bufs` in order with one `sendmsg` if the socket can take
    /// data; `WouldBlock` if not.
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        stream_io::try_write_vectored(&self.fd, bufs)
    }

    /// Writes some of `bufs`, in order, with one system call (`sendmsg`).
    pub async fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        stream_io::write_vectored(&self.fd, bufs).await
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.fd.get_ref().local_addr()
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.fd.get_ref().peer_addr()
    }

    /// The credentials of the peer process (user, group and, on Linux and
    /// Android, process id) as they were when the connection was made.
    ///
    /// ```
    /// # runtime::block_on(async {
    /// let (a, _b) = net::UnixStream::pair()?;
    /// let cred = a.peer_cred()?;
    /// # #[cfg(target_os = "linux")]
    /// assert_eq!(cred.pid(), Some(std::process::id() as i32)); // the pair's other end is ours
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// The OS error of `getsockopt(SO_PEERCRED)` (or `getpeereid`).
    pub fn peer_cred(&self) -> io::Result<super::UCred> {
        let (uid, gid, pid) = sys::peer_cred(self.fd.get_ref().as_fd())?;
        Ok(super::UCred { uid, gid, pid })
    }

    /// Takes the pending socket error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.fd.get_ref().take_error()
    }

    /// Borrowed read and write halves, for reading and writing at once in
    /// one task.
    ///
    /// With `futures::io::AsyncReadExt` in scope, `stream.split()` resolves
    /// to the trait's by-value `split(self)` instead (see
    /// [`TcpStream::split`](crate::TcpStream::split), "The `split` trap");
    /// write `UnixStream::split(&mut stream)` to be sure of this one.
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        ReadHalf::pair(self)
    }

    /// Owned halves sharing the stream through an `Rc`, for two tasks of
    /// this runtime. Dropping the write half shuts down the write direction.
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        OwnedReadHalf::pair(Rc::new(self))
    }

    /// The registered socket, for the halves and the `futures-io` impls.
    pub(crate) fn fd(&self) -> &AsyncFd<StdUnixStream> {
        &self.fd
    }
}

crate::readiness::ready_method!(UnixStream);
crate::readiness::io_methods!(UnixStream);
crate::readiness::poll_ready_methods!(UnixStream);

impl AsRawFd for UnixStream {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for UnixStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.get_ref().as_fd()
    }
}

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixStream")
            .field("fd", &self.as_raw_fd())
            .field("local", &self.local_addr().ok())
            .field("peer", &self.peer_addr().ok())
            .finish()
    }
}
