//! The state machine behind [`File`]'s futures-io impls, as tokio's
//! `fs/file.rs`: the file is idle (holding a [`Buf`], perhaps with bytes
//! read ahead) or busy with one blocking job that owns the buffer and a
//! clone of the `Arc<std::fs::File>`. Every poll first collects the job in
//! flight, then starts its own. A dropped `File` drops only the handle to
//! its job: a write already handed over still reaches the file.

use std::future::{poll_fn, Future};
use std::io::{self, IoSlice, Seek, SeekFrom};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use futures_io::{AsyncRead, AsyncSeek, AsyncWrite};

use super::File;
use crate::blocking::spawn_mandatory_blocking;
use crate::io::blocking::Buf;
use crate::task::JoinHandle;

type StdFile = std::fs::File;

/// What the job in flight did.
#[derive(Debug)]
pub(super) enum Operation {
    Read(io::Result<usize>),
    Write(io::Result<()>),
    /// A seek; also `set_len`, which seeks back over bytes read ahead.
    Seek(io::Result<u64>),
}

#[derive(Debug)]
pub(super) enum State {
    Idle(Buf),
    Busy(JoinHandle<(Operation, Buf)>),
}

/// The part of a `File` behind its lock.
#[derive(Debug)]
pub(super) struct Inner {
    pub(super) state: State,
    /// A write's error seen by a read or seek, reported by the next write
    /// or flush.
    last_write_err: Option<io::Error>,
    /// The cursor as of the last completed seek.
    pos: u64,
    /// The job in flight is a seek started by `poll_seek`.
    seeking: bool,
}

impl Inner {
    pub(super) fn new() -> Inner {
        Inner { state: State::Idle(Buf::default()), last_write_err: None, pos: 0, seeking: false }
    }

    /// The buffer, when idle.
    pub(super) fn idle_buf(&mut self) -> Option<&mut Buf> {
        match &mut self.state {
            State::Idle(buf) => Some(buf),
            State::Busy(_) => None,
        }
    }

    /// Hands the buffer and `std` to `job` on the blocking pool. Idle only.
    pub(super) fn start<F>(&mut self, std: &Arc<StdFile>, job: F)
    where
        F: FnOnce(&mut Buf, &StdFile) -> Operation + Send + 'static,
    {
        self.start_with(std, false, job);
    }

    /// [`start`](Self::start); a `mandatory` job runs even if the runtime
    /// is dropped before a thread takes it (a write the caller was told
    /// was taken).
    fn start_with<F>(&mut self, std: &Arc<StdFile>, mandatory: bool, job: F)
    where
        F: FnOnce(&mut Buf, &StdFile) -> Operation + Send + 'static,
    {
        let mut buf = self.idle_buf().map(std::mem::take).unwrap_or_default();
        let std = std.clone();
        let job = move || {
            let op = job(&mut buf, &std);
            (op, buf)
        };
        self.state = State::Busy(match mandatory {
            true => spawn_mandatory_blocking(job),
            false => crate::spawn_blocking(job),
        });
    }

    /// Collects the job in flight: `Ready(Ok(None))` when idle.
    pub(super) fn poll_op(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Operation>>> {
        let State::Busy(job) = &mut self.state else { return Poll::Ready(Ok(None)) };
        let done = ready!(Pin::new(job).poll(cx));
        self.seeking = false;
        let (op, buf) = match done {
            Ok(done) => done,
            Err(e) => {
                self.state = State::Idle(Buf::default());
                return Poll::Ready(Err(e.into()));
            }
        };
        self.state = State::Idle(buf);
        if let Operation::Seek(Ok(pos)) = &op {
            self.pos = *pos;
        }
        Poll::Ready(Ok(Some(op)))
    }

    /// Keeps what a finished job left that its caller does not want now.
    fn absorb(&mut self, op: Operation) {
        if let Operation::Write(Err(e)) = op {
            self.last_write_err = Some(e);
        }
    }

    /// Waits for the job in flight; a write's error is returned.
    pub(super) fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.last_write_err.take() {
            return Poll::Ready(Err(e));
        }
        match ready!(self.poll_op(cx))? {
            Some(Operation::Write(result)) => Poll::Ready(result),
            _ => Poll::Ready(Ok(())),
        }
    }

    /// Waits for the job in flight; a write's error is kept for later.
    pub(super) async fn complete_inflight(&mut self) {
        poll_fn(|cx| {
            if let Err(e) = ready!(self.poll_flush(cx)) {
                self.last_write_err = Some(e);
            }
            Poll::Ready(())
        })
        .await
    }

