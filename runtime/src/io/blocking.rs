//! The buffer that blocking-pool I/O hands back and forth ([`Buf`]), and the
//! one-operation-at-a-time adapter the standard streams are built on
//! ([`Blocking`]). `fs::File` uses the same [`Buf`].
//!
//! A read or write never borrows the caller's buffer across an `await`: the
//! bytes are copied into a `Buf`, the `Buf` moves into a job on the blocking
//! pool, and the job hands it back. So the caller may drop its future at any
//! point and nothing is lost: a finished read waits in the `Buf` for the
//! next `poll_read`, a started write completes on its own.

use std::future::Future;
use std::io::{self, IoSlice, Read, Write};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use crate::blocking::{spawn_blocking, spawn_mandatory_blocking};
use crate::task::JoinHandle;

/// The most bytes one blocking job reads or writes (tokio's default, 2 MiB).
pub(crate) const DEFAULT_MAX_BUF_SIZE: usize = 2 * 1024 * 1024;

/// Bytes in flight between a task and the blocking pool.
///
/// `buf[pos..end]` holds data not yet handed out; `buf` itself only grows
/// (its bytes stay initialised), so reading into it never zeroes memory
/// twice.
#[derive(Debug, Default)]
pub(crate) struct Buf {
    buf: Vec<u8>,
    pos: usize,
    end: usize,
}

impl Buf {
    pub(crate) fn is_empty(&self) -> bool {
        self.pos == self.end
    }

    fn clear(&mut self) {
        self.pos = 0;
        self.end = 0;
    }

