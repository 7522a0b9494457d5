//! `copy_bidirectional`: two one-way copies between two streams, run side by
//! side in one future, as tokio's.
//!
//! Each direction owns a fixed buffer (8 KiB unless sized): it reads into
//! the buffer, writes all of it out, and reads again, so memory stays
//! bounded whatever the peers do. Before waiting for more input it flushes
//! what it wrote. At end of file it shuts the writer down
//! (`AsyncWrite::poll_close`, a TCP half-close for `net`'s streams) and
//! stops; the future completes when both directions have, with the byte
//! counts, or at the first error of either. An `Interrupted` error is
//! retried. Each read charges the task's cooperative budget, so a copy
//! between streams that are always ready still yields.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};

use crate::task::coop::poll_proceed;

/// Each direction's buffer in [`copy_bidirectional`] (tokio's size).
const DEFAULT_BUF_SIZE: usize = 8 * 1024;

/// Copies from `a` to `b` and from `b` to `a` at once, until each reaches
/// end of file, shutting down the write side of the other when it does.
/// Returns the bytes copied `(a to b, b to a)`, or the first error.
///
/// ```
/// use std::io::Write;
/// use std::net::Shutdown;
/// use std::os::unix::net::UnixStream;
/// use futures::io::AllowStdIo;
///
/// // client <-> (front, back) <-> upstream; std sockets behind
/// // `AllowStdIo` keep the example short (use `net`'s streams in real code).
/// let (mut client, front) = UnixStream::pair()?;
/// let (back, mut upstream) = UnixStream::pair()?;
/// client.write_all(b"ping")?;
/// client.shutdown(Shutdown::Write)?;
/// upstream.write_all(b"pong!")?;
/// upstream.shutdown(Shutdown::Write)?;
/// let (mut front, mut back) = (AllowStdIo::new(front), AllowStdIo::new(back));
/// let copied = runtime::block_on(runtime::io::copy_bidirectional(&mut front, &mut back))?;
/// assert_eq!(copied, (4, 5));
/// # std::io::Result::Ok(())
/// ```
pub async fn copy_bidirectional<A, B>(a: &mut A, b: &mut B) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    copy_bidirectional_with_sizes(a, b, DEFAULT_BUF_SIZE, DEFAULT_BUF_SIZE).await
}

/// [`copy_bidirectional`] with a buffer of `a_to_b_buf_size` bytes for the
/// copy from `a` to `b` and one of `b_to_a_buf_size` for the other way.
///
/// # Panics
/// If either size is 0 (when first polled).
pub async fn copy_bidirectional_with_sizes<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buf_size: usize,
    b_to_a_buf_size: usize,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    assert!(a_to_b_buf_size > 0, "`a_to_b_buf_size` must be greater than 0");
    assert!(b_to_a_buf_size > 0, "`b_to_a_buf_size` must be greater than 0");
    let mut a_to_b = Direction::new(a_to_b_buf_size);
    let mut b_to_a = Direction::new(b_to_a_buf_size);
    poll_fn(|cx| {
        let a_to_b = a_to_b.poll(cx, Pin::new(&mut *a), Pin::new(&mut *b))?;
        let b_to_a = b_to_a.poll(cx, Pin::new(&mut *b), Pin::new(&mut *a))?;
        let a_to_b = ready!(a_to_b);
        let b_to_a = ready!(b_to_a);
        Poll::Ready(Ok((a_to_b, b_to_a)))
    })
    .await
}

/// One way of the copy.
#[derive(Debug)]
struct Direction {
    buf: Box<[u8]>,
    /// `buf[pos..cap]` is read but not yet written.
    pos: usize,
    cap: usize,
    /// Bytes written so far.
    amount: u64,
    /// Written since the last flush.
    unflushed: bool,
    /// The reader said end of file.
    eof: bool,
    state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Copying,
    /// End of file read and everything written: closing the writer.
    ShuttingDown,
    Done,
}

impl Direction {
    fn new(size: usize) -> Direction {
        Direction {
            buf: vec![0; size].into_boxed_slice(),
            pos: 0,
            cap: 0,
            amount: 0,
            unflushed: false,
            eof: false,
            state: State::Copying,
        }
    }

    fn poll<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        if self.state == State::Copying {
            ready!(self.poll_copy(cx, reader, writer.as_mut()))?;
            self.state = State::ShuttingDown;
        }
        if self.state == State::ShuttingDown {
            ready!(writer.poll_close(cx))?;
            self.state = State::Done;
        }
        Poll::Ready(Ok(self.amount))
    }

    /// Copies until end of file and everything read is written and flushed.
    fn poll_copy<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<()>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        loop {
            if self.pos == self.cap && self.eof {
                ready!(writer.as_mut().poll_flush(cx))?;
                self.unflushed = false;
                return Poll::Ready(Ok(()));
            }
            if self.pos == self.cap {
                ready!(poll_proceed(cx));
                match reader.as_mut().poll_read(cx, &mut self.buf) {
                    Poll::Ready(Ok(0)) => self.eof = true,
                    Poll::Ready(Ok(n)) => (self.pos, self.cap) = (0, n),
                    Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => {
                        // Nothing to read yet: what was written goes out
                        // before this direction waits.
                        if self.unflushed {
                            ready!(writer.as_mut().poll_flush(cx))?;
                            self.unflushed = false;
                        }
                        return Poll::Pending;
                    }
                }
            }
            while self.pos < self.cap {
                match ready!(writer.as_mut().poll_write(cx, &self.buf[self.pos..self.cap])) {
                    Ok(0) => {
                        let e = io::Error::new(io::ErrorKind::WriteZero, "write zero bytes into the writer");
                        return Poll::Ready(Err(e));
                    }
                    Ok(n) => {
                        self.pos += n;
                        self.amount += n as u64;
                        self.unflushed = true;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Poll::Ready(Err(e)),
                }
            }
        }
    }
}
