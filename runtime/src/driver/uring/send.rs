//! The send side of completion mode (`docs/URING.md`, "Send"): a write
//! copies its bytes into a runtime-owned buffer of the connection (at most
//! [`SEND_CAP`]) and one `IORING_OP_SEND` per connection carries them,
//! submitted by the next `io_uring_enter` (the one that waits). A full
//! buffer is `WouldBlock`: the writer waits for the `WRITABLE` event its
//! send's completion reports. A short send sends the rest; an error stays
//! with the connection and is the answer of its next write (and flush).
//!
//! A connection has a [`Slot`] from its first write until it deregisters
//! (or, dropped with bytes queued, until they are sent), and a buffer only
//! while bytes are queued: idle connections hold none
//! (`Metrics::send_buffers_held`). Drained buffers go to a small pool,
//! so a request/response exchange allocates nothing.
//!
//! While a send is in flight the kernel reads its bytes from the buffer:
//! the buffer is freed (or pooled) only when that send's completion (or
//! its cancel's) arrives, whatever the stream's owner dropped by then. A
//! stream dropped with bytes queued keeps a `dup` of its fd in the slot
//! until they are sent (as `write(2)` would have left them in the
//! kernel), unless it had unread bytes (its close is a reset: the send is
//! cancelled) or an error.

use std::io::{self, IoSlice};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use super::files;
use super::sys::{Cqe, Sqe};
use super::{Uring, NOTHING};
use crate::driver::syscall::annotate;
use crate::driver::{Event, Readiness};
use crate::sys::libc;

mod slots;

pub(super) use self::slots::Sends;

/// A connection's send buffer: the most bytes a write queues before it
/// waits (back-pressure).
pub(super) const SEND_CAP: u32 = 64 * 1024;
/// `IORING_OP_SEND`.
const IORING_OP_SEND: u8 = 26;
/// A send's `user_data`: its slot with this bit in the low half (bit 30
/// clear: a file descriptor never has bit 31, and `NOTHING`/the waker's
/// have both).
const SEND_TAG: u32 = 1 << 31;

/// Whether `data` is a send's `user_data`.
#[inline(always)]
pub(super) fn is_send(data: u64) -> bool {
    (data as u32) >> 30 == 0b10
}

fn send_data(id: usize) -> u64 {
    u64::from(id as u32 | SEND_TAG)
}

fn send(fd: RawFd, addr: *const u8, len: u32, data: u64) -> Sqe {
    Sqe {
        opcode: IORING_OP_SEND,
        fd,
        addr: addr as u64,
        len,
        op_flags: libc::MSG_NOSIGNAL as u32,
        user_data: data,
        ..Sqe::default()
    }
}

fn cancel(data: u64, skip_success: u8) -> Sqe {
    Sqe {
        opcode: super::sys::IORING_OP_ASYNC_CANCEL,
        flags: skip_success,
        fd: -1,
        addr: data,
        user_data: NOTHING,
        ..Sqe::default()
    }
}

fn os_error(errno: i32) -> io::Error {
    annotate(io::Error::from_raw_os_error(errno), "io_uring send")
}

