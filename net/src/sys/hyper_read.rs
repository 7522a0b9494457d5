//! `read(2)` straight into hyper's read buffer, which hands out memory that
//! may be uninitialised: no zeroing and no copy through a stack buffer.

use std::io;
use std::os::fd::RawFd;

use ::hyper::rt::ReadBufCursor;

use super::cvt;
use crate::sys::libc;

/// Reads from `fd` into the unfilled part of `cursor` and advances it by
/// the bytes read. Returns that count (0 at end of stream, or when the
/// cursor has no room).
#[inline]
pub(crate) fn read_into(fd: RawFd, cursor: &mut ReadBufCursor<'_>) -> io::Result<usize> {
    // SAFETY: `as_mut` asks that no initialised byte be de-initialised; the
    // slice goes only to `read(2)`, which stores bytes it read, never
    // uninitialised ones.
    let unfilled = unsafe { cursor.as_mut() };
    // SAFETY: the pointer and length describe `unfilled`, writable for the
    // call; `read` writes at most that many bytes.
    let n = cvt(unsafe { libc::read(fd, unfilled.as_mut_ptr().cast(), unfilled.len()) })?;
    let n = n.unsigned_abs();
    // SAFETY: `read` returned `n` (at most `unfilled.len()`): it initialised
    // the first `n` bytes of the unfilled part, which `advance` requires.
    unsafe { cursor.advance(n) };
    Ok(n)
}
