//! A multi-producer, multi-consumer channel where every receiver sees every
//! value, with tokio's `broadcast` API and behaviour.
//!
//! The channel is a ring of `capacity` slots (rounded up to a power of
//! two). A [`send`](Sender::send) never waits: when the ring is full it
//! overwrites the oldest value, and a receiver that had not read it gets
//! [`RecvError::Lagged(n)`](error::RecvError::Lagged) once, then goes on from
//! the oldest value still held. Each receiver gets its own clone of each
//! value; a value is dropped once every receiver has seen it, or when it is
//! overwritten. [`Sender::subscribe`] always works, even with no receiver
//! left; `send` fails only when there is none.
//!
//! Like the rest of [`sync`](crate::sync), the handles are `!Send`: for
//! tasks of one runtime thread.
//!
//! ```
//! use runtime::sync::broadcast;
//!
//! runtime::block_on(async {
//!     let (tx, mut rx1) = broadcast::channel(16);
//!     let mut rx2 = tx.subscribe();
//!     let a = runtime::spawn(async move { (rx1.recv().await.unwrap(), rx1.recv().await.unwrap()) });
//!     let b = runtime::spawn(async move { (rx2.recv().await.unwrap(), rx2.recv().await.unwrap()) });
//!     tx.send(10).unwrap();
//!     tx.send(20).unwrap();
//!     assert_eq!(a.await.unwrap(), (10, 20));
//!     assert_eq!(b.await.unwrap(), (10, 20));
//! });
//! ```

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use super::wait_list::{WaitList, WakeList};
use super::Notify;

pub mod error;
mod receiver;
mod weak;

use error::SendError;
pub use receiver::Receiver;
pub use weak::WeakSender;

/// The most receivers a channel may have (as tokio's).
const MAX_RECEIVERS: usize = usize::MAX >> 2;

/// Sends values to every [`Receiver`] of the channel; cloned to make more.
///
/// The channel closes (receivers get [`Closed`](error::RecvError::Closed)
/// once they have read what is left) when the last `Sender` is dropped.
///
/// ```
/// use runtime::sync::broadcast::{self, error::TryRecvError};
///
/// let (tx, mut rx) = broadcast::channel(4);
/// let tx2 = tx.clone();
/// tx.send(1).unwrap();
/// tx2.send(2).unwrap();
/// drop((tx, tx2));
/// assert_eq!((rx.try_recv(), rx.try_recv()), (Ok(1), Ok(2)));
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
/// ```
pub struct Sender<T> {
    shared: Rc<Shared<T>>,
}

struct Shared<T> {
    inner: RefCell<Inner<T>>,
    num_tx: Cell<usize>,
    num_weak_tx: Cell<usize>,
    /// Notified when the last receiver goes.
    notify_last_rx_drop: Notify,
}

struct Inner<T> {
    buffer: Box<[Slot<T>]>,
    /// Position to index: `buffer.len() - 1`.
    mask: usize,
    /// The position the next value is written at.
    pos: u64,
    rx_cnt: usize,
    /// No sender is left, or no receiver.
    closed: bool,
    /// Receivers waiting for a value; every send wakes them all.
    waiters: WaitList<()>,
}

struct Slot<T> {
    /// Receivers that have yet to read this value.
    rem: usize,
    /// The position of the value this slot holds.
    pos: u64,
    val: Option<T>,
}

/// A channel of `capacity` values (rounded up to a power of two), and its
/// first receiver. More receivers come from [`Sender::subscribe`].
///
/// ```
/// use runtime::sync::broadcast::{self, error::TryRecvError};
///
/// let (tx, mut rx) = broadcast::channel(2);
/// for i in 1..=3 {
///     tx.send(i).unwrap(); // never waits: 3 overwrites 1
/// }
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(1)));
/// assert_eq!(rx.try_recv(), Ok(2));
/// assert_eq!(rx.try_recv(), Ok(3));
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
/// ```
///
/// # Panics
/// If `capacity` is 0, or greater than `usize::MAX / 2`.
#[track_caller]
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let tx = Sender::new(capacity);
    let rx = tx.subscribe();
    (tx, rx)
}

impl<T> Sender<T> {
    /// A sender of a channel of `capacity` values with no receiver yet
    /// (a `send` fails until one [`subscribe`](Self::subscribe)s).
    ///
    /// ```
    /// use runtime::sync::broadcast::Sender;
    ///
    /// let tx = Sender::new(8);
    /// assert!(tx.send(1).is_err());
    /// let mut rx = tx.subscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(2));
    /// ```
    ///
    /// # Panics
    /// If `capacity` is 0, or greater than `usize::MAX / 2`.
    #[track_caller]
    pub fn new(capacity: usize) -> Sender<T> {
        assert!(capacity > 0, "broadcast channel capacity cannot be zero");
        assert!(capacity <= usize::MAX >> 1, "broadcast channel capacity exceeded `usize::MAX / 2`");
        let capacity = capacity.next_power_of_two();
        let buffer =
            (0..capacity).map(|i| Slot { rem: 0, pos: (i as u64).wrapping_sub(capacity as u64), val: None }).collect();
        let inner = Inner { buffer, mask: capacity - 1, pos: 0, rx_cnt: 0, closed: true, waiters: WaitList::new() };
        let shared = Shared {
            inner: RefCell::new(inner),
            num_tx: Cell::new(1),
            num_weak_tx: Cell::new(0),
            notify_last_rx_drop: Notify::new(),
        };
        Sender { shared: Rc::new(shared) }
    }