impl Uring {
    /// Copies what fits of `bufs` (in order) into `fd`'s send buffer and
    /// queues its send: `Ok(n)`, `WouldBlock` when the buffer is full, or
    /// the error a send of this connection ended with.
    pub(crate) fn write(&mut self, fd: RawFd, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let reg = usize::try_from(fd).ok().and_then(|i| self.regs.get(i));
        let Some((token, fixed)) =
            reg.filter(|r| r.conn.state & super::conn::COMPLETION != 0).map(|r| (r.token, r.conn.slot))
        else {
            return Err(io::Error::other("the source is not in completion mode"));
        };
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let id = match self.sends.slot_of(fd) {
            Some(id) => id,
            None if total == 0 => return Ok(0),
            None => self.sends.open(fd, token, fixed),
        };
        let sends = &mut self.sends;
        let slot = &mut sends.slots[id];
        if slot.shut {
            return Err(os_error(libc::EPIPE));
        }
        if slot.error != 0 {
            return Err(os_error(slot.error));
        }
        if total == 0 {
            return Ok(0);
        }
        if slot.buf.is_none() {
            let buf = sends.take_buf();
            sends.slots[id].buf = Some(buf);
        }
        let slot = &mut sends.slots[id];
        let Some(ptr) = slot.buf.as_ref().map(|b| b.0) else { unreachable!("a buffer was just given") };
        let room = (SEND_CAP - slot.len) as usize;
        if room == 0 {
            slot.wake = true;
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let mut n = 0;
        for b in bufs {
            let take = b.len().min(room - n);
            // SAFETY: `len + n + take <= SEND_CAP`: inside the buffer, after
            // every byte a send in flight reads (`start..len`).
            unsafe { std::ptr::copy_nonoverlapping(b.as_ptr(), ptr.as_ptr().add(slot.len as usize + n), take) };
            n += take;
            if n == room {
                break;
            }
        }
        slot.len += n as u32;
        if n < total {
            slot.wake = true; // full: the caller clears `WRITABLE`
        }
        self.counters.send_buffers_held = sends.held;
        let data = send_data(id);
        if !slot.in_flight {
            self.submit_send(id)?;
        } else if self.ring.is_unsubmitted(slot.sqe_pos) && self.ring.get_mut(slot.sqe_pos).user_data == data {
            // Not in the kernel yet: the same send takes the new bytes.
            self.ring.get_mut(slot.sqe_pos).len = slot.len - slot.start;
        }
        Ok(n)
    }

    /// Queues the send of slot `id`'s bytes `start..len` (none in flight).
    fn submit_send(&mut self, id: usize) -> io::Result<()> {
        let slot = &self.sends.slots[id];
        let Some(buf) = &slot.buf else { return Ok(()) };
        // SAFETY: `start < len <= SEND_CAP`: inside the buffer.
        let addr = unsafe { buf.0.as_ptr().add(slot.start as usize) };
        let sqe = files::fixed(send(slot.fd, addr, slot.len - slot.start, send_data(id)), slot.fixed);
        match self.push(sqe) {
            Ok(pos) => {
                let slot = &mut self.sends.slots[id];
                (slot.in_flight, slot.sqe_pos) = (true, pos);
                Ok(())
            }
            Err(e) => {
                // Nothing in flight: the bytes are given up, the error kept.
                self.sends.slots[id].error = e.raw_os_error().unwrap_or(libc::EIO);
                self.sends.release_buf(id);
                self.counters.send_buffers_held = self.sends.held;
                Err(e)
            }
        }
    }

    /// `Ok` once `fd`'s queue is empty; `WouldBlock` while bytes are queued
    /// (the next completion reports `WRITABLE`); the kept error.
    pub(crate) fn flush(&mut self, fd: RawFd) -> io::Result<()> {
        let Some(id) = self.sends.slot_of(fd) else { return Ok(()) };
        let slot = &mut self.sends.slots[id];
        if slot.buf.is_some() {
            slot.wake = true;
            return Err(io::ErrorKind::WouldBlock.into());
        }
        match slot.error {
            0 => Ok(()),
            _ if slot.shut => Ok(()),
            error => Err(os_error(error)),
        }
    }

    /// Shuts `fd`'s write direction down once its queue drains: `true`
    /// when bytes are queued (the driver shuts it down after them), `false`
    /// when the caller may call `shutdown(2)` now. Later writes are
    /// `BrokenPipe`.
    pub(crate) fn shutdown_after_sends(&mut self, fd: RawFd) -> bool {
        let Some(id) = self.sends.slot_of(fd) else { return false };
        let slot = &mut self.sends.slots[id];
        if slot.buf.is_none() || slot.error != 0 {
            return false;
        }
        slot.shut = true;
        true
    }

    /// `fd`'s fixed file was never installed: its sends use the plain fd,
    /// and one that named the empty slot is sent again.
    pub(super) fn unfix_send(&mut self, fd: RawFd) {
        if let Some(id) = self.sends.slot_of(fd) {
            let slot = &mut self.sends.slots[id];
            if slot.fixed != files::NO_SLOT {
                (slot.fixed, slot.unfixed) = (files::NO_SLOT, true);
            }
        }
    }

    /// A send's completion: the bytes it took leave the queue; the rest is
    /// sent next; a drained queue gives its buffer back (and shuts the
    /// write direction down if asked); an error is kept. A waiting writer
    /// hears `WRITABLE`.
    #[cold]
    pub(super) fn on_send(&mut self, cqe: Cqe, on_event: &mut impl FnMut(Event)) -> io::Result<()> {
        let id = (cqe.user_data as u32 & !SEND_TAG) as usize;
        let Some(slot) = self.sends.slots.get_mut(id).filter(|s| s.in_flight) else { return Ok(()) };
        slot.in_flight = false;
        match cqe.res {
            _ if slot.discard => {}
            r if r > 0 => slot.start = (slot.start + r as u32).min(slot.len),
            r if r == -libc::EINTR || r == -libc::EAGAIN => {}
            // It named a slot whose install failed: sent again on the plain fd.
            r if r == -libc::EBADF && std::mem::take(&mut slot.unfixed) => {}
            0 => slot.error = libc::EPIPE,
            r => slot.error = -r,
        }
        let (live, token) = (slot.live, slot.token);
        let wake = std::mem::take(&mut slot.wake) && live;
        let mut shut = None;
        if slot.discard || slot.error != 0 {
            self.sends.release_buf(id);
        } else if slot.start < slot.len {
            if let Some(buf) = &slot.buf {
                let (start, len) = (slot.start as usize, (slot.len - slot.start) as usize);
                // SAFETY: nothing in flight; both ranges are in the buffer.
                unsafe { std::ptr::copy(buf.0.as_ptr().add(start), buf.0.as_ptr(), len) };
                (slot.start, slot.len) = (0, len as u32);
            }
            self.submit_send(id)?;
        } else {
            if slot.shut {
                shut = Some(slot.fd);
                slot.error = libc::EPIPE;
            }
            self.sends.release_buf(id);
        }
        if let Some(fd) = shut {
            // SAFETY: a plain system call on a descriptor this slot holds
            // (the registration's, or its `dup`). ENOTCONN: reset first.
            unsafe { libc::shutdown(fd, libc::SHUT_WR) };
        }
        // A live stream keeps its slot (not its buffer) for its next write:
        // opening and closing one per exchange cost about 110 instructions.
        let slot = &self.sends.slots[id];
        if slot.buf.is_none() && !slot.in_flight && !live {
            self.sends.close(id);
        }
        self.counters.send_buffers_held = self.sends.held;
        if wake {
            on_event(Event { token, readiness: Readiness::WRITABLE, error: 0, socket_error: 0 });
        }
        Ok(())
    }

    /// `fd` is deregistered (its owner drops or unwraps it). Queued bytes go
    /// on through a `dup` of it, unless `unread` (its close is a reset) or
    /// a send failed: then the send in flight is cancelled, and its buffer
    /// freed at its completion. The caller submits the queue at once, so a
    /// send still queued reaches the kernel (which holds the file) before
    /// the fd is closed.
    pub(super) fn deregister_send(&mut self, fd: RawFd, unread: bool) -> io::Result<()> {
        let Some(id) = self.sends.slot_of(fd) else { return Ok(()) };
        self.sends.by_fd[fd as usize] = 0;
        let slot = &mut self.sends.slots[id];
        slot.live = false;
        if !slot.in_flight {
            self.sends.close(id);
            self.counters.send_buffers_held = self.sends.held;
            return Ok(());
        }
        // The registration's slot is cleared with it: what is left goes to
        // the `dup`, by its plain fd (a send in flight holds its file).
        slot.fixed = files::NO_SLOT;
        let dup = if unread || slot.error != 0 { None } else { dup(fd) };
        match dup {
            Some(dup) => {
                slot.fd = dup.as_raw_fd();
                slot.dup = Some(dup);
            }
            None => {
                slot.discard = true;
                let data = send_data(id);
                self.push(cancel(data, self.skip_success))?;
            }
        }
        Ok(())
    }

    /// At the driver's drop: cancels the sends in flight and waits (a
    /// little) for their completions, so that no buffer is freed while the
    /// kernel may read it; a buffer whose send never answers is leaked.
    pub(super) fn drop_sends(&mut self) {
        let in_flight: Vec<usize> = (0..self.sends.slots.len()).filter(|&i| self.sends.slots[i].in_flight).collect();
        if in_flight.is_empty() {
            return;
        }
        for &id in &in_flight {
            let cancel = cancel(send_data(id), self.skip_success);
            if self.ring.push(cancel).is_none() && self.ring.enter(None).is_ok() {
                let _ = self.ring.push(cancel);
            }
        }
        let mut left = in_flight.len();
        for _ in 0..100 {
            if left == 0 || self.ring.enter(Some(Some(std::time::Duration::from_millis(10)))).is_err() {
                break;
            }
            let (mut pos, tail) = self.ring.completions();
            while pos != tail {
                let data = self.ring.cqe(pos).user_data;
                pos = pos.wrapping_add(1);
                if is_send(data) {
                    if let Some(slot) = self.sends.slots.get_mut((data as u32 & !SEND_TAG) as usize) {
                        if std::mem::take(&mut slot.in_flight) {
                            left -= 1;
                        }
                    }
                }
            }
            self.ring.consume(tail);
        }
        for slot in &mut self.sends.slots {
            if slot.in_flight {
                std::mem::forget(slot.buf.take());
            }
        }
    }
}

/// A `dup` of `fd` (close-on-exec), or `None` if the process is out of
/// descriptors.
fn dup(fd: RawFd) -> Option<OwnedFd> {
    // SAFETY: a plain system call; a new descriptor is ours to own.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    // SAFETY: `new` is a fresh descriptor nobody else owns.
    (new >= 0).then(|| unsafe { OwnedFd::from_raw_fd(new) })
}
