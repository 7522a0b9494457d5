//! A stand-in for `tokio_test::io::Builder` and `tokio::io::join` over the
//! futures-io traits, so tokio's I/O tests port with every assertion kept.
//!
//! A [`Mock`] plays a script of actions as tokio-test's does: a read takes
//! the next `Read` (or fails with the next `ReadError`) and waits while a
//! write is due; a write must match the scripted writes ahead of it (or
//! fails with the next `WriteError`). With the script played, reads give
//! end of file and a write fails the test, as do scripted bytes left when
//! the mock is dropped.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use futures::io::{AsyncRead, AsyncWrite};

#[derive(Debug)]
enum Action {
    Read(Vec<u8>),
    Write(Vec<u8>),
    ReadError(io::Error),
    WriteError(io::Error),
}

/// Builds a [`Mock`].
#[derive(Debug, Default)]
pub struct Builder {
    actions: VecDeque<Action>,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    pub fn read(&mut self, data: &[u8]) -> &mut Builder {
        self.actions.push_back(Action::Read(data.to_vec()));
        self
    }

    pub fn write(&mut self, data: &[u8]) -> &mut Builder {
        self.actions.push_back(Action::Write(data.to_vec()));
        self
    }

    pub fn read_error(&mut self, error: io::Error) -> &mut Builder {
        self.actions.push_back(Action::ReadError(error));
        self
    }

    pub fn write_error(&mut self, error: io::Error) -> &mut Builder {
        self.actions.push_back(Action::WriteError(error));
        self
    }

    pub fn build(&mut self) -> Mock {
        Mock { actions: std::mem::take(&mut self.actions), read_waiting: None, write_waiting: None }
    }
}

/// A scripted stream.
#[derive(Debug)]
pub struct Mock {
    actions: VecDeque<Action>,
    /// The task whose read waits for a scripted write to be made.
    read_waiting: Option<Waker>,
    /// The task whose write waits for a scripted read to be made.
    write_waiting: Option<Waker>,
}

impl Mock {
    /// The front action still to play, dropping played ones.
    fn front(&mut self) -> Option<&mut Action> {
        while let Some(Action::Read(d) | Action::Write(d)) = self.actions.front() {
            if !d.is_empty() {
                break;
            }
            self.actions.pop_front();
        }
        self.actions.front_mut()
    }
}

impl AsyncRead for Mock {
    /// The next `Read` (or `ReadError`); `Pending` while a write is due;
    /// end of file once the script is played.
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match this.front() {
            None => Poll::Ready(Ok(0)),
            Some(Action::Read(data)) => {
                let n = data.len().min(buf.len());
                buf[..n].copy_from_slice(&data[..n]);
                data.drain(..n);
                if let Some(waker) = this.write_waiting.take() {
                    waker.wake();
                }
                Poll::Ready(Ok(n))
            }
            Some(Action::ReadError(_)) => match this.actions.pop_front() {
                Some(Action::ReadError(e)) => Poll::Ready(Err(e)),
                _ => unreachable!(),
            },
            Some(_) => {
                this.read_waiting = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl AsyncWrite for Mock {
    /// As tokio-test's mock: a `WriteError` next fails the write; otherwise
    /// the bytes must match the scripted writes ahead (reads in between are
    /// left for the reader), up to the next error; `Pending` if none is
    /// ahead of that. With the script played, a write fails the test.
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, mut buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match this.front() {
            None => panic!("mock: unexpected write of {buf:?}: the script is played"),
            Some(Action::WriteError(_)) => match this.actions.pop_front() {
                Some(Action::WriteError(e)) => return Poll::Ready(Err(e)),
                _ => unreachable!(),
            },
            Some(_) => {}
        }
        let mut written = 0;
        for action in this.actions.iter_mut() {
            match action {
                Action::Write(expected) => {
                    let n = expected.len().min(buf.len());
                    assert_eq!(&buf[..n], &expected[..n], "mock: the write differs from the script");
                    expected.drain(..n);
                    buf = &buf[n..];
                    written += n;
                    if buf.is_empty() {
                        break;
                    }
                }
                Action::WriteError(_) => break,
                Action::Read(_) | Action::ReadError(_) => {}
            }
        }
        if written == 0 {
            // A read (or an error) must come first.
            this.write_waiting = Some(cx.waker().clone());
            return Poll::Pending;
        }
        if let Some(waker) = this.read_waiting.take() {
            waker.wake();
        }
        Poll::Ready(Ok(written))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl Drop for Mock {
    /// Scripted bytes left unread or unwritten fail the test (errors left
    /// unplayed do not), as tokio-test's mock.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        for action in &self.actions {
            match action {
                Action::Read(d) => assert!(d.is_empty(), "mock: there is still data left to read: {d:?}"),
                Action::Write(d) => assert!(d.is_empty(), "mock: there is still data left to write: {d:?}"),
                _ => {}
            }
        }
    }
}

/// A reader and a writer as one stream (`tokio::io::join`).
#[derive(Debug)]
pub struct Join<R, W> {
    reader: R,
    writer: W,
}

pub fn join<R, W>(reader: R, writer: W) -> Join<R, W> {
    Join { reader, writer }
}

impl<R: AsyncRead + Unpin, W: Unpin> AsyncRead for Join<R, W> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().reader).poll_read(cx, buf)
    }
}

impl<R: Unpin, W: AsyncWrite + Unpin> AsyncWrite for Join<R, W> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().writer).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().writer).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().writer).poll_close(cx)
    }
}
