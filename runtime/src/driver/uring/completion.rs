//! Completion mode for TCP streams (`docs/URING.md`): a multishot `RECV`
//! into the provided-buffer ring, armed once and paused (cancelled) when
//! the connection holds the high mark of unread buffers; the received
//! buffers queued per connection until a read copies them out; and
//! cancellation that gives every buffer back when its completion comes.

use std::io;
use std::os::fd::RawFd;

use super::conn::{
    Conn, BGID, BUF_COUNT, BUF_SIZE, COMPLETION, EOF, FULL, HIGH_MARK, LOW_MARK, MSHOT_TOTAL, NO_BID, PAUSED,
    RECV_ARMED, RECV_BIT, STARVED, UNFIXED,
};
use super::files::{self, NO_SLOT};
use super::sys::{self, Cqe, Sqe};
use super::{poll_add, user_data, Uring, NOTHING, POLL_OUT};
use crate::driver::syscall::annotate;
use crate::driver::{Event, Readiness};
use crate::sys::libc;

/// A recv of `fd` into buffers of the group, under `data`. Multishot: it
/// stays armed and completes once per buffer (`IORING_CQE_F_MORE`) until
/// it has taken `MSHOT_TOTAL` bytes, fails, or is cancelled, so a
/// connection that keeps up costs no submission per message. Bounded: a
/// client that sends and never reads would otherwise drain the pool, so
/// the driver cancels it at the high mark (`on_recv`). Single-shot (one
/// buffer, re-armed below the high mark) where `multishot` is off.
fn recv(fd: RawFd, data: u64, multishot: bool) -> Sqe {
    Sqe {
        opcode: sys::IORING_OP_RECV,
        flags: sys::IOSQE_BUFFER_SELECT,
        ioprio: if multishot { sys::IORING_RECV_MULTISHOT } else { 0 },
        fd,
        buf_index: BGID,
        file_index: if multishot { MSHOT_TOTAL } else { 0 },
        user_data: data,
        ..Sqe::default()
    }
}

fn recv_data(fd: RawFd, generation: u32) -> u64 {
    user_data(fd, generation | RECV_BIT)
}

impl Uring {
    /// Switches the registered `fd` to completion mode; `false` where this
    /// ring cannot (no buffer ring, or `fd` is not registered). Its poll is
    /// replaced by a `POLLOUT` one and a recv, under a new
    /// generation (so the old poll's completions are stale); all three SQEs
    /// ride in the next wait.
    pub(crate) fn set_completion(&mut self, fd: RawFd) -> io::Result<bool> {
        let Some(index) = usize::try_from(fd).ok().filter(|_| self.bufs.is_some()) else { return Ok(false) };
        let Some(reg) = self.regs.get(index).copied().filter(|r| r.generation != 0) else { return Ok(false) };
        if reg.conn.state & COMPLETION != 0 {
            return Ok(true);
        }
        let old = user_data(fd, reg.generation);
        if self.ring.is_unsubmitted(reg.add_pos) && self.ring.get_mut(reg.add_pos).user_data == old {
            *self.ring.get_mut(reg.add_pos) =
                Sqe { opcode: sys::IORING_OP_NOP, flags: self.skip_success, user_data: NOTHING, ..Sqe::default() };
        } else {
            self.push(cancel(old, self.skip_success))?;
        }
        let generation = self.new_generation();
        let add_pos = self.push(poll_add(fd, user_data(fd, generation), POLL_OUT))?;
        // The fixed file's install goes before the recv that names its slot.
        let mut slot = NO_SLOT;
        if let Some((s, update)) = self.files.as_mut().and_then(|f| f.install(fd, self.skip_success)) {
            slot = s;
            self.push(update)?;
        }
        let conn = Conn { state: COMPLETION, slot, ..Conn::default() };
        self.regs[index] = super::Reg { token: reg.token, generation, add_pos, conn };
        self.arm_recv(fd)?;
        self.counters.changes += 1;
        Ok(true)
    }

