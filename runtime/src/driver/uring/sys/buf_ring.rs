//! Provided buffers (`IORING_REGISTER_PBUF_RING`, Linux 5.19): the ring of
//! buffer ids the kernel takes from, and the buffers, for completion reads.

use std::io;
use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering;

use super::{Mapping, Ring, IORING_REGISTER_PBUF_RING};
use crate::driver::syscall::cvt;
use crate::sys::libc;

/// `struct io_uring_buf_reg`.
#[repr(C)]
#[derive(Default)]
struct BufReg {
    ring_addr: u64,
    ring_entries: u32,
    bgid: u16,
    flags: u16,
    resv: [u64; 3],
}

/// `struct io_uring_buf`: one entry of a provided-buffer ring. The `resv`
/// field of entry 0 is the ring's tail, which the application writes.
#[repr(C)]
struct BufEntry {
    addr: u64,
    len: u32,
    bid: u16,
    resv: u16,
}

const _: () = assert!(std::mem::size_of::<BufReg>() == 40);
const _: () = assert!(std::mem::size_of::<BufEntry>() == 16);
impl Ring {
    /// Registers `bufs` as buffer group `bgid` (`IORING_REGISTER_PBUF_RING`,
    /// Linux 5.19).
    pub(in crate::driver::uring) fn register_buffers(&self, bufs: &BufRing, bgid: u16) -> io::Result<()> {
        let reg = BufReg {
            ring_addr: bufs.entries.ptr.as_ptr() as u64,
            ring_entries: u32::from(bufs.count),
            bgid,
            ..BufReg::default()
        };
        // SAFETY: `reg` is a valid io_uring_buf_reg that lives across the
        // call; the ring memory it names stays mapped while the ring lives
        // (`Uring` drops its `Ring` before its `BufRing`).
        let r = unsafe {
            libc::syscall(
                libc::SYS_io_uring_register,
                self.fd.as_raw_fd(),
                IORING_REGISTER_PBUF_RING,
                &reg as *const BufReg,
                1,
            )
        };
        cvt(r as i32).map(drop)
    }
}

/// A provided-buffer ring: `count` entries the kernel takes buffers from,
/// and the `count` buffers of `size` bytes. A buffer is the kernel's while
/// its id is in the ring, ours from the completion that names it until
/// [`give`](Self::give) puts it back.
#[derive(Debug)]
pub(in crate::driver::uring) struct BufRing {
    entries: Mapping,
    bufs: Mapping,
    count: u16,
    size: u32,
    /// Our tail: entries before it are the kernel's once published.
    tail: u16,
}

impl BufRing {
    /// `count` (a power of two, at most 32768) buffers of `size` bytes, all
    /// handed to the kernel at the first [`publish`](Self::publish).
    pub(in crate::driver::uring) fn new(count: u16, size: u32) -> io::Result<BufRing> {
        debug_assert!(count.is_power_of_two() && count <= 1 << 15);
        let entries = Mapping::anonymous(usize::from(count) * std::mem::size_of::<BufEntry>())?;
        let bufs = Mapping::anonymous(usize::from(count) * size as usize)?;
        let mut ring = BufRing { entries, bufs, count, size, tail: 0 };
        for bid in 0..count {
            ring.give(bid);
        }
        Ok(ring)
    }

    /// Puts buffer `bid` back at the tail (seen by the kernel after `publish`).
    pub(in crate::driver::uring) fn give(&mut self, bid: u16) {
        debug_assert!(bid < self.count);
        let index = usize::from(self.tail & (self.count - 1));
        // SAFETY: `bid` < count, so its buffer lies in `bufs`; `index` <
        // count indexes the entry array; the kernel reads that entry only
        // after the tail is published past it. The `resv` (tail) field of
        // entry 0 is not written here.
        unsafe {
            let e = self.entries.ptr.as_ptr().cast::<BufEntry>().add(index);
            std::ptr::addr_of_mut!((*e).addr)
                .write(self.bufs.ptr.as_ptr().add(usize::from(bid) * self.size as usize) as u64);
            std::ptr::addr_of_mut!((*e).len).write(self.size);
            std::ptr::addr_of_mut!((*e).bid).write(bid);
        }
        self.tail = self.tail.wrapping_add(1);
    }

    /// Publishes the entries given so far.
    pub(in crate::driver::uring) fn publish(&self) {
        // SAFETY: the tail is the `resv` u16 of entry 0 (byte 14), in the
        // mapping; `AtomicU16` has u16's layout; Release orders the entry
        // writes before it.
        unsafe {
            let tail = self.entries.ptr.as_ptr().add(14).cast::<std::sync::atomic::AtomicU16>();
            (*tail).store(self.tail, Ordering::Release);
        }
    }

    /// `len` bytes of buffer `bid` from `offset`: ours (a completion named
    /// it and it has not been given back).
    pub(in crate::driver::uring) fn bytes(&self, bid: u16, offset: u32, len: u32) -> &[u8] {
        assert!(bid < self.count && offset.checked_add(len).is_some_and(|end| end <= self.size));
        // SAFETY: the range lies in buffer `bid` (asserted), which the
        // kernel does not write while it is out of the ring (the caller's
        // contract); the bytes were written by the kernel's recv.
        unsafe {
            std::slice::from_raw_parts(
                self.bufs.ptr.as_ptr().add(usize::from(bid) * self.size as usize + offset as usize),
                len as usize,
            )
        }
    }
}