    /// Copies what it holds into `dst`, as much as fits.
    pub(crate) fn copy_to(&mut self, dst: &mut [u8]) -> usize {
        let n = (self.end - self.pos).min(dst.len());
        dst[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        if self.is_empty() {
            self.clear();
        }
        n
    }

    /// Takes up to `max` bytes of `src` to write; returns how many.
    pub(crate) fn copy_from(&mut self, src: &[u8], max: usize) -> usize {
        self.copy_from_bufs(&[IoSlice::new(src)], max)
    }

    /// Takes up to `max` bytes of `bufs`, in order; returns how many.
    pub(crate) fn copy_from_bufs(&mut self, bufs: &[IoSlice<'_>], max: usize) -> usize {
        debug_assert!(self.is_empty());
        self.buf.clear();
        for src in bufs {
            let room = max - self.buf.len();
            if room == 0 {
                break;
            }
            self.buf.extend_from_slice(&src[..src.len().min(room)]);
        }
        self.pos = 0;
        self.end = self.buf.len();
        self.end
    }

    /// Forgets unread bytes and returns the seek that puts the cursor of
    /// the underlying file back where the reader is (`-unread`).
    pub(crate) fn discard_read(&mut self) -> i64 {
        let unread = (self.end - self.pos) as i64;
        self.clear();
        -unread
    }

    /// One `read` of up to `max` bytes from `src` (on the blocking pool),
    /// retried on `EINTR`.
    pub(crate) fn read_from(&mut self, src: &mut impl Read, max: usize) -> io::Result<usize> {
        debug_assert!(self.is_empty());
        self.clear();
        if self.buf.len() < max {
            self.buf.resize(max, 0);
        }
        let result = loop {
            match src.read(&mut self.buf[..max]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        self.end = *result.as_ref().unwrap_or(&0);
        result
    }

    /// Writes everything it holds to `dst` (on the blocking pool).
    pub(crate) fn write_to(&mut self, dst: &mut impl Write) -> io::Result<()> {
        let result = dst.write_all(&self.buf[self.pos..self.end]);
        self.clear();
        result
    }
}

/// The result of a blocking job on a standard stream: the outcome, the
/// buffer and the stream, all handed back.
type Done<T> = (io::Result<usize>, Buf, T);

#[derive(Debug)]
enum State<T> {
    Idle(Buf),
    Busy(JoinHandle<Done<T>>),
}

/// A blocking reader or writer driven from a task: at most one operation
/// in flight on the blocking pool, as tokio's `io::blocking::Blocking`.
#[derive(Debug)]
pub(crate) struct Blocking<T> {
    /// `None` while a job owns it, or for good if a job panicked.
    inner: Option<T>,
    state: State<T>,
    need_flush: bool,
}

fn lost() -> io::Error {
    io::Error::other("the standard stream was lost: a blocking job on it panicked")
}

impl<T: Send + 'static> Blocking<T> {
    pub(crate) fn new(inner: T) -> Blocking<T> {
        Blocking { inner: Some(inner), state: State::Idle(Buf::default()), need_flush: false }
    }

    /// Waits for the operation in flight, if any; `Ready(Ok(Some(n)))` is
    /// its result, `Ready(Ok(None))` means idle.
    fn poll_done(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<usize>>> {
        let State::Busy(job) = &mut self.state else { return Poll::Ready(Ok(None)) };
        let done = ready!(Pin::new(job).poll(cx));
        let (result, buf) = match done {
            Ok((result, buf, inner)) => {
                self.inner = Some(inner);
                (result, buf)
            }
            Err(e) => (Err(e.into()), Buf::default()),
        };
        self.state = State::Idle(buf);
        Poll::Ready(result.map(Some))
    }

    /// Hands the buffer and the stream to `job` on the blocking pool; a
    /// `mandatory` job (a write or flush) runs even if the runtime is
    /// dropped before a thread takes it, as tokio's.
    fn start<F>(&mut self, mandatory: bool, job: F) -> io::Result<()>
    where
        F: FnOnce(&mut Buf, &mut T) -> io::Result<usize> + Send + 'static,
    {
        let State::Idle(buf) = &mut self.state else { unreachable!("start while busy") };
        let mut buf = std::mem::take(buf);
        let mut inner = self.inner.take().ok_or_else(lost)?;
        let job = move || {
            let result = job(&mut buf, &mut inner);
            (result, buf, inner)
        };
        self.state = State::Busy(match mandatory {
            true => spawn_mandatory_blocking(job),
            false => spawn_blocking(job),
        });
        Ok(())
    }
}

impl<T: Read + Send + 'static> Blocking<T> {
    pub(crate) fn poll_read(&mut self, cx: &mut Context<'_>, dst: &mut [u8]) -> Poll<io::Result<usize>> {
        if let State::Idle(buf) = &mut self.state {
            if !buf.is_empty() || dst.is_empty() {
                return Poll::Ready(Ok(buf.copy_to(dst)));
            }
            let max = dst.len().min(DEFAULT_MAX_BUF_SIZE);
            self.start(false, move |buf, inner| buf.read_from(inner, max))?;
        }
        // What the job read (nothing at the end of input), or its error.
        ready!(self.poll_done(cx))?;
        let State::Idle(buf) = &mut self.state else { unreachable!("idle after poll_done") };
        Poll::Ready(Ok(buf.copy_to(dst)))
    }
}

impl<T: Write + Send + 'static> Blocking<T> {
    pub(crate) fn poll_write(&mut self, cx: &mut Context<'_>, src: &[u8]) -> Poll<io::Result<usize>> {
        // The previous write's error, if any, is this one's.
        ready!(self.poll_done(cx))?;
        let State::Idle(buf) = &mut self.state else { unreachable!("idle after poll_done") };
        let n = buf.copy_from(src, DEFAULT_MAX_BUF_SIZE);
        self.start(true, |buf, inner| buf.write_to(inner).map(|()| 0))?;
        self.need_flush = true;
        Poll::Ready(Ok(n))
    }

    pub(crate) fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            ready!(self.poll_done(cx))?;
            if !self.need_flush {
                return Poll::Ready(Ok(()));
            }
            self.start(true, |_, inner| inner.flush().map(|()| 0))?;
            self.need_flush = false;
        }
    }
}
