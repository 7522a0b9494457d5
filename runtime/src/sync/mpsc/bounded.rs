//! The bounded channel: [`Sender`], [`Receiver`], permits and weak senders.

use std::fmt;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::chan::{Chan, ReserveFail};
use super::error::{SendError, TryRecvError, TrySendError};
use super::permit::{OwnedPermit, Permit, PermitIterator};
use super::reserve::Reserve;

/// Sends into a bounded channel; cloneable. The channel closes for the
/// receiver when every `Sender` is gone.
pub struct Sender<T> {
    pub(super) chan: Rc<Chan<T>>,
}

/// A sender that does not keep the channel open; see [`Sender::downgrade`].
pub struct WeakSender<T> {
    chan: Rc<Chan<T>>,
}

/// Receives from a bounded channel.
pub struct Receiver<T> {
    chan: Rc<Chan<T>>,
}

/// A bounded channel with room for `buffer` messages: `send` waits while it
/// is full, so a fast sender cannot run ahead of its receiver.
///
/// # Panics
/// If `buffer` is 0.
#[track_caller]
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    assert!(buffer > 0, "mpsc bounded channel requires buffer > 0");
    let chan = Chan::new(Some(buffer));
    (Sender { chan: chan.clone() }, Receiver { chan })
}

impl<T> Receiver<T> {
    /// The next message, waiting for one; `None` once every sender is gone
    /// (or the channel was [closed](Self::close)) and the buffer is empty.
    /// Cancellation safe.
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.chan.poll_recv(cx)).await
    }

    /// Appends up to `limit` messages to `buffer`, waiting for at least one;
    /// returns how many (0 only if `limit` is 0 or the channel is done).
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.chan.poll_recv_many(cx, buffer, limit)).await
    }

    /// The next message, if one is waiting.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.chan.try_recv().map_err(|done| if done { TryRecvError::Disconnected } else { TryRecvError::Empty })
    }

    /// Closes the channel to new messages; those buffered (and those of
    /// permits already reserved) can still be received.
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Whether the channel is closed: by [`close`](Self::close), or because
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

    /// Free slots now.
    pub fn capacity(&self) -> usize {
        self.chan.capacity()
    }

    /// The buffer size the channel was made with.
    pub fn max_capacity(&self) -> usize {
        self.chan.max_capacity()
    }

    /// # Return value
    /// `Ready(Some(message))`; `Ready(None)` once no message can come;
    /// `Pending` otherwise, with the waker kept.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.chan.poll_recv(cx)
    }

    /// As [`recv_many`](Self::recv_many), as a poll: `Ready(n)`, `Ready(0)`
    /// once done, or `Pending` with the waker kept.
    pub fn poll_recv_many(&mut self, cx: &mut Context<'_>, buffer: &mut Vec<T>, limit: usize) -> Poll<usize> {
        self.chan.poll_recv_many(cx, buffer, limit)
    }

    /// How many [`Sender`]s exist.
    pub fn sender_strong_count(&self) -> usize {
        self.chan.tx_count()
    }

    /// How many [`WeakSender`]s exist.
    pub fn sender_weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.chan.rx_drop();
    }
}

