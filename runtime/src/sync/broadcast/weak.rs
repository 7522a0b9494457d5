//! [`WeakSender`]: a sender that does not keep a [`broadcast`](super) channel open.

use std::fmt;
use std::rc::Rc;

use super::{Sender, Shared};

/// A [`Sender`] that does not keep the channel open (from [`Sender::downgrade`]).
///
/// ```
/// use runtime::sync::broadcast::{self, error::TryRecvError};
///
/// let (tx, mut rx) = broadcast::channel::<u8>(4);
/// let weak = tx.downgrade();
/// drop(tx);
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
/// assert!(weak.upgrade().is_none());
/// ```
pub struct WeakSender<T> {
    shared: Rc<Shared<T>>,
}

impl<T> WeakSender<T> {
    /// Counts a new weak sender of `shared`.
    pub(super) fn new(shared: Rc<Shared<T>>) -> WeakSender<T> {
        shared.num_weak_tx.set(shared.num_weak_tx.get() + 1);
        WeakSender { shared }
    }
    /// A [`Sender`], unless every `Sender` is gone.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// let weak = tx.downgrade();
    /// weak.upgrade().unwrap().send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    #[must_use]
    pub fn upgrade(&self) -> Option<Sender<T>> {
        let n = self.shared.num_tx.get();
        if n == 0 {
            return None;
        }
        self.shared.num_tx.set(n + 1);
        Some(Sender { shared: self.shared.clone() })
    }

    /// How many [`Sender`]s exist.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(4);
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.shared.num_tx.get()
    }

    /// How many [`WeakSender`]s exist.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(4);
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.clone().weak_count(), 2);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.shared.num_weak_tx.get()
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> WeakSender<T> {
        WeakSender::new(self.shared.clone())
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.shared.num_weak_tx.set(self.shared.num_weak_tx.get() - 1);
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "broadcast::WeakSender")
    }
}
