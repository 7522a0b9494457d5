//! Registered (fixed) files for completion mode (`docs/URING.md`, "Fixed
//! files"): a sparse table registered once when the driver is made; a
//! stream that switches to completion mode takes a slot, installed by an
//! `IORING_OP_FILES_UPDATE` written into the submission queue before its
//! recv (the SQEs of one submit are issued in order), so the install rides
//! in the next wait like the recv. Its recvs and sends then name the slot
//! with `IOSQE_FIXED_FILE`: no `fget`/`fput` per request. The slot is
//! cleared (an update to -1, submitted with the deregistration's cancels)
//! and freed when the stream deregisters: the table holds a reference to
//! the file, so the close that follows closes only once it is cleared.
//!
//! No table (a kernel that refuses it, `RUNTIME_URING_FIXED_FILES=0`), a
//! full table, or an install that fails: the stream uses its plain fd.

use std::os::fd::RawFd;

use super::sys::{self, Ring, Sqe};
use crate::sys::libc;

/// No slot: the plain fd.
pub(super) const NO_SLOT: u32 = u32::MAX;
/// An update's `user_data`: its slot with these two bits in the low half
/// (a file descriptor never has bit 31; a send's has `0b10`; `NOTHING` and
/// the waker's are all ones, which a slot below 2^30 - 1 never makes), and
/// the slot's install count in the high half, 31 bits (bit 31 there marks
/// a recv).
const UPDATE_TAG: u32 = 0b11 << 30;
const INSTALLS_MASK: u32 = u32::MAX >> 1;
/// Table size unless `RUNTIME_URING_FIXED_FILES` names one (capped by the
/// soft `RLIMIT_NOFILE`, which the kernel enforces).
const DEFAULT_SLOTS: u32 = 4096;
/// What a clearing update installs. Not the slot's own cell: a stream
/// switched and dropped in one tick has its install still in the queue,
/// which must read the stream's fd when it is issued (before the SQEs that
/// name the slot, and the clear), not -1.
static EMPTY: RawFd = -1;

/// The slot and install an update's `user_data` names, if it is one (only
/// failures complete: the updates skip their successful completions where
/// the kernel can).
pub(super) fn update_slot(data: u64) -> Option<(u32, u32)> {
    let low = data as u32;
    (low >> 30 == 0b11 && low != u32::MAX).then_some((low & !UPDATE_TAG, (data >> 32) as u32))
}

/// The registered table's free slots, and per slot the fd an update
/// installs (the kernel reads it when the update is issued, so each slot
/// has its own cell, at a fixed address while the driver lives).
#[derive(Debug)]
pub(super) struct Files {
    free: Vec<u32>,
    fds: Box<[RawFd]>,
    /// Per slot: the stream's fd while it holds the slot, else -1.
    owners: Box<[RawFd]>,
    /// Per slot: its installs so far (31 bits), so that the failure of an
    /// install reaped after the slot went to another stream is not taken
    /// for that stream's.
    installs: Box<[u32]>,
    /// Slots in use (for the tests).
    pub(super) used: u32,
}

impl Files {
    /// Registers a sparse table with `ring`; `None` where it is switched
    /// off or the kernel refuses (the streams then use plain fds).
    pub(super) fn new(ring: &Ring) -> Option<Files> {
        let wanted = slots_wanted(std::env::var_os("RUNTIME_URING_FIXED_FILES").as_deref());
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: `limit` is a valid rlimit the call fills.
        let nofile = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
            u32::try_from(limit.rlim_cur).unwrap_or(u32::MAX)
        } else {
            0
        };
        let count = wanted.min(nofile).min(UPDATE_TAG - 1);
        if count == 0 || ring.register_files_sparse(count).is_err() {
            return None;
        }
        Some(Files {
            free: (0..count).rev().collect(),
            fds: vec![-1; count as usize].into_boxed_slice(),
            owners: vec![-1; count as usize].into_boxed_slice(),
            installs: vec![0; count as usize].into_boxed_slice(),
            used: 0,
        })
    }

    /// A free slot and the update that installs `fd` in it, or `None` when
    /// the table is full.
    pub(super) fn install(&mut self, fd: RawFd, skip_success: u8) -> Option<(u32, Sqe)> {
        let slot = self.free.pop()?;
        let i = slot as usize;
        self.fds[i] = fd;
        self.owners[i] = fd;
        self.installs[i] = self.installs[i].wrapping_add(1) & INSTALLS_MASK;
        self.used += 1;
        Some((slot, update(slot, self.installs[i], &self.fds[i], skip_success)))
    }

    /// The update that clears `slot`, which is free once it is submitted.
    pub(super) fn clear(&mut self, slot: u32, skip_success: u8) -> Sqe {
        self.release(slot);
        update(slot, self.installs[slot as usize], &EMPTY, skip_success)
    }

    /// Frees `slot` (its install failed, or it is being cleared).
    pub(super) fn release(&mut self, slot: u32) {
        self.owners[slot as usize] = -1;
        self.free.push(slot);
        self.used -= 1;
    }

    /// The stream that holds `slot` by its install number `install` (or -1:
    /// the slot is free, or holds a later install).
    pub(super) fn fd_of(&self, slot: u32, install: u32) -> RawFd {
        match self.installs.get(slot as usize) {
            Some(&n) if n == install => self.owners[slot as usize],
            _ => -1,
        }
    }

    /// Makes `slot`'s pending install name `fd` instead (a test's way to
    /// make the kernel refuse one).
    #[cfg(test)]
    pub(super) fn poison(&mut self, slot: u32, fd: RawFd) {
        self.fds[slot as usize] = fd;
    }
}

/// The update that installs `*fd` in `slot` (its install number
/// `install`). The kernel reads `*fd` when it issues the update: the cell
/// must keep its value until then.
fn update(slot: u32, install: u32, fd: &RawFd, skip_success: u8) -> Sqe {
    Sqe {
        opcode: sys::IORING_OP_FILES_UPDATE,
        flags: skip_success,
        fd: -1,
        off: u64::from(slot),
        addr: fd as *const RawFd as u64,
        len: 1,
        user_data: (u64::from(install) << 32) | u64::from(slot | UPDATE_TAG),
        ..Sqe::default()
    }
}

/// The table size `RUNTIME_URING_FIXED_FILES` asks for (read when the
/// driver is made): unset, the default; `0`, none (plain fds, for
/// measuring one against the other); a number, that many slots.
pub(super) fn slots_wanted(value: Option<&std::ffi::OsStr>) -> u32 {
    match value.and_then(|v| v.to_str()) {
        None => DEFAULT_SLOTS,
        Some(v) => v.trim().parse().unwrap_or(DEFAULT_SLOTS),
    }
}

/// `sqe` names `slot` (fixed) instead of its fd, unless `slot` is `NO_SLOT`.
#[inline(always)]
pub(super) fn fixed(mut sqe: Sqe, slot: u32) -> Sqe {
    if slot != NO_SLOT {
        sqe.fd = slot as RawFd;
        sqe.flags |= sys::IOSQE_FIXED_FILE;
    }
    sqe
}