impl<T> Sender<T> {
    /// Sends, waiting for room; fails (returning the value) if the receiver
    /// is gone or closed. Cancellation safe, but a cancelled send loses its
    /// place in the queue of waiting senders (and its value).
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        // The fast path, when a slot is free: one borrow, no reservation.
        poll_fn(crate::task::coop::poll_proceed).await;
        let Err(value) = self.chan.send_now(value) else { return Ok(()) };
        match self.reserve().await {
            Ok(permit) => {
                permit.send(value);
                Ok(())
            }
            Err(_) => Err(SendError(value)),
        }
    }

    /// Waits until the receiver is dropped or closed.
    pub async fn closed(&self) {
        self.chan.rx_closed().await
    }

    /// Sends if there is room now.
    pub fn try_send(&self, message: T) -> Result<(), TrySendError<T>> {
        match self.chan.try_reserve(1) {
            Ok(()) => {
                let _ = self.chan.push(message, true);
                Ok(())
            }
            Err(ReserveFail::Closed) => Err(TrySendError::Closed(message)),
            Err(ReserveFail::NoPermits) => Err(TrySendError::Full(message)),
        }
    }

    /// Sends, waiting for room at most `timeout` (on this runtime's timers).
    ///
    /// # Panics
    /// When polled outside a runtime (as tokio's, which needs its timer).
    #[cfg(feature = "time")]
    #[cfg_attr(docsrs, doc(cfg(feature = "time")))]
    pub async fn send_timeout(
        &self,
        value: T,
        timeout: std::time::Duration,
    ) -> Result<(), super::error::SendTimeoutError<T>> {
        if !crate::context::is_entered() {
            panic!("{}", crate::context::NO_RUNTIME);
        }
        match crate::time::timeout(timeout, self.reserve()).await {
            Err(_) => Err(super::error::SendTimeoutError::Timeout(value)),
            Ok(Err(_)) => Err(super::error::SendTimeoutError::Closed(value)),
            Ok(Ok(permit)) => {
                permit.send(value);
                Ok(())
            }
        }
    }

    /// Whether the receiver is dropped or closed.
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Waits for a slot and reserves it.
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        if !Reserve::new(&self.chan, 1).await {
            return Err(SendError(()));
        }
        Ok(Permit::new(&self.chan))
    }

    /// Waits for `n` slots and reserves them all; fails if `n` exceeds the
    /// channel's capacity or the receiver is gone.
    pub async fn reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, SendError<()>> {
        if n > self.max_capacity() || !Reserve::new(&self.chan, n).await {
            return Err(SendError(()));
        }
        Ok(PermitIterator::new(&self.chan, n))
    }

    /// [`reserve`](Self::reserve), keeping the sender in the permit.
    pub async fn reserve_owned(self) -> Result<OwnedPermit<T>, SendError<()>> {
        if !Reserve::new(&self.chan, 1).await {
            return Err(SendError(()));
        }
        Ok(OwnedPermit::new(self))
    }

    /// A slot, if one is free now.
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        self.try_take(1)?;
        Ok(Permit::new(&self.chan))
    }

    /// `n` slots, if they are free now.
    ///
    /// # Errors
    /// `Full` if they are not, or if `n` exceeds the channel's capacity
    /// (checked first, as tokio does: even on a closed channel); otherwise
    /// `Closed` if the receiver is gone.
    pub fn try_reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, TrySendError<()>> {
        self.try_take(n)?;
        Ok(PermitIterator::new(&self.chan, n))
    }

    /// [`try_reserve`](Self::try_reserve), keeping the sender in the permit
    /// (or giving it back in the error).
    pub fn try_reserve_owned(self) -> Result<OwnedPermit<T>, TrySendError<Sender<T>>> {
        match self.chan.try_reserve(1) {
            Ok(()) => Ok(OwnedPermit::new(self)),
            Err(ReserveFail::Closed) => Err(TrySendError::Closed(self)),
            Err(ReserveFail::NoPermits) => Err(TrySendError::Full(self)),
        }
    }

    fn try_take(&self, n: usize) -> Result<(), TrySendError<()>> {
        self.chan.try_reserve(n).map_err(|e| match e {
            ReserveFail::Closed => TrySendError::Closed(()),
            ReserveFail::NoPermits => TrySendError::Full(()),
        })
    }

    /// Whether both send on the same channel.
    pub fn same_channel(&self, other: &Sender<T>) -> bool {
        Rc::ptr_eq(&self.chan, &other.chan)
    }

    /// Free slots now.
    pub fn capacity(&self) -> usize {
        self.chan.capacity()
    }

    /// A [`WeakSender`] to the same channel.
    pub fn downgrade(&self) -> WeakSender<T> {
        self.chan.weak_inc();
        WeakSender { chan: self.chan.clone() }
    }

    /// The buffer size the channel was made with.
    pub fn max_capacity(&self) -> usize {
        self.chan.max_capacity()
    }

    /// How many [`Sender`]s exist.
    pub fn strong_count(&self) -> usize {
        self.chan.tx_count()
    }

    /// How many [`WeakSender`]s exist.
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        self.chan.tx_clone();
        Sender { chan: self.chan.clone() }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.tx_drop();
    }
}

impl<T> WeakSender<T> {
    /// A [`Sender`], if one is still alive.
    pub fn upgrade(&self) -> Option<Sender<T>> {
        self.chan.tx_upgrade().then(|| Sender { chan: self.chan.clone() })
    }

    /// How many [`Sender`]s exist.
    pub fn strong_count(&self) -> usize {
        self.chan.tx_count()
    }

    /// How many [`WeakSender`]s exist.
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> WeakSender<T> {
        self.chan.weak_inc();
        WeakSender { chan: self.chan.clone() }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.chan.weak_dec();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("chan", &*self.chan).finish()
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").field("chan", &*self.chan).finish()
    }
}
