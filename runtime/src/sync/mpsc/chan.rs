//! The state one `mpsc` channel's senders and receiver share.
//!
//! A queue, the receiver's waker, and (for a bounded channel) the capacity
//! as a [`Batch`] of permits: a sender takes a permit before it pushes, the
//! receiver gives one back for each message it takes. After
//! `Receiver::close` the receiver drains the queue and then waits until the
//! channel is *idle*, every permit back in the batch (as tokio's): a
//! permit reserved before the close may still send. Whatever gives the last
//! permit back wakes it.
//!
//! Every method borrows the `RefCell` for a few lines only, and wakes (or
//! drops user values) after the borrow ends.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::sync::batch::{Batch, TryFail};
use crate::sync::wait_list::{replace_waker, WakeList};
use crate::sync::Notify;

pub(super) struct Chan<T> {
    inner: RefCell<Inner<T>>,
    /// Woken (all) when the receiver closes or is dropped.
    rx_gone: Notify,
}

struct Inner<T> {
    queue: VecDeque<T>,
    /// Free capacity (bounded channels only).
    sem: Batch,
    /// The capacity the channel was made with; `None` when unbounded.
    bound: Option<usize>,
    rx_waker: Option<Waker>,
    rx_closed: bool,
    tx_count: usize,
    weak_count: usize,
}

/// Why a reservation failed.
pub(super) use crate::sync::batch::TryFail as ReserveFail;

impl<T> Chan<T> {
    pub(super) fn new(bound: Option<usize>) -> Rc<Chan<T>> {
        Rc::new(Chan {
            inner: RefCell::new(Inner {
                queue: VecDeque::new(),
                sem: Batch::new(bound.unwrap_or(0)),
                bound,
                rx_waker: None,
                rx_closed: false,
                tx_count: 1,
                weak_count: 0,
            }),
            rx_gone: Notify::new(),
        })
    }

    // ----- senders -----

