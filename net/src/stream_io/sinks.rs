//! The sinks a completion-mode read (`runtime::io::ReadSink`) copies a
//! stream's queued bytes into: a slice, `readv`'s slices and hyper's read
//! buffer. Each also takes the `recv(2)` the driver asks for when the queue
//! ran dry after a full buffer.

use std::io::{self, IoSliceMut};
use std::os::fd::RawFd;

use runtime::io::ReadSink;

use crate::sys;

/// The sink a completion-mode read copies queued bytes into: each slice
/// goes after the last in `buf` (the read asks for at most `buf.len()`),
/// and a `recv(2)` the driver asks for fills the rest.
pub(super) fn copy_into(buf: &mut [u8]) -> Filling<'_> {
    Filling { buf, filled: 0 }
}

pub(super) struct Filling<'a> {
    buf: &'a mut [u8],
    filled: usize,
}

impl ReadSink for Filling<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.buf[self.filled..self.filled + bytes.len()].copy_from_slice(bytes);
        self.filled += bytes.len();
    }

    fn recv(&mut self, fd: RawFd) -> io::Result<usize> {
        let n = sys::recv(fd, &mut self.buf[self.filled..])?;
        self.filled += n;
        Ok(n)
    }
}

/// hyper's read buffer as a completion read's sink.
#[cfg(feature = "hyper")]
pub(super) struct Cursor<'a, 'b>(pub(super) &'a mut ::hyper::rt::ReadBufCursor<'b>);

#[cfg(feature = "hyper")]
impl ReadSink for Cursor<'_, '_> {
    fn put(&mut self, bytes: &[u8]) {
        self.0.put_slice(bytes);
    }

    fn recv(&mut self, fd: RawFd) -> io::Result<usize> {
        sys::read_into(fd, self.0)
    }
}

/// `readv`'s slices as a completion read's sink (a `recv(2)` fills the
/// current slice only).
pub(super) struct Slices<'a, 'b> {
    pub(super) bufs: &'a mut [IoSliceMut<'b>],
    pub(super) slice: usize,
    pub(super) at: usize,
}

impl ReadSink for Slices<'_, '_> {
    fn put(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let dst = &mut self.bufs[self.slice][self.at..];
            let n = dst.len().min(bytes.len());
            dst[..n].copy_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
            self.at += n;
            if self.at == self.bufs[self.slice].len() {
                (self.slice, self.at) = (self.slice + 1, 0);
            }
        }
    }

    fn recv(&mut self, fd: RawFd) -> io::Result<usize> {
        let Some(dst) = self.bufs.get_mut(self.slice) else { return Ok(0) };
        let n = sys::recv(fd, &mut dst[self.at..])?;
        self.at += n;
        Ok(n)
    }
}
