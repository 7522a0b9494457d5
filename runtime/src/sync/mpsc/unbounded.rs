//! The unbounded channel: sends never wait.

use std::fmt;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::chan::Chan;
use super::error::{SendError, TryRecvError};

/// Sends into an unbounded channel; cloneable.
pub struct UnboundedSender<T> {
    chan: Rc<Chan<T>>,
}

/// An unbounded sender that does not keep the channel open.
pub struct WeakUnboundedSender<T> {
    chan: Rc<Chan<T>>,
}

/// Receives from an unbounded channel.
pub struct UnboundedReceiver<T> {
    chan: Rc<Chan<T>>,
}

/// An unbounded channel: sends never wait, so nothing slows a sender that
/// outruns its receiver (memory grows instead); prefer [`channel`](super::channel).
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let chan = Chan::new(None);
    (UnboundedSender { chan: chan.clone() }, UnboundedReceiver { chan })
}

impl<T> UnboundedReceiver<T> {
    /// The next message, waiting for one; `None` once every sender is gone
    /// (or the channel was closed) and the buffer is empty. Cancellation safe.
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.chan.poll_recv(cx)).await
    }

    /// Appends up to `limit` messages to `buffer`, waiting for at least one.
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.chan.poll_recv_many(cx, buffer, limit)).await
    }

    /// The next message, if one is waiting.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.chan.try_recv().map_err(|done| if done { TryRecvError::Disconnected } else { TryRecvError::Empty })
    }

    /// Closes the channel to new messages; buffered ones stay receivable.
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Whether the channel is closed, by [`close`](Self::close) or because
    /// every sender is gone.
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed_for_rx()
    }

    /// Whether no message is buffered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many messages are buffered.
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// As [`recv`](Self::recv), as a poll.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.chan.poll_recv(cx)
    }

    /// As [`recv_many`](Self::recv_many), as a poll.
    pub fn poll_recv_many(&mut self, cx: &mut Context<'_>, buffer: &mut Vec<T>, limit: usize) -> Poll<usize> {
        self.chan.poll_recv_many(cx, buffer, limit)
    }

    /// How many [`UnboundedSender`]s exist.
    pub fn sender_strong_count(&self) -> usize {
        self.chan.tx_count()
    }

    /// How many [`WeakUnboundedSender`]s exist.
    pub fn sender_weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Drop for UnboundedReceiver<T> {
    fn drop(&mut self) {
        self.chan.rx_drop();
    }
}

impl<T> UnboundedSender<T> {
    /// Sends without waiting; fails (returning the value) if the receiver
    /// is gone or closed.
    pub fn send(&self, message: T) -> Result<(), SendError<T>> {
        self.chan.push(message, false).map_err(SendError)
    }

    /// Waits until the receiver is dropped or closed.
    pub async fn closed(&self) {
        self.chan.rx_closed().await
    }

    /// Whether the receiver is dropped or closed.
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Whether both send on the same channel.
    pub fn same_channel(&self, other: &UnboundedSender<T>) -> bool {
        Rc::ptr_eq(&self.chan, &other.chan)
    }

    /// A [`WeakUnboundedSender`] to the same channel.
    pub fn downgrade(&self) -> WeakUnboundedSender<T> {
        self.chan.weak_inc();
        WeakUnboundedSender { chan: self.chan.clone() }
    }

    /// How many [`UnboundedSender`]s exist.
    pub fn strong_count(&self) -> usize {
        self.chan.tx_count()
    }

    /// How many [`WeakUnboundedSender`]s exist.
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> UnboundedSender<T> {
        self.chan.tx_clone();
        UnboundedSender { chan: self.chan.clone() }
    }
}

impl<T> Drop for UnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.tx_drop();
    }
}

impl<T> WeakUnboundedSender<T> {
    /// An [`UnboundedSender`], if one is still alive.
    pub fn upgrade(&self) -> Option<UnboundedSender<T>> {
        self.chan.tx_upgrade().then(|| UnboundedSender { chan: self.chan.clone() })
    }

    /// How many [`UnboundedSender`]s exist.
    pub fn strong_count(&self) -> usize {
        self.chan.tx_count()
    }

    /// How many [`WeakUnboundedSender`]s exist.
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakUnboundedSender<T> {
    fn clone(&self) -> WeakUnboundedSender<T> {
        self.chan.weak_inc();
        WeakUnboundedSender { chan: self.chan.clone() }
    }
}

impl<T> Drop for WeakUnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.weak_dec();
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender").field("chan", &*self.chan).finish()
    }
}

impl<T> fmt::Debug for WeakUnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakUnboundedSender").finish()
    }
}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedReceiver").field("chan", &*self.chan).finish()
    }
}
