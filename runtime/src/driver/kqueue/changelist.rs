//! The pending registration changes of one tick, merged per (fd, filter).
//!
//! What the kernel must end up with decides what is sent, so each (fd,
//! filter) keeps one pending [`Change`]:
//!
//! | pending | then `add(t)` | then `delete` |
//! |---|---|---|
//! | none | `Add(t)` | `Delete` |
//! | `Add` | `Add(t)` | none: the add never reached the kernel, which holds nothing |
//! | `Delete` | `DeleteThenAdd(t)` | `Delete` |
//! | `DeleteThenAdd` | `DeleteThenAdd(t)` | `Delete`: the kernel still holds the first registration |
//!
//! `DeleteThenAdd` sends both, in that order: the number may belong to a new
//! file whose old registration a kqueue still holds (libkqueue keeps a
//! filter after `close`; FreeBSD drops it, and answers the delete with
//! `ENOENT`/`EBADF`, which the driver ignores). A pending `Add` with no
//! delete before it means the kernel holds nothing for the pair: every
//! deregistration queues a delete.

use std::collections::HashMap;
use std::os::fd::RawFd;

/// What is pending for one (fd, filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    Add(u64),
    Delete,
    DeleteThenAdd(u64),
}

/// The changes waiting for the next `kevent`, in the order first queued.
/// A pair whose changes cancel out leaves a `None` in its place until the
/// drain, so that the others keep their order (the driver queues a
/// source's write filter before its read filter: see `Kqueue::register`).
#[derive(Debug, Default)]
pub(super) struct Changelist {
    entries: Vec<((RawFd, i64), Option<Change>)>,
    index: HashMap<(RawFd, i64), usize>,
}

impl Changelist {
    pub(super) fn add(&mut self, fd: RawFd, filter: i64, token: u64) {
        let next = match self.get(fd, filter) {
            None | Some(Change::Add(_)) => Change::Add(token),
            Some(Change::Delete | Change::DeleteThenAdd(_)) => Change::DeleteThenAdd(token),
        };
        self.set(fd, filter, Some(next));
    }

    pub(super) fn delete(&mut self, fd: RawFd, filter: i64) {
        let next = match self.get(fd, filter) {
            Some(Change::Add(_)) => None,
            None | Some(Change::Delete | Change::DeleteThenAdd(_)) => Some(Change::Delete),
        };
        self.set(fd, filter, next);
    }

    pub(super) fn get(&self, fd: RawFd, filter: i64) -> Option<Change> {
        self.index.get(&(fd, filter)).and_then(|&i| self.entries[i].1)
    }

    /// How many kernel changes the pending entries make.
    pub(super) fn len(&self) -> usize {
        self.entries
            .iter()
            .filter_map(|(_, c)| *c)
            .map(|c| if matches!(c, Change::DeleteThenAdd(_)) { 2 } else { 1 })
            .sum()
    }

    /// Hands every pending change to `emit`, in order, and forgets them.
    pub(super) fn drain(&mut self, mut emit: impl FnMut(RawFd, i64, Change)) {
        self.index.clear();
        for ((fd, filter), change) in self.entries.drain(..) {
            if let Some(change) = change {
                emit(fd, filter, change);
            }
        }
    }

    fn set(&mut self, fd: RawFd, filter: i64, change: Option<Change>) {
        match (self.index.get(&(fd, filter)).copied(), change) {
            (Some(i), Some(c)) => self.entries[i].1 = Some(c),
            (None, Some(c)) => {
                self.index.insert((fd, filter), self.entries.len());
                self.entries.push(((fd, filter), Some(c)));
            }
            (Some(i), None) => {
                self.index.remove(&(fd, filter));
                self.entries[i].1 = None;
            }
            (None, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Change, Changelist};

    const R: i64 = -1;
    const W: i64 = -2;

    fn sent(list: &mut Changelist) -> Vec<(i32, i64, Change)> {
        let mut out = Vec::new();
        list.drain(|fd, filter, change| out.push((fd, filter, change)));
        out
    }

    #[test]
    fn changelist_add_then_delete_in_one_tick_sends_nothing() {
        let mut list = Changelist::default();
        list.add(3, R, 7);
        list.add(4, R, 8);
        list.delete(3, R);
        assert_eq!(sent(&mut list), vec![(4, R, Change::Add(8))]);
    }

    #[test]
    fn changelist_delete_add_delete_still_deletes_the_first_registration() {
        let mut list = Changelist::default();
        list.delete(3, W);
        list.add(3, W, 9);
        assert_eq!(list.get(3, W), Some(Change::DeleteThenAdd(9)));
        assert_eq!(list.len(), 2);
        list.delete(3, W);
        assert_eq!(sent(&mut list), vec![(3, W, Change::Delete)]);
        assert_eq!(list.len(), 0);
    }

    /// A source added and removed in one tick leaves the others in the
    /// order queued: each source's write filter before its read filter,
    /// which libkqueue needs to keep `EPOLLRDHUP` (`Kqueue::register`).
    /// Removing by swapping the last entry in sent fd 6's read filter first.
    #[test]
    fn changelist_add_then_delete_keeps_the_others_in_order() {
        let mut list = Changelist::default();
        for fd in [5, 6] {
            list.add(fd, W, fd as u64);
            list.add(fd, R, fd as u64);
        }
        list.delete(5, W);
        list.delete(5, R);
        assert_eq!(list.len(), 2);
        assert_eq!(sent(&mut list), vec![(6, W, Change::Add(6)), (6, R, Change::Add(6))]);
    }

    #[test]
    fn changelist_keeps_one_entry_per_fd_and_filter() {
        let mut list = Changelist::default();
        list.add(3, R, 1);
        list.add(3, W, 1);
        list.add(3, R, 2);
        list.delete(5, R);
        list.delete(5, R);
        assert_eq!(sent(&mut list), vec![(3, R, Change::Add(2)), (3, W, Change::Add(1)), (5, R, Change::Delete)]);
    }
}
