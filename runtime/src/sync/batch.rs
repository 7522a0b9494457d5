//! The permit counter behind [`Semaphore`](super::Semaphore), `Mutex` and
//! the bounded `mpsc` channel's capacity: a count plus a FIFO of waiters.
//!
//! Fairness, as in tokio: permits go to the waiter at the front of the queue
//! first, a few at a time if it needs many, and a newcomer queues behind the
//! waiters already there. Hence the invariant: **while anyone waits, the
//! free count is zero** (a release hands everything it can to the queue).
//!
//! A waiter's future owns its node: it removes it when it completes, and on
//! drop it gives back what it had been handed, so a cancelled acquire loses
//! no permit (its wake-up passes to the next waiter).

use std::task::{Context, Poll};

use super::wait_list::{WaitList, WakeList};
use super::AcquireError;

/// The most permits a semaphore holds (as tokio's `Semaphore::MAX_PERMITS`).
pub(crate) const MAX_PERMITS: usize = usize::MAX >> 3;

#[derive(Debug)]
pub(crate) struct Batch {
    permits: usize,
    closed: bool,
    waiters: WaitList<Need>,
}

/// What one waiter asked for and has been handed so far.
#[derive(Debug)]
struct Need {
    remaining: usize,
    acquired: usize,
}

/// Why `try_acquire` failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TryFail {
    Closed,
    NoPermits,
}

impl Batch {
    pub(crate) const fn new(permits: usize) -> Batch {
        Batch { permits, closed: false, waiters: WaitList::new() }
    }

    pub(crate) fn available(&self) -> usize {
        self.permits
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }

    pub(crate) fn try_acquire(&mut self, n: usize) -> Result<(), TryFail> {
        if self.closed {
            return Err(TryFail::Closed);
        }
        if self.permits < n {
            return Err(TryFail::NoPermits);
        }
        self.permits -= n;
        Ok(())
    }

    /// Acquires `n` permits, queueing in `*waiter` when it must wait.
    /// `Ready` means the node (if any) is gone and `*waiter` is `None`.
    pub(crate) fn poll_acquire(
        &mut self,
        n: usize,
        waiter: &mut Option<usize>,
        cx: &mut Context<'_>,
        wakers: &mut WakeList,
    ) -> Poll<Result<(), AcquireError>> {
        let Some(key) = *waiter else {
            if self.closed {
                return Poll::Ready(Err(AcquireError(())));
            }
            if self.permits >= n {
                self.permits -= n;
                return Poll::Ready(Ok(()));
            }
            let take = self.permits;
            self.permits = 0;
            let need = Need { remaining: n - take, acquired: take };
            *waiter = Some(self.waiters.push_back(need, Some(cx.waker().clone())));
            return Poll::Pending;
        };
        if self.waiters.is_linked(key) {
            wakers.defer_drop(self.waiters.set_waker(key, cx.waker()));
            return Poll::Pending;
        }
        *waiter = None;
        let (need, _) = self.waiters.remove(key, wakers);
        if need.remaining == 0 && !self.closed {
            return Poll::Ready(Ok(()));
        }
        // Closed before it returned (served or not): as tokio's, it fails
        // and gives back what it had been handed.
        self.release(need.acquired, wakers);
        Poll::Ready(Err(AcquireError(())))
    }

    /// Keeps `n` permits just acquired for a future that must yield first
    /// (its budget is spent): it finds them, as a served waiter, when next
    /// polled, or gives them back if dropped.
    pub(crate) fn park(&mut self, n: usize) -> usize {
        self.waiters.insert_unlinked(Need { remaining: 0, acquired: n })
    }

    /// A waiting future was dropped: give back what it was handed.
    pub(crate) fn cancel(&mut self, key: usize, wakers: &mut WakeList) {
        let (need, _) = self.waiters.remove(key, wakers);
        self.release(need.acquired, wakers);
    }

    /// Returns `n` permits if nobody waits for them (`false`: use [`release`](Self::release)).
    #[inline]
    pub(crate) fn release_unwatched(&mut self, n: usize) -> bool {
        if self.waiters.len() > 0 {
            return false;
        }
        self.permits += n;
        true
    }

    /// Returns `n` permits, serving the queue first.
    pub(crate) fn release(&mut self, mut n: usize, wakers: &mut WakeList) {
        while n > 0 {
            let Some(front) = self.waiters.front() else { break };
            let need = self.waiters.value_mut(front);
            let give = n.min(need.remaining);
            need.remaining -= give;
            need.acquired += give;
            n -= give;
            if need.remaining == 0 {
                wakers.push(self.waiters.unlink(front));
            }
        }
        self.permits += n;
    }

    /// Removes up to `n` free permits; returns how many.
    pub(crate) fn forget(&mut self, n: usize) -> usize {
        let taken = n.min(self.permits);
        self.permits -= taken;
        taken
    }

    /// Closes: every waiter is released with an error.
    pub(crate) fn close(&mut self, wakers: &mut WakeList) {
        self.closed = true;
        self.waiters.unlink_all(wakers);
    }
}
