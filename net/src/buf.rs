//! tokio's `*_buf` forms (`try_read_buf`, `recv_buf`, `recv_buf_from`,
//! `try_recv_buf`, `try_recv_buf_from`) on a `Vec<u8>`: the data is
//! appended in the vector's spare capacity (64 bytes are reserved first if
//! it has none), as tokio does for a `Vec<u8>` through `bytes::BufMut`.
//! `net` takes `&mut Vec<u8>` instead of a generic `BufMut`, so it needs no
//! `bytes` dependency; and it zeroes the spare capacity before reading into
//! it instead of handing uninitialised memory to the kernel, so it needs no
//! `unsafe`.

use std::io;
use std::task::Poll;

/// How much a `Vec` with no spare capacity grows before a read (tokio's figure).
const MIN_SPARE: usize = 64;

/// Runs `read` on `buf`'s spare capacity and keeps the `len_of(result)`
/// bytes it filled.
fn with_spare<T>(
    buf: &mut Vec<u8>,
    read: impl FnOnce(&mut [u8]) -> Poll<io::Result<T>>,
    len_of: impl Fn(&T) -> usize,
) -> Poll<io::Result<T>> {
    if buf.capacity() == buf.len() {
        buf.reserve(MIN_SPARE);
    }
    let len = buf.len();
    buf.resize(buf.capacity(), 0);
    let result = read(&mut buf[len..]);
    let filled = match &result {
        Poll::Ready(Ok(value)) => len_of(value),
        _ => 0,
    };
    buf.truncate(len + filled);
    result
}

fn ready_or<T>(result: io::Result<T>) -> Poll<io::Result<T>> {
    Poll::Ready(result)
}

/// Unwraps a `Poll` that a `try_` form always makes `Ready`.
fn done<T>(poll: Poll<io::Result<T>>) -> io::Result<T> {
    match poll {
        Poll::Ready(result) => result,
        Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
    }
}

macro_rules! try_read_buf {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Reads once, if data is ready, into `buf`'s spare capacity
            /// (appending; 64 bytes are reserved first if it has none);
            /// `WouldBlock` if not. Returns the bytes read (0: end of stream).
            ///
            /// ```
            /// # runtime::block_on(async {
            /// let (a, b) = net::UnixStream::pair()?;
            /// b.try_write(b"hello")?;
            /// let mut buf = Vec::with_capacity(16);
            /// a.readable().await?;
            /// assert_eq!(a.try_read_buf(&mut buf)?, 5);
            /// assert_eq!(buf, b"hello");
            /// # std::io::Result::Ok(()) }).unwrap();
            /// ```
            #[inline]
            pub fn try_read_buf(&self, buf: &mut Vec<u8>) -> io::Result<usize> {
                done(with_spare(buf, |s| ready_or(self.try_read(s)), |n| *n))
            }
        }
    )*};
}

#[cfg(feature = "tcp")]
try_read_buf!(crate::TcpStream);
#[cfg(feature = "unix")]
try_read_buf!(crate::UnixStream);

macro_rules! recv_buf {
    ($($ty:ty => $addr:ty),*) => {$(
        impl $ty {
            /// Receives a datagram from the connected peer into `buf`'s spare
            /// capacity (appending; 64 bytes reserved first if it has none;
            /// the rest of a longer datagram is dropped).
            ///
            /// ```
            /// # runtime::block_on(async {
            /// let (a, b) = net::UnixDatagram::pair()?;
            /// a.send(b"dgram").await?;
            /// let mut buf = Vec::with_capacity(32);
            /// assert_eq!(b.recv_buf(&mut buf).await?, 5);
            /// assert_eq!(buf, b"dgram");
            /// # std::io::Result::Ok(()) }).unwrap();
            /// ```
            pub async fn recv_buf(&self, buf: &mut Vec<u8>) -> io::Result<usize> {
                let fd = self.fd();
                fd.waiting(|cx, wait| with_spare(buf, |s| self.poll_recv_in(cx, wait, s), |n| *n)).await
            }

            /// Like [`recv_buf`](Self::recv_buf), with the sender's address.
            pub async fn recv_buf_from(&self, buf: &mut Vec<u8>) -> io::Result<(usize, $addr)> {
                let fd = self.fd();
                fd.waiting(|cx, wait| with_spare(buf, |s| self.poll_recv_from_in(cx, wait, s), |(n, _)| *n)).await
            }

            /// Like [`recv_buf`](Self::recv_buf), once, if a datagram is
            /// queued; `WouldBlock` if not.
            pub fn try_recv_buf(&self, buf: &mut Vec<u8>) -> io::Result<usize> {
                done(with_spare(buf, |s| ready_or(self.try_recv(s)), |n| *n))
            }

            /// Like [`recv_buf_from`](Self::recv_buf_from), once, if a
            /// datagram is queued; `WouldBlock` if not.
            pub fn try_recv_buf_from(&self, buf: &mut Vec<u8>) -> io::Result<(usize, $addr)> {
                done(with_spare(buf, |s| ready_or(self.try_recv_from(s)), |(n, _)| *n))
            }
        }
    )*};
}

#[cfg(feature = "udp")]
recv_buf!(crate::UdpSocket => std::net::SocketAddr);
#[cfg(feature = "unix")]
recv_buf!(crate::UnixDatagram => std::os::unix::net::SocketAddr);
