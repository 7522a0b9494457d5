//! The kernel's io_uring ABI (`include/uapi/linux/io_uring.h`), as much of
//! it as the driver uses, and the [`Ring`]: the two mapped queues of one
//! io_uring instance.
//!
//! Our own `#[repr(C)]` structs over `libc::syscall`: the three system calls
//! and the layouts are stable ABI, and the driver needs a few dozen lines of
//! them (ARCHITECTURE.md says why no crate).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::{driver::syscall::cvt, sys::libc};

mod abi;
mod buf_ring;
mod consts;

pub(super) use self::abi::{Cqe, Sqe};
use self::abi::{GeteventsArg, KernelTimespec, Params, RsrcRegister};
pub(super) use self::buf_ring::BufRing;
pub(super) use self::consts::*;

/// One mmap of the ring fd, unmapped on drop.
#[derive(Debug)]
struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
}

impl Mapping {
    fn new(fd: &OwnedFd, len: usize, offset: i64) -> io::Result<Mapping> {
        let (prot, flags) = (libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED | libc::MAP_POPULATE);
        // SAFETY: a fresh shared mapping of the ring fd; no existing memory is touched.
        let ptr = unsafe { libc::mmap(std::ptr::null_mut(), len, prot, flags, fd.as_raw_fd(), offset) };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(Mapping { ptr: NonNull::new(ptr.cast()).ok_or_else(|| io::Error::other("mmap returned null"))?, len })
    }

    /// Private anonymous memory, `len` bytes, page-aligned, not populated:
    /// a page costs memory only once it is written.
    fn anonymous(len: usize) -> io::Result<Mapping> {
        let (prot, flags) = (libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS);
        // SAFETY: a fresh anonymous mapping; no existing memory is touched.
        let ptr = unsafe { libc::mmap(std::ptr::null_mut(), len, prot, flags, -1, 0) };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(Mapping { ptr: NonNull::new(ptr.cast()).ok_or_else(|| io::Error::other("mmap returned null"))?, len })
    }