    /// Pushes a message whose permit was reserved (or, unbounded, unless closed).
    pub(super) fn push(&self, value: T, with_permit: bool) -> Result<(), T> {
        let waker = {
            let mut inner = self.inner.borrow_mut();
            if !with_permit && inner.rx_closed {
                return Err(value);
            }
            inner.queue.push_back(value);
            inner.rx_waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
        Ok(())
    }

    /// Sends at once if a slot is free (so nobody waits for one: the
    /// batch's invariant), taking and filling it in one borrow; otherwise
    /// gives the value back, for the waiting path.
    #[inline]
    pub(super) fn send_now(&self, value: T) -> Result<(), T> {
        let waker = {
            let mut inner = self.inner.borrow_mut();
            if inner.sem.try_acquire(1).is_err() {
                return Err(value);
            }
            inner.queue.push_back(value);
            inner.rx_waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
        Ok(())
    }

    pub(super) fn try_reserve(&self, n: usize) -> Result<(), ReserveFail> {
        let mut inner = self.inner.borrow_mut();
        // As tokio: more than the channel can ever hold is `Full`, checked
        // before whether it is closed.
        if inner.bound.is_some_and(|b| n > b) {
            return Err(TryFail::NoPermits);
        }
        inner.sem.try_acquire(n)
    }

    /// Polls a reservation of `n` permits; see [`Batch::poll_acquire`].
    pub(super) fn poll_reserve(&self, n: usize, waiter: &mut Option<usize>, cx: &mut Context<'_>) -> Poll<bool> {
        let mut wakers = WakeList::new();
        let poll = {
            let mut inner = self.inner.borrow_mut();
            let poll = inner.sem.poll_acquire(n, waiter, cx, &mut wakers);
            if poll.is_ready() {
                inner.wake_rx_if_idle(&mut wakers);
            }
            poll
        };
        wakers.wake_all();
        // As tokio: the budget is charged on success only, so a task whose
        // budget is spent still takes its place in the queue.
        if poll.is_ready() && crate::task::coop::poll_proceed(cx).is_pending() {
            if let Poll::Ready(Ok(())) = poll {
                *waiter = Some(self.inner.borrow_mut().sem.park(n));
            }
            return Poll::Pending;
        }
        poll.map(|r| r.is_ok())
    }

    pub(super) fn cancel_reserve(&self, key: usize) {
        let mut wakers = WakeList::new();
        {
            let mut inner = self.inner.borrow_mut();
            inner.sem.cancel(key, &mut wakers);
            inner.wake_rx_if_idle(&mut wakers);
        }
        wakers.wake_all();
    }

    /// Gives back `n` reserved, unused permits.
    pub(super) fn unreserve(&self, n: usize) {
        let mut wakers = WakeList::new();
        {
            let mut inner = self.inner.borrow_mut();
            inner.sem.release(n, &mut wakers);
            inner.wake_rx_if_idle(&mut wakers);
        }
        wakers.wake_all();
    }

    pub(super) fn is_rx_closed(&self) -> bool {
        self.inner.borrow().rx_closed
    }

    /// Waits until the receiver closes or is dropped.
    pub(super) async fn rx_closed(&self) {
        loop {
            let notified = self.rx_gone.notified();
            if self.is_rx_closed() {
                return;
            }
            notified.await;
        }
    }

    pub(super) fn capacity(&self) -> usize {
        self.inner.borrow().sem.available()
    }

    pub(super) fn max_capacity(&self) -> usize {
        self.inner.borrow().bound.unwrap_or(usize::MAX)
    }

    pub(super) fn tx_count(&self) -> usize {
        self.inner.borrow().tx_count
    }

    pub(super) fn weak_count(&self) -> usize {
        self.inner.borrow().weak_count
    }

    pub(super) fn tx_clone(&self) {
        self.inner.borrow_mut().tx_count += 1;
    }

    /// A weak sender becomes strong, if a strong one is still alive.
    pub(super) fn tx_upgrade(&self) -> bool {
        let mut inner = self.inner.borrow_mut();
        if inner.tx_count == 0 {
            return false;
        }
        inner.tx_count += 1;
        true
    }

    pub(super) fn tx_drop(&self) {
        let waker = {
            let mut inner = self.inner.borrow_mut();
            inner.tx_count -= 1;
            if inner.tx_count > 0 {
                return;
            }
            inner.rx_waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    pub(super) fn weak_inc(&self) {
        self.inner.borrow_mut().weak_count += 1;
    }

    pub(super) fn weak_dec(&self) {
        self.inner.borrow_mut().weak_count -= 1;
    }

    // ----- the receiver -----

    /// The next message; `Ready(None)` once none can come.
    pub(super) fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut inner = self.inner.borrow_mut();
        if !inner.queue.is_empty() {
            // The budget is charged only for a message (as tokio's, which
            // restores it on `Pending`); the charge may wake, so unborrowed.
            drop(inner);
            std::task::ready!(crate::task::coop::poll_proceed(cx));
            inner = self.inner.borrow_mut();
            if let Some(value) = inner.queue.pop_front() {
                if inner.bound.is_none() || inner.sem.release_unwatched(1) {
                    return Poll::Ready(Some(value));
                }
                let mut wakers = WakeList::new();
                inner.sem.release(1, &mut wakers);
                drop(inner);
                wakers.wake_all();
                return Poll::Ready(Some(value));
            }
        }
        if inner.is_done() {
            return Poll::Ready(None);
        }
        let old = replace_waker(&mut inner.rx_waker, cx.waker());
        drop(inner);
        drop(old);
        Poll::Pending
    }

    /// Up to `limit` messages into `buffer`; `Ready(0)` once none can come.
    pub(super) fn poll_recv_many(&self, cx: &mut Context<'_>, buffer: &mut Vec<T>, limit: usize) -> Poll<usize> {
        if limit == 0 {
            return Poll::Ready(0);
        }
        let first = match self.poll_recv(cx) {
            Poll::Ready(Some(value)) => value,
            Poll::Ready(None) => return Poll::Ready(0),
            Poll::Pending => return Poll::Pending,
        };
        buffer.push(first);
        let mut wakers = WakeList::new();
        let mut count = 1;
        {
            let mut inner = self.inner.borrow_mut();
            while count < limit {
                let Some(value) = inner.pop(&mut wakers) else { break };
                buffer.push(value);
                count += 1;
            }
        }
        wakers.wake_all();
        Poll::Ready(count)
    }

    /// `Ok(message)`, `Err(true)` if none can come, `Err(false)` if none yet.
    pub(super) fn try_recv(&self) -> Result<T, bool> {
        let mut wakers = WakeList::new();
        let result = {
            let mut inner = self.inner.borrow_mut();
            match inner.pop(&mut wakers) {
                Some(value) => Ok(value),
                None => Err(inner.is_done()),
            }
        };
        wakers.wake_all();
        result
    }

    /// Closes the receiving side: reservations fail from now on, waiting
    /// senders are released, and queued messages stay receivable.
    pub(super) fn close(&self) {
        let mut wakers = WakeList::new();
        {
            let mut inner = self.inner.borrow_mut();
            if inner.rx_closed {
                return;
            }
            inner.rx_closed = true;
            inner.sem.close(&mut wakers);
        }
        wakers.wake_all();
        self.rx_gone.notify_waiters();
    }

    /// The receiver is dropped: close, and drop the queued messages.
    pub(super) fn rx_drop(&self) {
        self.close();
        let (queue, _old) = {
            let mut inner = self.inner.borrow_mut();
            let old = inner.rx_waker.take();
            let queue = std::mem::take(&mut inner.queue);
            if inner.bound.is_some() {
                // The semaphore is closed: nobody waits to be woken.
                inner.sem.release(queue.len(), &mut WakeList::new());
            }
            (queue, old)
        };
        drop(queue);
    }

    pub(super) fn len(&self) -> usize {
        self.inner.borrow().queue.len()
    }

    /// Whether the receiver would see the channel as closed: closed by
    /// it, or every sender gone.
    pub(super) fn is_closed_for_rx(&self) -> bool {
        let inner = self.inner.borrow();
        inner.rx_closed || inner.tx_count == 0
    }
}

impl<T> Inner<T> {
    /// Takes the next message and frees its slot.
    fn pop(&mut self, wakers: &mut WakeList) -> Option<T> {
        let value = self.queue.pop_front()?;
        if self.bound.is_some() {
            self.sem.release(1, wakers);
        }
        Some(value)
    }

    /// No message can come any more (the queue is empty).
    fn is_done(&self) -> bool {
        self.tx_count == 0 || (self.rx_closed && self.is_idle())
    }

    /// Every permit is back: no reservation can still send.
    fn is_idle(&self) -> bool {
        self.bound.is_none_or(|b| self.sem.available() == b)
    }

    /// After permits came back: wake a receiver waiting for the last one.
    fn wake_rx_if_idle(&mut self, wakers: &mut WakeList) {
        if self.rx_closed && self.queue.is_empty() && self.is_idle() {
            wakers.push(self.rx_waker.take());
        }
    }
}

impl<T> std::fmt::Debug for Chan<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("Chan")
            .field("len", &inner.queue.len())
            .field("bound", &inner.bound)
            .field("semaphore", &inner.sem)
            .field("rx_closed", &inner.rx_closed)
            .field("tx_count", &inner.tx_count)
            .finish()
    }
}

// As tokio's: a panic (a user's waker or destructor) never leaves a channel
// half-updated, since each method finishes its `RefCell` update before it
// wakes or drops anything.
impl<T> std::panic::UnwindSafe for Chan<T> {}
impl<T> std::panic::RefUnwindSafe for Chan<T> {}
