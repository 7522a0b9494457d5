//! Reserved slots of a bounded channel: [`Permit`], [`PermitIterator`]
//! and [`OwnedPermit`]. Each holds one permit of the channel's capacity (an
//! iterator, several) and gives it back if dropped unused.

use std::fmt;

use super::bounded::Sender;
use super::chan::Chan;

/// A reserved slot: [`send`](Self::send) fills it without waiting.
pub struct Permit<'a, T> {
    chan: &'a Chan<T>,
}

/// Several reserved slots, from [`Sender::reserve_many`].
pub struct PermitIterator<'a, T> {
    chan: &'a Chan<T>,
    n: usize,
}

/// A reserved slot that owns its sender, from [`Sender::reserve_owned`].
pub struct OwnedPermit<T> {
    /// `None` once the sender was handed back.
    chan: Option<Sender<T>>,
}

impl<'a, T> Permit<'a, T> {
    pub(super) fn new(chan: &'a Chan<T>) -> Permit<'a, T> {
        Permit { chan }
    }
}

impl<'a, T> PermitIterator<'a, T> {
    pub(super) fn new(chan: &'a Chan<T>, n: usize) -> PermitIterator<'a, T> {
        PermitIterator { chan, n }
    }
}

impl<T> OwnedPermit<T> {
    pub(super) fn new(sender: Sender<T>) -> OwnedPermit<T> {
        OwnedPermit { chan: Some(sender) }
    }
}

impl<T> Permit<'_, T> {
    /// Sends into the reserved slot.
    pub fn send(self, value: T) {
        let chan = self.chan;
        std::mem::forget(self);
        let _ = chan.push(value, true);
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        self.chan.unreserve(1);
    }
}

impl<'a, T> Iterator for PermitIterator<'a, T> {
    type Item = Permit<'a, T>;

    fn next(&mut self) -> Option<Permit<'a, T>> {
        if self.n == 0 {
            return None;
        }
        self.n -= 1;
        Some(Permit { chan: self.chan })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.n, Some(self.n))
    }
}

impl<T> ExactSizeIterator for PermitIterator<'_, T> {}
impl<T> std::iter::FusedIterator for PermitIterator<'_, T> {}

impl<T> Drop for PermitIterator<'_, T> {
    fn drop(&mut self) {
        if self.n > 0 {
            self.chan.unreserve(self.n);
        }
    }
}

impl<T> OwnedPermit<T> {
    /// Sends into the reserved slot and gives the sender back.
    pub fn send(mut self, value: T) -> Sender<T> {
        let sender = self.chan.take().expect("an OwnedPermit holds its sender until used");
        let _ = sender.chan.push(value, true);
        sender
    }

    /// Gives the slot back, unused, and the sender with it.
    pub fn release(mut self) -> Sender<T> {
        let sender = self.chan.take().expect("an OwnedPermit holds its sender until used");
        sender.chan.unreserve(1);
        sender
    }

    /// Whether both permits are for the same channel.
    pub fn same_channel(&self, other: &OwnedPermit<T>) -> bool {
        match (&self.chan, &other.chan) {
            (Some(a), Some(b)) => a.same_channel(b),
            _ => false,
        }
    }

    /// Whether this permit is for `sender`'s channel.
    pub fn same_channel_as_sender(&self, sender: &Sender<T>) -> bool {
        self.chan.as_ref().is_some_and(|s| s.same_channel(sender))
    }
}

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        if let Some(sender) = self.chan.take() {
            sender.chan.unreserve(1);
        }
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").field("chan", self.chan).finish()
    }
}

impl<T> fmt::Debug for PermitIterator<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PermitIterator").field("chan", self.chan).field("capacity", &self.n).finish()
    }
}

impl<T> fmt::Debug for OwnedPermit<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedPermit").field("chan", &self.chan.as_ref().map(|s| &*s.chan)).finish()
    }
}