    /// The `u32` at byte `offset`, which the kernel says is one of the ring's fields.
    fn u32_at(&self, offset: u32) -> *mut u32 {
        debug_assert!(offset as usize + 4 <= self.len);
        // SAFETY: the kernel's offsets lie inside the mapping it sized (checked above in debug).
        unsafe { self.ptr.as_ptr().add(offset as usize).cast() }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the region `new` mapped; nothing points into it any more
        // (the `Ring` that held the pointers is being dropped).
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

/// An io_uring instance: its fd, the submission and completion queues
/// mapped in, and the SQE array. Used by one thread.
#[derive(Debug)]
pub(super) struct Ring {
    sq_head: *const AtomicU32,
    sq_tail: *const AtomicU32,
    sq_mask: u32,
    sq_entries: u32,
    sqes: *mut Sqe,
    /// The tail as written locally: entries from the kernel's tail to here
    /// are filled but not yet published.
    local_tail: u32,
    cq_head: *const AtomicU32,
    cq_tail: *const AtomicU32,
    cq_mask: u32,
    cqes: *const Cqe,
    pub(super) features: u32,
    /// Set up with `IORING_SETUP_DEFER_TASKRUN`: every enter asks for
    /// events (with none to wait for when it only submits), so that the
    /// task work of what it submits runs before it returns.
    defer_taskrun: bool,
    // Field order is drop order: the mappings go before the fd.
    _sqe_map: Mapping,
    _cq_map: Option<Mapping>,
    _sq_map: Mapping,
    fd: OwnedFd,
}

impl Ring {
    /// `io_uring_setup` with `entries` SQEs, `cq_entries` CQEs and `flags`
    /// (`IORING_SETUP_CQSIZE` is added), then the three mappings.
    pub(super) fn new(entries: u32, cq_entries: u32, flags: u32) -> io::Result<Ring> {
        let mut p = Params { cq_entries, flags: flags | IORING_SETUP_CQSIZE, ..Params::default() };
        // SAFETY: `p` is a valid io_uring_params the kernel reads and fills.
        let fd = cvt(unsafe { libc::syscall(libc::SYS_io_uring_setup, entries, &mut p as *mut Params) } as i32)?;
        // SAFETY: `fd` was just returned by the kernel and nothing else owns it.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let sq_len = p.sq_off.array as usize + p.sq_entries as usize * 4;
        let cq_len = p.cq_off.cqes as usize + p.cq_entries as usize * std::mem::size_of::<Cqe>();
        let single = p.features & IORING_FEAT_SINGLE_MMAP != 0;
        let sq_map = Mapping::new(&fd, if single { sq_len.max(cq_len) } else { sq_len }, IORING_OFF_SQ_RING)?;
        let cq_map = if single { None } else { Some(Mapping::new(&fd, cq_len, IORING_OFF_CQ_RING)?) };
        let sqe_map = Mapping::new(&fd, p.sq_entries as usize * std::mem::size_of::<Sqe>(), IORING_OFF_SQES)?;
        let cq = cq_map.as_ref().unwrap_or(&sq_map);
        let (cq_head, cq_tail) = (cq.u32_at(p.cq_off.head).cast(), cq.u32_at(p.cq_off.tail).cast());
        // SAFETY: the kernel placed `cq_entries` CQEs at this offset of the CQ mapping.
        let cqes = unsafe { cq.ptr.as_ptr().add(p.cq_off.cqes as usize).cast() };
        let sq_tail: *const AtomicU32 = sq_map.u32_at(p.sq_off.tail).cast();
        // SAFETY: each pointer is to a u32 field the kernel placed in its
        // mapping at the offset it reported; the masks and sizes are
        // constant, the heads and tails are read and written atomically by
        // both sides (`AtomicU32` has u32's layout).
        let (sq_mask, sq_entries, cq_mask, local_tail) = unsafe {
            (
                *sq_map.u32_at(p.sq_off.ring_mask),
                *sq_map.u32_at(p.sq_off.ring_entries),
                *cq.u32_at(p.cq_off.ring_mask),
                (*sq_tail).load(Ordering::Relaxed),
            )
        };
        // The index array maps slot i to SQE i, once and for all.
        let array: *mut u32 = sq_map.u32_at(p.sq_off.array);
        for i in 0..sq_entries {
            // SAFETY: the array has `sq_entries` u32 slots, in the mapping.
            unsafe { array.add(i as usize).write(i) };
        }
        Ok(Ring {
            sq_head: sq_map.u32_at(p.sq_off.head).cast(),
            sq_tail,
            sq_mask,
            sq_entries,
            sqes: sqe_map.ptr.as_ptr().cast(),
            local_tail,
            cq_head,
            cq_tail,
            cq_mask,
            cqes,
            features: p.features,
            defer_taskrun: p.flags & IORING_SETUP_DEFER_TASKRUN != 0,
            _sqe_map: sqe_map,
            _cq_map: cq_map,
            _sq_map: sq_map,
            fd,
        })
    }

    /// The ring's own fd.
    #[cfg(test)]
    pub(super) fn raw_fd(&self) -> std::os::fd::RawFd {
        self.fd.as_raw_fd()
    }

    /// Whether the ring was set up with `IORING_SETUP_DEFER_TASKRUN`.
    #[cfg(test)]
    pub(super) fn defers_task_work(&self) -> bool {
        self.defer_taskrun
    }

    fn sq_head(&self) -> u32 {
        // SAFETY: points into the live SQ mapping (see `new`).
        unsafe { (*self.sq_head).load(Ordering::Acquire) }
    }

    /// How many SQEs are filled but not yet consumed by the kernel.
    pub(super) fn unsubmitted(&self) -> u32 {
        self.local_tail.wrapping_sub(self.sq_head())
    }

    /// Whether the SQE written at position `pos` (as `push` returned it) is
    /// still in the queue, where `rewrite` may change it.
    pub(super) fn is_unsubmitted(&self, pos: u32) -> bool {
        pos.wrapping_sub(self.sq_head()) < self.unsubmitted()
    }

    /// Writes `sqe` at the local tail and returns its position, or `None`
    /// when the queue is full (the caller submits, then pushes again).
    pub(super) fn push(&mut self, sqe: Sqe) -> Option<u32> {
        if self.unsubmitted() >= self.sq_entries {
            return None;
        }
        let pos = self.local_tail;
        // SAFETY: `pos & mask` < sq_entries indexes the SQE array, and the
        // kernel does not read that slot until the tail is published past it.
        unsafe { self.sqes.add((pos & self.sq_mask) as usize).write(sqe) };
        self.local_tail = pos.wrapping_add(1);
        Some(pos)
    }

    /// The unsubmitted SQE at `pos` (see `is_unsubmitted`).
    pub(super) fn get_mut(&mut self, pos: u32) -> &mut Sqe {
        debug_assert!(self.is_unsubmitted(pos));
        // SAFETY: as in `push`: the slot is ours until the tail passes it.
        unsafe { &mut *self.sqes.add((pos & self.sq_mask) as usize) }
    }

    /// One `io_uring_enter`: publishes the filled SQEs and submits them;
    /// with `wait`, waits for at least one completion, for at most the
    /// timeout (`None`: no limit). An expired timeout is `Ok`.
    pub(super) fn enter(&mut self, wait: Option<Option<Duration>>) -> io::Result<()> {
        // SAFETY: points into the live SQ mapping; Release publishes the SQE writes.
        unsafe { (*self.sq_tail).store(self.local_tail, Ordering::Release) };
        let to_submit = self.unsubmitted();
        let (mut min_complete, mut flags, mut arg_ptr, mut arg_len) = (0u32, 0u32, 0usize, 0usize);
        let ts;
        let arg;
        match wait {
            // Task work (a cancelled request's completion, which drops its
            // file reference: the close that follows must close) runs
            // here, not in a later wait.
            None if self.defer_taskrun => flags |= IORING_ENTER_GETEVENTS,
            None => {}
            Some(timeout) => {
                flags |= IORING_ENTER_GETEVENTS;
                match timeout {
                    Some(d) if d.is_zero() => {}
                    Some(d) => {
                        min_complete = 1;
                        ts = KernelTimespec {
                            tv_sec: d.as_secs().min(i64::MAX as u64) as i64,
                            tv_nsec: i64::from(d.subsec_nanos()),
                        };
                        arg = GeteventsArg {
                            sigmask: 0,
                            sigmask_sz: 0,
                            min_wait_usec: 0,
                            ts: &ts as *const KernelTimespec as u64,
                        };
                        flags |= IORING_ENTER_EXT_ARG;
                        (arg_ptr, arg_len) =
                            (&arg as *const GeteventsArg as usize, std::mem::size_of::<GeteventsArg>());
                    }
                    None => min_complete = 1,
                }
            }
        }
        // SAFETY: the ring fd is ours; `arg` and `ts` (when passed) live
        // until the call returns; the SQEs up to the tail are initialised.
        let r = unsafe {
            libc::syscall(
                libc::SYS_io_uring_enter,
                self.fd.as_raw_fd(),
                to_submit,
                min_complete,
                flags,
                arg_ptr,
                arg_len,
            )
        };
        match cvt(r as i32) {
            Ok(_) => Ok(()),
            // The timeout expired; EBUSY/EAGAIN: completions are waiting
            // (overflowed); both mean "reap what is there".
            Err(e) if matches!(e.raw_os_error(), Some(libc::ETIME | libc::EBUSY | libc::EAGAIN)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `IORING_REGISTER_FILES2` with `IORING_RSRC_REGISTER_SPARSE`: a
    /// table of `count` empty slots for fixed files (Linux 5.19).
    pub(super) fn register_files_sparse(&self, count: u32) -> io::Result<()> {
        let reg = RsrcRegister { nr: count, flags: IORING_RSRC_REGISTER_SPARSE, resv2: 0, data: 0, tags: 0 };
        // SAFETY: `reg` is a valid io_uring_rsrc_register (no data, no
        // tags: every slot empty) that lives across the call.
        let r = unsafe {
            libc::syscall(
                libc::SYS_io_uring_register,
                self.fd.as_raw_fd(),
                IORING_REGISTER_FILES2,
                &reg as *const RsrcRegister,
                std::mem::size_of::<RsrcRegister>(),
            )
        };
        cvt(r as i32).map(drop)
    }

    /// The positions of the completions waiting: `head..tail` (wrapping).
    #[inline(always)]
    pub(super) fn completions(&self) -> (u32, u32) {
        // SAFETY: both point into the live CQ mapping; Acquire on the tail
        // makes the kernel's CQE writes before it visible.
        unsafe { ((*self.cq_head).load(Ordering::Relaxed), (*self.cq_tail).load(Ordering::Acquire)) }
    }

    /// The completion at `pos`, one of `completions()`, copied out.
    #[inline(always)]
    pub(super) fn cqe(&self, pos: u32) -> Cqe {
        // SAFETY: entries from head to tail are filled by the kernel and
        // stay ours until `consume` publishes the head past them.
        unsafe { *self.cqes.add((pos & self.cq_mask) as usize) }
    }

    /// Hands the completions before `head` back to the kernel.
    #[inline(always)]
    pub(super) fn consume(&mut self, head: u32) {
        // SAFETY: points into the live CQ mapping; Release orders our reads first.
        unsafe { (*self.cq_head).store(head, Ordering::Release) };
    }
}
