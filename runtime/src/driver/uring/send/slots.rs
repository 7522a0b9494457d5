//! A completion-mode connection's send slot and the pool of send buffers
//! it takes from (`send.rs` has the protocol).

use std::alloc::{self, Layout};
use std::os::fd::{OwnedFd, RawFd};
use std::ptr::NonNull;

use super::SEND_CAP;

/// Drained buffers kept for the next writes: as many as were held at once
/// lately (`Sends::peak`), at least `POOL_MIN` and at most `POOL_MAX`
/// (16 MiB). A fixed small pool made `free` give memory back to the
/// system and `malloc` take it again: 0.16 `brk` per HTTP request at C=64.
const POOL_MIN: u64 = 32;
const POOL_MAX: u64 = 256;
/// Releases between two decays of `Sends::peak` (by 1/8).
const DECAY_EVERY: u32 = 4096;
/// [`SEND_CAP`] bytes of heap, written only through the raw pointer (the
/// kernel reads part of it while a send is in flight).
#[derive(Debug)]
pub(super) struct SendBuf(pub(super) NonNull<u8>);

impl SendBuf {
    const LAYOUT: Layout = match Layout::from_size_align(SEND_CAP as usize, 1) {
        Ok(layout) => layout,
        Err(_) => panic!("SEND_CAP is a valid size"),
    };

    pub(super) fn new() -> SendBuf {
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc::alloc(Self::LAYOUT) };
        SendBuf(NonNull::new(ptr).unwrap_or_else(|| alloc::handle_alloc_error(Self::LAYOUT)))
    }
}

impl Drop for SendBuf {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout; dropped only when no
        // send is in flight from it.
        unsafe { alloc::dealloc(self.0.as_ptr(), Self::LAYOUT) }
    }
}

/// One connection's queued bytes: `buf[start..len]`, of which a send is in
/// flight when `in_flight` (it covers `start..` up to `len` as it was
/// when it was submitted).
#[derive(Debug, Default)]
pub(super) struct Slot {
    /// The fd the sends go to: the registration's, or the `dup` once the
    /// stream is dropped.
    pub(super) fd: RawFd,
    pub(super) token: u64,
    /// The stream is still registered (its events are reported).
    pub(super) live: bool,
    pub(super) dup: Option<OwnedFd>,
    pub(super) buf: Option<SendBuf>,
    pub(super) start: u32,
    pub(super) len: u32,
    pub(super) in_flight: bool,
    /// Where the send in flight was written in the submission queue.
    pub(super) sqe_pos: u32,
    /// An errno a send ended with: the next write's (and flush's) answer.
    pub(super) error: i32,
    /// `shutdown(SHUT_WR)` once the queue drains (then: done).
    pub(super) shut: bool,
    /// A writer (or flush) waits for the next completion's `WRITABLE`.
    pub(super) wake: bool,
    /// The slot of its fixed file (`files.rs`), or `NO_SLOT`: the plain fd.
    pub(super) fixed: u32,
    /// Its fixed file's install failed: a send that ends with `EBADF` is
    /// sent again on the plain fd.
    pub(super) unfixed: bool,
    /// Its bytes are given up (the stream was dropped with unread bytes):
    /// the completion only frees the buffer.
    pub(super) discard: bool,
}

/// The connections' send slots, by fd while registered.
#[derive(Debug, Default)]
pub(crate) struct Sends {
    /// Per fd: its slot + 1, or 0.
    pub(super) by_fd: Vec<u32>,
    pub(super) slots: Vec<Slot>,
    pub(super) free: Vec<u32>,
    pub(super) pool: Vec<SendBuf>,
    /// Buffers held by connections (not pooled).
    pub(super) held: u64,
    /// The most buffers held at once lately (decays while fewer are).
    pub(super) peak: u64,
    pub(super) releases: u32,
}

impl Sends {
    pub(super) fn slot_of(&self, fd: RawFd) -> Option<usize> {
        let id = *self.by_fd.get(usize::try_from(fd).ok()?)?;
        id.checked_sub(1).map(|id| id as usize)
    }

    pub(super) fn open(&mut self, fd: RawFd, token: u64, fixed: u32) -> usize {
        let index = fd as usize;
        if index >= self.by_fd.len() {
            self.by_fd.resize(index + 1, 0);
        }
        let slot = Slot { fd, token, live: true, fixed, ..Slot::default() };
        let id = match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = slot;
                id as usize
            }
            None => {
                self.slots.push(slot);
                self.slots.len() - 1
            }
        };
        self.by_fd[index] = id as u32 + 1;
        id
    }

    /// Gives slot `id`'s buffer back to the pool (none in flight).
    pub(super) fn release_buf(&mut self, id: usize) {
        let slot = &mut self.slots[id];
        (slot.start, slot.len) = (0, 0);
        if let Some(buf) = slot.buf.take() {
            self.held -= 1;
            self.releases = self.releases.wrapping_add(1);
            if self.releases.is_multiple_of(DECAY_EVERY) {
                self.peak = self.held.max(self.peak - self.peak / 8);
            }
            let keep = self.peak.clamp(POOL_MIN, POOL_MAX) as usize;
            if self.pool.len() < keep {
                self.pool.push(buf);
            } else {
                self.pool.truncate(keep);
            }
        }
    }

    /// A buffer for a slot: a pooled one, or a new one.
    pub(super) fn take_buf(&mut self) -> SendBuf {
        self.held += 1;
        self.peak = self.peak.max(self.held);
        self.pool.pop().unwrap_or_else(SendBuf::new)
    }

    /// Frees slot `id` (its buffer released, nothing in flight); closes its
    /// `dup`, if any.
    pub(super) fn close(&mut self, id: usize) {
        self.release_buf(id);
        let slot = std::mem::take(&mut self.slots[id]);
        if slot.live {
            self.by_fd[slot.fd as usize] = 0;
        }
        self.free.push(id as u32);
    }
}
