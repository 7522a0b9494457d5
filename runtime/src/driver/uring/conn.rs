//! A completion-mode TCP stream's state in the io_uring driver
//! (`docs/URING.md`): its queue of received buffers and its recv's state
//! ([`Conn`]), and the provided-buffer ring they come from ([`Bufs`]).

use std::collections::VecDeque;
use std::io;

use super::sys::{BufRing, Ring};

/// Set in a generation (never allocated with it) to mark a recv's `user_data`.
pub(super) const RECV_BIT: u32 = 1 << 31;
/// The buffer group of the provided-buffer ring.
pub(super) const BGID: u16 = 1;
/// Buffers in the ring, and their size.
pub(super) const BUF_COUNT: u16 = 256;
pub(super) const BUF_SIZE: u32 = 16384;
/// Unread buffers at which a connection's recv is paused (a multishot one
/// cancelled, a single-shot one not re-armed), and at or below which a read
/// re-arms it.
pub(super) const HIGH_MARK: u16 = 4;
pub(super) const LOW_MARK: u16 = 2;
/// Bytes a multishot recv takes before it ends by itself (`sqe.optlen`,
/// Linux 6.17): a flood fills at most `HIGH_MARK` buffers before the
/// driver can pause it.
pub(super) const MSHOT_TOTAL: u32 = HIGH_MARK as u32 * BUF_SIZE;
/// No buffer: the end of a connection's list.
pub(super) const NO_BID: u16 = u16::MAX;

/// `Conn::state` bits.
pub(super) const COMPLETION: u8 = 1;
pub(super) const RECV_ARMED: u8 = 2;
pub(super) const EOF: u8 = 4;
pub(super) const STARVED: u8 = 8;
/// Its last recv filled a whole buffer: the socket likely holds more.
pub(super) const FULL: u8 = 16;
/// Its multishot recv reached the high mark and is being cancelled: when
/// it ends, it is re-armed only at or below the low mark.
pub(super) const PAUSED: u8 = 32;

/// Its fixed file's install failed: a recv that ends with `EBADF` (it named
/// the empty slot) is re-armed on the plain fd.
pub(super) const UNFIXED: u8 = 64;

/// A completion-mode source's received bytes and its recv's state.
#[derive(Debug, Clone, Copy)]
pub(super) struct Conn {
    /// The first and last buffer of its queue (`NO_BID`: empty).
    pub(super) head: u16,
    pub(super) tail: u16,
    /// Bytes of `head` already read.
    pub(super) offset: u16,
    /// Buffers in its queue.
    pub(super) held: u16,
    pub(super) state: u8,
    /// An errno the recv ended with, for the next read.
    pub(super) error: i32,
    /// Where its last recv was written in the submission queue.
    pub(super) recv_pos: u32,
    /// Its slot in the registered file table (`files.rs`), or `NO_SLOT`.
    pub(super) slot: u32,
}

impl Default for Conn {
    fn default() -> Conn {
        Conn {
            head: NO_BID,
            tail: NO_BID,
            offset: 0,
            held: 0,
            state: 0,
            error: 0,
            recv_pos: 0,
            slot: super::files::NO_SLOT,
        }
    }
}

/// The provided-buffer ring and the per-buffer bookkeeping.
#[derive(Debug)]
pub(super) struct Bufs {
    pub(super) ring: BufRing,
    /// Per buffer: the next buffer of its connection's queue, and its length.
    pub(super) next: Vec<u16>,
    pub(super) len: Vec<u16>,
    /// Buffers out of the ring (in some connection's queue).
    pub(super) held: u64,
    /// Connections whose recv ended with `ENOBUFS`, re-armed in turn as
    /// buffers come back (one per free buffer).
    pub(super) starved: VecDeque<u32>,
    /// Recvs are multishot (`IORING_RECV_MULTISHOT` with a byte cap); off
    /// where the kernel refuses the cap (`EINVAL`, before Linux 6.17) or
    /// `RUNTIME_URING_RECV_MULTISHOT=0` asks for single-shot recvs.
    pub(super) multishot: bool,
}

impl Bufs {
    /// The ring, registered with `ring` as group `BGID`, every buffer in it.
    pub(super) fn new(ring: &Ring) -> io::Result<Box<Bufs>> {
        let bufs = BufRing::new(BUF_COUNT, BUF_SIZE)?;
        ring.register_buffers(&bufs, BGID)?;
        bufs.publish();
        let count = usize::from(BUF_COUNT);
        Ok(Box::new(Bufs {
            ring: bufs,
            next: vec![NO_BID; count],
            len: vec![0; count],
            held: 0,
            starved: VecDeque::new(),
            multishot: multishot_wanted(std::env::var_os("RUNTIME_URING_RECV_MULTISHOT").as_deref()),
        }))
    }

    /// Gives buffer `bid` back to the kernel (published by the caller).
    pub(super) fn give(&mut self, bid: u16) {
        self.ring.give(bid);
        self.held -= 1;
    }
}

/// Multishot recvs unless `RUNTIME_URING_RECV_MULTISHOT=0` (read when the
/// driver is made; for measuring one against the other).
pub(super) fn multishot_wanted(value: Option<&std::ffi::OsStr>) -> bool {
    !matches!(value, Some(v) if v == "0")
}
