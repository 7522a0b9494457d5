//! The receiving half of a [`broadcast`](super) channel and its `recv` future.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::error::{RecvError, TryRecvError};
use super::{Shared, MAX_RECEIVERS};
use crate::sync::wait_list::WakeList;
use crate::task::coop::cooperative;

/// Receives every value sent on the channel after it subscribed.
///
/// From [`channel`](super::channel), [`Sender::subscribe`](super::Sender::subscribe)
/// or [`resubscribe`](Self::resubscribe). Dropping it marks its unread
/// values as seen.
///
/// ```
/// use runtime::sync::broadcast;
///
/// runtime::block_on(async {
///     let (tx, mut rx) = broadcast::channel(4);
///     runtime::spawn(async move {
///         for i in 0..3 {
///             tx.send(i).unwrap();
///         }
///     });
///     let mut got = Vec::new();
///     while let Ok(i) = rx.recv().await {
///         got.push(i);
///     }
///     assert_eq!(got, [0, 1, 2]); // then `Closed`: the sender is gone
/// });
/// ```
pub struct Receiver<T> {
    shared: Rc<Shared<T>>,
    /// The position of the next value to read.
    next: u64,
}

/// The future of [`Receiver::recv`]: a node in the wait list while it waits.
struct Recv<'a, T> {
    receiver: &'a mut Receiver<T>,
    waiter: Option<usize>,
}

/// A value this receiver has claimed: it counts as read when this drops.
struct RecvGuard<'a, T> {
    shared: &'a Shared<T>,
    idx: usize,
}

impl<T> Receiver<T> {
    pub(super) fn new(shared: Rc<Shared<T>>) -> Receiver<T> {
        let next = {
            let mut inner = shared.inner.borrow_mut();
            assert!(inner.rx_cnt != MAX_RECEIVERS, "max receivers");
            if inner.rx_cnt == 0 {
                // The channel opens again (`closed` also means "no receiver").
                inner.closed = false;
            }
            inner.rx_cnt += 1;
            inner.pos
        };
        Receiver { shared, next }
    }

    /// How many values this receiver has yet to read, counting any it has
    /// lagged behind on and will skip.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx.len(), 2);
    /// rx.try_recv().unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.shared.inner.borrow().pos.wrapping_sub(self.next) as usize
    }

    /// Whether this receiver has read everything sent.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// assert!(rx.is_empty());
    /// tx.send(1).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether both receive from the same channel.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(4);
    /// assert!(rx.same_channel(&tx.subscribe()));
    /// assert!(!rx.same_channel(&broadcast::channel::<u8>(4).1));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.shared, &other.shared)
    }

    /// How many [`Sender`](super::Sender)s exist.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(4);
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.shared.num_tx.get()
    }

    /// How many [`WeakSender`](super::WeakSender)s exist.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(4);
    /// let _weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.shared.num_weak_tx.get()
    }

    /// Whether every [`Sender`](super::Sender) is gone (values may remain to read).
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(4);
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.num_tx.get() == 0
    }

    /// Claims the next value (its slot index), or says why not; with a
    /// waiter, queues it when there is nothing to read.
    fn recv_ref(
        &mut self,
        waiter: Option<(&mut Option<usize>, &Waker)>,
        wakers: &mut WakeList,
    ) -> Result<usize, TryRecvError> {
        let mut inner = self.shared.inner.borrow_mut();
        let inner = &mut *inner;
        let cap = inner.buffer.len() as u64;
        let idx = (self.next & inner.mask as u64) as usize;
        let slot_pos = inner.buffer[idx].pos;
        if slot_pos == self.next {
            self.next = self.next.wrapping_add(1);
            return Ok(idx);
        }
        if slot_pos.wrapping_add(cap) == self.next {
            // Nothing new for this receiver.
            if inner.closed {
                return Err(TryRecvError::Closed);
            }
            if let Some((key, waker)) = waiter {
                match *key {
                    Some(k) if inner.waiters.is_linked(k) => wakers.defer_drop(inner.waiters.set_waker(k, waker)),
                    old => {
                        if let Some(k) = old {
                            inner.waiters.remove(k, wakers);
                        }
                        *key = Some(inner.waiters.push_back((), Some(waker.clone())));
                    }
                }
            }
            return Err(TryRecvError::Empty);
        }
        // Overwritten: skip to the oldest value still held.
        let oldest = inner.pos.wrapping_sub(cap);
        let missed = oldest.wrapping_sub(self.next);
        self.next = oldest;
        Err(TryRecvError::Lagged(missed))
    }
}