    /// Cancels `fd`'s poll and recv at once (its file must close when the
    /// caller closes it) and gives its queued buffers back. A recv
    /// completion still to come for it is stale, and gives its buffer back
    /// in `on_recv`.
    ///
    /// Bytes the kernel received but the task never read make `close(2)`
    /// answer with a reset; here they left the socket, so the same is asked
    /// for with `SO_LINGER` 0 (a read after the peer closed with unread data
    /// is `ConnectionReset`, as on the other drivers).
    pub(super) fn deregister_completion(&mut self, fd: RawFd, generation: u32, conn: Conn) -> io::Result<()> {
        if conn.head != NO_BID {
            let linger = libc::linger { l_onoff: 1, l_linger: 0 };
            // SAFETY: passes a live `linger` and its size; a failure only
            // leaves the close a FIN.
            unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_LINGER,
                    (&linger as *const libc::linger).cast(),
                    std::mem::size_of::<libc::linger>() as libc::socklen_t,
                )
            };
        }
        if let Some(bufs) = self.bufs.as_deref_mut() {
            let mut bid = conn.head;
            while bid != NO_BID {
                let next = bufs.next[usize::from(bid)];
                bufs.give(bid);
                bid = next;
            }
            bufs.ring.publish();
            self.counters.buffers_held = bufs.held;
            if conn.head != NO_BID && !bufs.starved.is_empty() {
                self.rearm_starved()?;
            }
        }
        // By `user_data` (a hash lookup), not by fd: a cancel by fd scans
        // every request in flight, which with 10,000 connections made their
        // drops quadratic.
        self.push(cancel(user_data(fd, generation), self.skip_success))?;
        if conn.state & RECV_ARMED != 0 {
            self.push(cancel(recv_data(fd, generation), self.skip_success))?;
        }
        // The table's reference to the file goes with the cancels: the
        // caller's close then closes it.
        if let Some(files) = self.files.as_mut().filter(|_| conn.slot != NO_SLOT) {
            let clear = files.clear(conn.slot, self.skip_success);
            self.push(clear)?;
        }
        self.counters.changes += 1;
        self.submit().map_err(|e| annotate(e, "io_uring_enter (cancel)"))
    }

    /// A recv's completion: queue its buffer, report `READABLE` and arm the
    /// next recv below the high mark; or `READ_CLOSED` (end of stream), an
    /// error for the next read, or a recv starved of buffers. A
    /// completion for a registration that is gone only gives its buffer back.
    pub(super) fn on_recv(&mut self, cqe: Cqe, on_event: &mut impl FnMut(Event)) -> io::Result<()> {
        let Some(bufs) = self.bufs.as_deref_mut() else { return Ok(()) };
        let fd = cqe.user_data as u32;
        let generation = (cqe.user_data >> 32) as u32 & !RECV_BIT;
        let bid =
            (cqe.flags & sys::IORING_CQE_F_BUFFER != 0).then_some((cqe.flags >> sys::IORING_CQE_BUFFER_SHIFT) as u16);
        if bid.is_some() {
            bufs.held += 1;
        }
        let live =
            self.regs.get_mut(fd as usize).filter(|r| r.generation == generation && r.conn.state & COMPLETION != 0);
        let Some(reg) = live else {
            if let Some(bid) = bid {
                bufs.give(bid);
                bufs.ring.publish();
            }
            return Ok(());
        };
        let conn = &mut reg.conn;
        let mut readiness = Readiness::default();
        match (bid, cqe.res) {
            (Some(bid), len @ 1..) => {
                let b = usize::from(bid);
                bufs.len[b] = len as u16;
                bufs.next[b] = NO_BID;
                if conn.tail == NO_BID {
                    conn.head = bid;
                } else {
                    bufs.next[usize::from(conn.tail)] = bid;
                }
                conn.tail = bid;
                conn.held += 1;
                readiness = Readiness::READABLE;
            }
            (Some(bid), _) => {
                bufs.give(bid);
                bufs.ring.publish();
            }
            (None, _) => {}
        }
        // A recv that ends (no `F_MORE`; a single-shot one always) is
        // re-armed below the high mark, or, if it was paused, at or below
        // the low mark; else by the read that brings the queue there.
        let more = cqe.flags & sys::IORING_CQE_F_MORE != 0;
        let mark = if conn.state & PAUSED != 0 { LOW_MARK + 1 } else { HIGH_MARK };
        if !more {
            conn.state &= !(RECV_ARMED | PAUSED);
        }
        conn.state &= !FULL;
        if cqe.res == BUF_SIZE as i32 {
            conn.state |= FULL;
        }
        let (mut arm, mut pause) = (false, false);
        match cqe.res {
            0 => {
                conn.state |= EOF;
                readiness = readiness.union(Readiness::READABLE).union(Readiness::READ_CLOSED);
            }
            // Still armed at the high mark: paused (cancelled in the next
            // wait; what it takes until then is queued as usual).
            r if r > 0 && more => pause = conn.held >= HIGH_MARK && conn.state & PAUSED == 0,
            r if r > 0 || r == -libc::EINTR || r == -libc::EAGAIN || r == -libc::ECANCELED => arm = conn.held < mark,
            r if r == -libc::ENOBUFS => {
                conn.state |= STARVED;
                bufs.starved.push_back(fd);
            }
            // A kernel older than 6.17 refuses the multishot's byte cap:
            // single-shot recvs from now on.
            r if r == -libc::EINVAL && bufs.multishot => {
                bufs.multishot = false;
                arm = true;
            }
            // It named a slot whose install failed: the plain fd from now on.
            r if r == -libc::EBADF && conn.state & UNFIXED != 0 => {
                conn.state &= !UNFIXED;
                arm = true;
            }
            r => {
                conn.error = -r;
                conn.state |= EOF;
                readiness = readiness.union(Readiness::READABLE);
            }
        }
        let token = reg.token;
        if pause {
            reg.conn.state |= PAUSED;
            self.push(cancel(cqe.user_data, self.skip_success))?;
        }
        if arm {
            self.arm_recv(fd as RawFd)?;
        }
        if readiness != Readiness::default() {
            on_event(Event { token, readiness, error: 0, socket_error: 0 });
        }
        Ok(())
    }

    /// A fixed file's install failed (its completion is posted only then):
    /// the stream it was for goes on with its plain fd, and an op that
    /// named the empty slot (`EBADF`) is submitted again.
    #[cold]
    pub(super) fn on_install_failed(&mut self, slot: u32, install: u32) {
        let Some(files) = self.files.as_mut() else { return };
        let fd = files.fd_of(slot, install);
        let Some(reg) = usize::try_from(fd).ok().and_then(|i| self.regs.get_mut(i)) else { return };
        if reg.conn.slot != slot || reg.conn.state & COMPLETION == 0 {
            return; // cleared meanwhile
        }
        reg.conn.slot = NO_SLOT;
        reg.conn.state |= UNFIXED;
        files.release(slot);
        self.unfix_send(fd);
    }

    /// Copies up to `len` queued bytes of `fd` to `put`, in order, and gives
    /// every emptied buffer back (`peek`: copies and keeps them). `WouldBlock`
    /// when nothing is queued and the stream has not ended; at its end,
    /// `Ok(0)` (after the recv's error, once).
    ///
    /// `direct` is set when the caller should go on with a `recv(2)` of its
    /// own into the rest of its buffer (then `Ok(n)`, 0 included): the queue
    /// ran dry, the last recv filled its whole buffer (the socket likely
    /// holds more), and no recv is in the kernel (the next one is still in
    /// the submission queue, so it takes only bytes after the caller's).
    /// Without it a bulk reader gets one buffer per wait, where `read(2)`
    /// takes all the socket holds: with `read_to_end`, which zeroes its
    /// spare capacity at each `Pending`, that turned quadratic.
    pub(crate) fn read(
        &mut self,
        fd: RawFd,
        len: usize,
        peek: bool,
        put: &mut impl FnMut(&[u8]),
        direct: &mut bool,
    ) -> io::Result<usize> {
        let Some(bufs) = self.bufs.as_deref_mut() else { return Err(io::ErrorKind::WouldBlock.into()) };
        let reg = usize::try_from(fd).ok().and_then(|i| self.regs.get_mut(i));
        let Some(conn) = reg.map(|r| &mut r.conn).filter(|c| c.state & COMPLETION != 0) else {
            return Err(io::Error::other("the source is not in completion mode"));
        };
        let (mut n, mut given) = (0, false);
        let (mut bid, mut offset) = (conn.head, u32::from(conn.offset));
        while n < len && bid != NO_BID {
            let size = u32::from(bufs.len[usize::from(bid)]);
            let take = (size - offset).min(u32::try_from(len - n).unwrap_or(u32::MAX));
            put(bufs.ring.bytes(bid, offset, take));
            n += take as usize;
            offset += take;
            if offset < size {
                break;
            }
            let next = bufs.next[usize::from(bid)];
            if !peek {
                bufs.give(bid);
                conn.held -= 1;
                given = true;
            }
            (bid, offset) = (next, 0);
        }
        if peek {
            return self.end_of_read(fd, n);
        }
        (conn.head, conn.offset) = (bid, offset as u16);
        if bid == NO_BID {
            conn.tail = NO_BID;
        }
        if given {
            bufs.ring.publish();
            self.counters.buffers_held = bufs.held;
        }
        if n > 0 {
            let rearm = conn.state & (RECV_ARMED | EOF | STARVED) == 0 && conn.held <= LOW_MARK;
            if rearm {
                self.arm_recv(fd)?;
            }
            if given && !self.bufs.as_ref().is_some_and(|b| b.starved.is_empty()) {
                self.rearm_starved()?;
            }
        }
        if n < len && self.may_read_directly(fd) {
            *direct = true;
            return Ok(n);
        }
        self.end_of_read(fd, n)
    }

    /// Whether a read may go on with its own `recv(2)` (see `read`). Until
    /// the wait submits the recv: a bulk reader reads the socket dry as on
    /// the readiness drivers, and the `recv(2)` that finds it empty
    /// (`WouldBlock`) is the one extra system call, once per wait at most.
    fn may_read_directly(&mut self, fd: RawFd) -> bool {
        let reg = self.regs[fd as usize];
        let conn = reg.conn;
        conn.head == NO_BID
            && conn.error == 0
            && conn.state & (FULL | RECV_ARMED | EOF) == FULL | RECV_ARMED
            && self.ring.is_unsubmitted(conn.recv_pos)
            && self.ring.get_mut(conn.recv_pos).user_data == recv_data(fd, reg.generation)
    }

    /// A read's result once `n` bytes were copied: `n`, else the recv's
    /// error (once), the end of the stream, or `WouldBlock`.
    fn end_of_read(&mut self, fd: RawFd, n: usize) -> io::Result<usize> {
        let conn = &mut self.regs[fd as usize].conn;
        if n > 0 {
            return Ok(n);
        }
        if conn.error != 0 {
            let error = std::mem::take(&mut conn.error);
            return Err(annotate(io::Error::from_raw_os_error(error), "io_uring recv"));
        }
        if conn.state & EOF != 0 {
            return Ok(0);
        }
        Err(io::ErrorKind::WouldBlock.into())
    }

    /// Re-arms the recvs that ran out of buffers, one per buffer free now,
    /// first starved first: the work follows the buffers given back, not
    /// the number of connections waiting for one.
    #[cold]
    fn rearm_starved(&mut self) -> io::Result<()> {
        loop {
            let Some(bufs) = self.bufs.as_deref_mut() else { return Ok(()) };
            if bufs.held >= u64::from(BUF_COUNT) {
                return Ok(());
            }
            let Some(fd) = bufs.starved.pop_front() else { return Ok(()) };
            let Some(reg) = self.regs.get_mut(fd as usize) else { continue };
            if reg.conn.state & STARVED == 0 {
                continue; // deregistered, or a new registration of the fd
            }
            reg.conn.state &= !STARVED;
            self.arm_recv(fd as RawFd)?;
        }
    }

    /// Queues `fd`'s recv (registered, in completion mode, none armed).
    fn arm_recv(&mut self, fd: RawFd) -> io::Result<()> {
        let multishot = self.bufs.as_ref().is_some_and(|b| b.multishot);
        let reg = &mut self.regs[fd as usize];
        reg.conn.state |= RECV_ARMED;
        let (data, slot) = (recv_data(fd, reg.generation), reg.conn.slot);
        let pos = self.push(files::fixed(recv(fd, data, multishot), slot))?;
        self.regs[fd as usize].conn.recv_pos = pos;
        Ok(())
    }
}

fn cancel(data: u64, skip_success: u8) -> Sqe {
    Sqe {
        opcode: sys::IORING_OP_ASYNC_CANCEL,
        flags: skip_success,
        fd: -1,
        addr: data,
        user_data: NOTHING,
        ..Sqe::default()
    }
}