    fn poll_write_with(
        &mut self,
        cx: &mut Context<'_>,
        std: &Arc<StdFile>,
        fill: impl FnOnce(&mut Buf) -> usize,
    ) -> Poll<io::Result<usize>> {
        if let Some(e) = self.last_write_err.take() {
            return Poll::Ready(Err(e));
        }
        loop {
            match ready!(self.poll_op(cx))? {
                Some(Operation::Write(result)) => result?,
                Some(op) => self.absorb(op),
                None => break,
            }
        }
        let Some(buf) = self.idle_buf() else { unreachable!("idle after poll_op") };
        // Bytes read ahead are given back: the write goes where the reader is.
        let back = buf.discard_read();
        let n = fill(buf);
        self.start_with(std, true, move |buf, mut std| {
            let result = match back {
                0 => Ok(0),
                back => std.seek(SeekFrom::Current(back)),
            };
            Operation::Write(result.and_then(|_| buf.write_to(&mut std)))
        });
        Poll::Ready(Ok(n))
    }
}

impl AsyncRead for File {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, dst: &mut [u8]) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        let max = dst.len().min(me.max_buf_size);
        let inner = me.inner.get_mut();
        loop {
            match ready!(inner.poll_op(cx))? {
                Some(Operation::Read(Err(e))) => return Poll::Ready(Err(e)),
                Some(Operation::Read(Ok(_))) => {
                    // What was read, or nothing at the end of the file.
                    let Some(buf) = inner.idle_buf() else { unreachable!("idle after poll_op") };
                    return Poll::Ready(Ok(buf.copy_to(dst)));
                }
                Some(op) => {
                    inner.absorb(op);
                    continue;
                }
                None => {}
            }
            let Some(buf) = inner.idle_buf() else { unreachable!("idle after poll_op") };
            if !buf.is_empty() || dst.is_empty() {
                return Poll::Ready(Ok(buf.copy_to(dst)));
            }
            inner.start(&me.std, move |buf, mut std| Operation::Read(buf.read_from(&mut std, max)));
        }
    }
}

impl AsyncWrite for File {
    /// Copies up to the max buffer size of `src` and hands it to a blocking
    /// job; the count is returned at once. The job's error, if any, comes
    /// from the next write or flush.
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, src: &[u8]) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        let max = me.max_buf_size;
        me.inner.get_mut().poll_write_with(cx, &me.std, |buf| buf.copy_from(src, max))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        let max = me.max_buf_size;
        me.inner.get_mut().poll_write_with(cx, &me.std, |buf| buf.copy_from_bufs(bufs, max))
    }

    /// Waits for the write in flight (it does not `fsync`: see
    /// [`File::sync_all`]).
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner.get_mut().poll_flush(cx)
    }

    /// The same as `poll_flush`; the file stays open until dropped.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl AsyncSeek for File {
    /// Waits for the job in flight, then seeks on the blocking pool, taking
    /// bytes read ahead into account. Returns the new position.
    fn poll_seek(self: Pin<&mut Self>, cx: &mut Context<'_>, pos: SeekFrom) -> Poll<io::Result<u64>> {
        let me = self.get_mut();
        let inner = me.inner.get_mut();
        loop {
            let ours = inner.seeking;
            match ready!(inner.poll_op(cx))? {
                Some(Operation::Seek(result)) if ours => return Poll::Ready(result),
                Some(op) => inner.absorb(op),
                None => {
                    let Some(buf) = inner.idle_buf() else { unreachable!("idle after poll_op") };
                    let back = buf.discard_read();
                    inner.start(&me.std, move |_, mut std| Operation::Seek(seek(&mut std, back, pos)));
                    inner.seeking = true;
                }
            }
        }
    }
}

/// Seeks, first moving `back` bytes (`<= 0`) for data read ahead.
fn seek(std: &mut &StdFile, back: i64, pos: SeekFrom) -> io::Result<u64> {
    match (back, pos) {
        (0, pos) => std.seek(pos),
        (back, SeekFrom::Current(offset)) => match offset.checked_add(back) {
            Some(offset) => std.seek(SeekFrom::Current(offset)),
            None => std.seek(SeekFrom::Current(back)).and_then(|_| std.seek(pos)),
        },
        (_, pos) => std.seek(pos),
    }
}