impl<T: Clone> Receiver<T> {
    /// A new receiver of the same channel, which sees the values sent from
    /// now on (not those this one has yet to read).
    ///
    /// ```
    /// use runtime::sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// let mut rx2 = rx.resubscribe();
    /// assert_eq!(rx2.try_recv(), Err(TryRecvError::Empty));
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn resubscribe(&self) -> Self {
        Receiver::new(self.shared.clone())
    }

    /// Waits for the next value: a clone of it, or why there is none.
    ///
    /// [`Lagged(n)`](RecvError::Lagged) says `n` values were overwritten
    /// before this receiver read them; the next call returns the oldest
    /// value still held. [`Closed`](RecvError::Closed) comes once every
    /// sender is gone and every value has been read.
    ///
    /// Cancellation safe: dropping the future loses no value.
    ///
    /// ```
    /// use runtime::sync::broadcast::{self, error::RecvError};
    ///
    /// runtime::block_on(async {
    ///     let (tx, mut rx) = broadcast::channel(4);
    ///     runtime::spawn(async move { tx.send("hello").unwrap() });
    ///     assert_eq!(rx.recv().await, Ok("hello"));
    ///     assert_eq!(rx.recv().await, Err(RecvError::Closed));
    /// });
    /// ```
    pub async fn recv(&mut self) -> Result<T, RecvError> {
        cooperative(Recv { receiver: self, waiter: None }).await
    }

    /// The next value if there is one now.
    ///
    /// ```
    /// use runtime::sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(5).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(5));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut wakers = WakeList::new();
        let idx = self.recv_ref(None, &mut wakers)?;
        RecvGuard { shared: &self.shared, idx }.clone_value().ok_or(TryRecvError::Closed)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let (until, last) = {
            let mut inner = self.shared.inner.borrow_mut();
            inner.rx_cnt -= 1;
            if inner.rx_cnt == 0 {
                inner.closed = true;
            }
            (inner.pos, inner.rx_cnt == 0)
        };
        // Notifies `Sender::closed` even if dropping a value panics.
        let shared = self.shared.clone();
        let _notify = last.then(|| NotifyOnDrop(&shared));
        while self.next < until {
            match self.recv_ref(None, &mut WakeList::new()) {
                Ok(idx) => drop(RecvGuard { shared: &shared, idx }),
                Err(TryRecvError::Lagged(_)) => {}
                Err(TryRecvError::Closed | TryRecvError::Empty) => break,
            }
        }
    }
}

struct NotifyOnDrop<'a, T>(&'a Shared<T>);

impl<T> Drop for NotifyOnDrop<'_, T> {
    fn drop(&mut self) {
        self.0.notify_last_rx_drop.notify_waiters();
    }
}

impl<T: Clone> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut wakers = WakeList::new();
        let claimed = this.receiver.recv_ref(Some((&mut this.waiter, cx.waker())), &mut wakers);
        if !matches!(claimed, Err(TryRecvError::Empty)) {
            this.leave(&mut wakers);
        }
        wakers.wake_all();
        Poll::Ready(match claimed {
            Ok(idx) => RecvGuard { shared: &this.receiver.shared, idx }.clone_value().ok_or(RecvError::Closed),
            Err(TryRecvError::Empty) => return Poll::Pending,
            Err(TryRecvError::Lagged(n)) => Err(RecvError::Lagged(n)),
            Err(TryRecvError::Closed) => Err(RecvError::Closed),
        })
    }
}

impl<T> Recv<'_, T> {
    fn leave(&mut self, wakers: &mut WakeList) {
        if let Some(key) = self.waiter.take() {
            self.receiver.shared.inner.borrow_mut().waiters.remove(key, wakers);
        }
    }
}

impl<T> Drop for Recv<'_, T> {
    fn drop(&mut self) {
        let mut wakers = WakeList::new();
        self.leave(&mut wakers);
        wakers.wake_all();
    }
}

impl<T> RecvGuard<'_, T> {
    /// Clones the value under a shared borrow: a `Clone` that reads the
    /// channel works, one that sends on it panics (tokio's deadlocks).
    fn clone_value(&self) -> Option<T>
    where
        T: Clone,
    {
        self.shared.inner.borrow().buffer[self.idx].val.clone()
    }
}

impl<T> Drop for RecvGuard<'_, T> {
    fn drop(&mut self) {
        let seen_by_all = {
            let mut inner = self.shared.inner.borrow_mut();
            let slot = &mut inner.buffer[self.idx];
            slot.rem -= 1;
            if slot.rem == 0 {
                slot.val.take()
            } else {
                None
            }
        };
        drop(seen_by_all);
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "broadcast::Receiver")
    }
}