    /// Sends `value` to every receiver subscribed now; returns how many.
    /// Never waits: when the ring is full the oldest value is overwritten.
    /// Fails, handing `value` back, only if there is no receiver.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel(4);
    /// let _rx2 = tx.subscribe();
    /// assert_eq!(tx.send("hi").unwrap(), 2);
    /// drop((rx, _rx2));
    /// assert_eq!(tx.send("bye").unwrap_err().0, "bye");
    /// ```
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut wakers = WakeList::new();
        let (rem, old) = {
            let mut inner = self.shared.inner.borrow_mut();
            if inner.rx_cnt == 0 {
                return Err(SendError(value));
            }
            let (pos, rem) = (inner.pos, inner.rx_cnt);
            let idx = (pos & inner.mask as u64) as usize;
            inner.pos = pos.wrapping_add(1);
            let slot = &mut inner.buffer[idx];
            slot.pos = pos;
            slot.rem = rem;
            let old = slot.val.replace(value);
            inner.waiters.unlink_all(&mut wakers);
            (rem, old)
        };
        wakers.wake_all();
        drop(old);
        Ok(rem)
    }

    /// A new receiver, which sees the values sent from now on. Works even
    /// when every receiver is gone (the channel opens again).
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel(4);
    /// drop(rx);
    /// let mut rx = tx.subscribe();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    ///
    /// # Panics
    /// If the channel already has `usize::MAX >> 2` receivers.
    pub fn subscribe(&self) -> Receiver<T> {
        Receiver::new(self.shared.clone())
    }

    /// A [`WeakSender`]: it does not keep the channel open.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(4);
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    #[must_use = "Downgrade creates a WeakSender without destroying the original non-weak sender."]
    pub fn downgrade(&self) -> WeakSender<T> {
        WeakSender::new(self.shared.clone())
    }

    /// How many values the slowest receiver has yet to read, counting only
    /// those still held (at most the capacity).
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(tx.len(), 2);
    /// rx.try_recv().unwrap();
    /// assert_eq!(tx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        let inner = self.shared.inner.borrow();
        let base = (inner.pos & inner.mask as u64) as usize;
        // Slots still held form a run that ends at the tail: find where it starts.
        let (mut low, mut high) = (0, inner.buffer.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if inner.buffer[base.wrapping_add(mid) & inner.mask].rem == 0 {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        inner.buffer.len() - low
    }

    /// Whether every receiver has read every value held.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// assert!(tx.is_empty());
    /// tx.send(1).unwrap();
    /// assert!(!tx.is_empty());
    /// rx.try_recv().unwrap();
    /// assert!(tx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        let inner = self.shared.inner.borrow();
        let idx = (inner.pos.wrapping_sub(1) & inner.mask as u64) as usize;
        inner.buffer[idx].rem == 0
    }

    /// How many receivers are subscribed.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(4);
    /// let _rx2 = tx.subscribe();
    /// assert_eq!(tx.receiver_count(), 2);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.shared.inner.borrow().rx_cnt
    }

    /// Whether both send on the same channel.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(4);
    /// let (other, _) = broadcast::channel::<u8>(4);
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.shared, &other.shared)
    }

    /// Completes when the channel has no receiver (at once if it has none now).
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// runtime::block_on(async {
    ///     let (tx, rx) = broadcast::channel::<u8>(4);
    ///     runtime::spawn(async move { drop(rx) });
    ///     tx.closed().await;
    ///     assert_eq!(tx.receiver_count(), 0);
    /// });
    /// ```
    pub async fn closed(&self) {
        loop {
            let notified = self.shared.notify_last_rx_drop.notified();
            if self.shared.inner.borrow().closed {
                return;
            }
            notified.await;
        }
    }

    /// How many [`Sender`]s exist.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(4);
    /// let _tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
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
    /// let _weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.shared.num_weak_tx.get()
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        self.shared.num_tx.set(self.shared.num_tx.get() + 1);
        Sender { shared: self.shared.clone() }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let left = self.shared.num_tx.get() - 1;
        self.shared.num_tx.set(left);
        if left == 0 {
            let mut wakers = WakeList::new();
            {
                let mut inner = self.shared.inner.borrow_mut();
                inner.closed = true;
                inner.waiters.unlink_all(&mut wakers);
            }
            wakers.wake_all();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "broadcast::Sender")
    }
}
