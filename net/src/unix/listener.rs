//! `UnixListener`: a listening Unix stream socket whose `accept` is awaited.
//!
//! `bind` creates the socket nonblocking and close-on-exec, binds the path
//! (which must not exist yet; remove a stale one first) and listens.
//! `accept` returns every OS error unchanged, `EMFILE` and `ENFILE`
//! included, like `TcpListener::accept`.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::task::{Context, Poll};

use runtime::io::{AsyncFd, WaitId};

use super::UnixStream;
use crate::sys::{self, Family, Kind, SockAddr};

/// A Unix stream socket listening for connections.
///
/// ```
/// # runtime::block_on(async {
/// let path = std::env::temp_dir().join(format!("net-doc-{}.sock", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let listener = net::UnixListener::bind(&path)?;
/// let mut client = net::UnixStream::connect(&path).await?;
/// let (mut server, _) = listener.accept().await?;
/// client.write_all(b"hi").await?;
/// let mut buf = [0; 2];
/// server.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hi");
/// std::fs::remove_file(&path)?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct UnixListener {
    fd: AsyncFd<std::os::unix::net::UnixListener>,
}

impl UnixListener {
    /// Binds to `path` and starts listening. On Linux and Android a path
    /// that starts with a NUL byte (`"\0name"`) names an abstract socket,
    /// which has no file and goes away with its last fd.
    ///
    /// # Errors
    /// `AddrInUse` if the path exists; `InvalidInput` if it is too long for
    /// a socket address. The message names the path.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        let path = path.as_ref();
        Self::bind_path(path).map_err(|e| io::Error::new(e.kind(), format!("bind to {path:?}: {e}")))
    }

    /// Binds to `addr` (a path, or on Linux and Android an abstract name)
    /// and starts listening, like [`bind`](Self::bind).
    ///
    /// ```
    /// # runtime::block_on(async {
    /// use std::os::unix::net::SocketAddr;
    /// let path = std::env::temp_dir().join(format!("net-doc-ba-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let addr = SocketAddr::from_pathname(&path)?;
    /// let listener = net::UnixListener::bind_addr(&addr)?;
    /// let _client = net::UnixStream::connect_addr(&addr).await?;
    /// let (_server, _) = listener.accept().await?;
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As `bind`; `InvalidInput` for an unnamed address.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn bind_addr(addr: &SocketAddr) -> io::Result<UnixListener> {
        let context = |e: io::Error| io::Error::new(e.kind(), format!("bind to {addr:?}: {e}"));
        Self::bind_sockaddr(&super::std_addr::to_sockaddr(addr).map_err(context)?).map_err(context)
    }

    fn bind_path(path: &Path) -> io::Result<UnixListener> {
        Self::bind_sockaddr(&SockAddr::from_path(path)?)
    }

    fn bind_sockaddr(addr: &SockAddr) -> io::Result<UnixListener> {
        let socket = sys::socket(Family::Unix, Kind::Stream)?;
        sys::bind(socket.as_fd(), addr)?;
        sys::listen(socket.as_fd(), sys::BACKLOG)?;
        UnixListener::from_socket(socket.into())
    }

    /// Wraps a listening socket that `net` made nonblocking and close-on-exec.
    pub(crate) fn from_socket(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        Ok(UnixListener { fd: AsyncFd::new(listener)? })
    }

    /// Waits for a connection and returns it with the peer's address
    /// (usually unnamed).
    ///
    /// # Errors
    /// The OS error, unchanged (`EMFILE`, `ENFILE`, ...).
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        self.fd.waiting(|cx, wait| self.poll_accept_in(cx, Some(wait))).await
    }

    /// The poll form of [`accept`](Self::accept).
    ///
    /// # Return value
    /// - `Poll::Ready(Ok((stream, peer)))` with a new connection.
    /// - `Poll::Ready(Err(e))` with the OS error of `accept`.
    /// - `Poll::Pending` when none is queued; the task is woken when one is.
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        self.poll_accept_in(cx, None)
    }

    /// `poll_accept`, with the identity of the waiting future (`None`: the
    /// poll form).
    fn poll_accept_in(
        &self,
        cx: &mut Context<'_>,
        wait: Option<&mut WaitId>,
    ) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        self.fd.poll_read_io(cx, wait, |l| sys::accept(l.as_fd())).map(|accepted| {
            let (socket, _) = accepted?;
            let stream = std::os::unix::net::UnixStream::from(socket);
            let peer = stream.peer_addr()?;
            Ok((UnixStream::from_accepted(stream)?, peer))
        })
    }

    /// The accepted connections as a [`futures_core::Stream`] of
    /// `io::Result<UnixStream>`, which never ends (an accept error is an
    /// item; the listener goes on).
    ///
    /// ```
    /// use futures::StreamExt;
    /// # runtime::block_on(async {
    /// let path = std::env::temp_dir().join(format!("net-incoming-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = net::UnixListener::bind(&path)?;
    /// let _client = net::UnixStream::connect(&path).await?;
    /// let server = listener.incoming().next().await.expect("never ends")?;
    /// assert!(server.peer_addr()?.is_unnamed());
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub fn incoming(&self) -> crate::UnixIncoming<'_> {
        crate::UnixIncoming::new(self)
    }

    /// Wraps a listening std socket, switching it to nonblocking mode.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        listener.set_nonblocking(true)?;
        Ok(UnixListener { fd: AsyncFd::new(listener)? })
    }

    /// Deregisters the listener and returns it as a std listener, still in
    /// nonblocking mode.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        Ok(self.fd.into_inner())
    }

    /// Takes the pending socket error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.fd.get_ref().take_error()
    }

    /// The address (path) the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.fd.get_ref().local_addr()
    }
}

impl AsRawFd for UnixListener {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for UnixListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.get_ref().as_fd()
    }
}

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixListener").field("fd", &self.as_raw_fd()).field("local", &self.local_addr().ok()).finish()
    }
}
