//! Sources that are not an fd the caller may share: a child process watched
//! by pid (kqueue's `EVFILT_PROC`), and an fd the caller owns alone and
//! closes after deregistering it (a pidfd). See `driver/process.rs`.

use std::io;
use std::os::fd::RawFd;

use super::slot::Slot;
use super::{Reactor, Token};

impl Reactor {
    /// Watches process `pid`'s exit (reported as readable); `Unsupported`
    /// on a driver without a process filter (epoll: use a pidfd).
    pub(crate) fn register_process(&mut self, pid: u32) -> io::Result<Token> {
        self.insert(|poller, token| poller.register_process(pid, token)).map(|(token, _)| token)
    }

    /// Stops watching `pid` and frees its slot (returned, to be dropped after
    /// the borrow). `fired`: its exit was reported (one-shot: nothing is left
    /// in the kernel).
    pub(crate) fn deregister_process(&mut self, token: Token, pid: u32, fired: bool) -> Option<Slot> {
        let slot = self.slot_mut(token).is_some().then(|| self.slots.remove(token.index()));
        self.poller.deregister_process(pid, fired);
        slot
    }

    /// [`deregister`](Reactor::deregister) for an fd the caller owns alone
    /// and closes next: on epoll no system call.
    pub(crate) fn deregister_closing(&mut self, token: Token, fd: RawFd) -> (io::Result<()>, Option<Slot>) {
        let slot = self.slot_mut(token).is_some().then(|| self.slots.remove(token.index()));
        (self.poller.deregister_closing(fd), slot)
    }
}
