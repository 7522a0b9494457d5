//! `UnixSocket`: a Unix socket not yet bound, listening or connected
//! (tokio's `net::UnixSocket`), for setting it up before it becomes a
//! [`UnixListener`], [`UnixStream`] or [`UnixDatagram`].

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::net::SocketAddr;
use std::path::Path;

use super::{UnixDatagram, UnixListener, UnixStream};
use crate::sys::libc;
use crate::sys::{self, Family, Kind, SockAddr};

/// A Unix socket before it is bound, listening or connected.
///
/// ```
/// # runtime::block_on(async {
/// use net::UnixSocket;
/// let path = std::env::temp_dir().join(format!("net-doc-us-{}.sock", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let socket = UnixSocket::new_stream()?;
/// socket.bind(&path)?;
/// let listener = socket.listen(16)?;
/// let mut client = UnixSocket::new_stream()?.connect(&path).await?;
/// let (mut server, _) = listener.accept().await?;
/// client.write_all(b"hi").await?;
/// let mut buf = [0; 2];
/// server.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hi");
/// std::fs::remove_file(&path)?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct UnixSocket {
    /// Any Unix socket; std's datagram type is only the carrier of the fd
    /// (its `local_addr` and `take_error` work for every socket type).
    inner: std::os::unix::net::UnixDatagram,
}

impl UnixSocket {
    /// A new datagram socket (nonblocking, close-on-exec).
    pub fn new_datagram() -> io::Result<UnixSocket> {
        UnixSocket::new(Kind::Datagram)
    }

    /// A new stream socket (nonblocking, close-on-exec).
    pub fn new_stream() -> io::Result<UnixSocket> {
        UnixSocket::new(Kind::Stream)
    }

    fn new(kind: Kind) -> io::Result<UnixSocket> {
        Ok(UnixSocket::from(sys::socket(Family::Unix, kind)?))
    }

    fn is_datagram(&self) -> io::Result<bool> {
        let ty = sys::get_u32(self.as_fd(), libc::SOL_SOCKET, libc::SO_TYPE)?;
        Ok(ty == libc::SOCK_DGRAM.unsigned_abs())
    }

    /// Binds the socket to `path` (on Linux and Android a leading NUL names
    /// an abstract socket).
    ///
    /// # Errors
    /// The OS error's kind (`AddrInUse`, ...), with a message naming the path.
    pub fn bind(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref();
        let context = |e: io::Error| io::Error::new(e.kind(), format!("bind to {path:?}: {e}"));
        sys::bind(self.as_fd(), &SockAddr::from_path(path).map_err(context)?).map_err(context)
    }

    /// Starts listening with room for `backlog` pending connections (capped
    /// by the kernel) and returns the listener, registered with the current
    /// runtime.
    ///
    /// # Errors
    /// An `Other` error on a datagram socket; else the OS error.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn listen(self, backlog: u32) -> io::Result<UnixListener> {
        if self.is_datagram()? {
            return Err(io::Error::other("listen cannot be called on a datagram socket"));
        }
        sys::listen(self.as_fd(), libc::c_int::try_from(backlog).unwrap_or(libc::c_int::MAX))?;
        UnixListener::from_socket(OwnedFd::from(self).into())
    }

    /// Connects to the socket bound at `path` and returns the stream,
    /// registered with the current runtime.
    ///
    /// # Errors
    /// An `Other` error on a datagram socket; else the OS error's kind
    /// (`NotFound`, `ConnectionRefused`, ...), with a message naming the path.
    ///
    /// # Panics
    /// Outside a runtime.
    pub async fn connect(self, path: impl AsRef<Path>) -> io::Result<UnixStream> {
        if self.is_datagram()? {
            return Err(io::Error::other("connect cannot be called on a datagram socket"));
        }
        let path = path.as_ref();
        let context = |e: io::Error| io::Error::new(e.kind(), format!("connect to {path:?}: {e}"));
        let addr = SockAddr::from_path(path).map_err(context)?;
        UnixStream::connect_socket(self.into(), &addr).await.map_err(context)
    }

    /// Turns the socket into a [`UnixDatagram`], registered with the current
    /// runtime.
    ///
    /// # Errors
    /// An `Other` error on a stream socket.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn datagram(self) -> io::Result<UnixDatagram> {
        if !self.is_datagram()? {
            return Err(io::Error::other("datagram cannot be called on a stream socket"));
        }
        UnixDatagram::from_socket(self.inner)
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    /// Takes the pending socket error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }
}

impl AsRawFd for UnixSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for UnixSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl IntoRawFd for UnixSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}

/// Takes an owned Unix socket; `listen`, `connect` and `datagram` need it
/// nonblocking.
impl From<OwnedFd> for UnixSocket {
    fn from(fd: OwnedFd) -> UnixSocket {
        UnixSocket { inner: fd.into() }
    }
}

impl From<UnixSocket> for OwnedFd {
    fn from(socket: UnixSocket) -> OwnedFd {
        socket.inner.into()
    }
}

impl fmt::Debug for UnixSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixSocket").field("fd", &self.as_raw_fd()).field("local", &self.local_addr().ok()).finish()
    }
}
