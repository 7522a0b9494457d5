//! `Semaphore`: a count of permits that tasks on this thread acquire and
//! give back, fairly (first come, first served), with tokio's API.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::batch::{Batch, TryFail, MAX_PERMITS};
use super::wait_list::WakeList;
use super::{AcquireError, TryAcquireError};

/// A counting semaphore for tasks on one thread.
///
/// Permits are handed out in the order they were asked for; a task asking
/// for many waits at the front until it has them all, and those behind it
/// wait too. Dropping an [`acquire`](Self::acquire) future gives back the
/// permits it had been handed (it is cancellation safe).
///
/// ```
/// use runtime::sync::Semaphore;
///
/// runtime::block_on(async {
///     let sem = Semaphore::new(2);
///     let a = sem.acquire().await.unwrap();
///     let _b = sem.acquire().await.unwrap();
///     assert!(sem.try_acquire().is_err());
///     drop(a);
///     assert_eq!(sem.available_permits(), 1);
/// });
/// ```
///
/// For a semaphore shared between threads, use `async-lock`'s or tokio's.
pub struct Semaphore {
    batch: RefCell<Batch>,
}

/// Permits from a [`Semaphore`], given back when dropped.
#[must_use]
#[clippy::has_significant_drop]
pub struct SemaphorePermit<'a> {
    sem: &'a Semaphore,
    permits: usize,
}

/// Permits from a [`Semaphore`] held in an `Arc`, given back when dropped.
#[must_use]
#[clippy::has_significant_drop]
pub struct OwnedSemaphorePermit {
    sem: Arc<Semaphore>,
    permits: usize,
}

impl Semaphore {
    /// The most permits a semaphore can hold: `usize::MAX >> 3`.
    pub const MAX_PERMITS: usize = MAX_PERMITS;

    /// A semaphore with `permits` permits.
    ///
    /// # Panics
    /// If `permits` exceeds [`MAX_PERMITS`](Self::MAX_PERMITS).
    #[track_caller]
    pub fn new(permits: usize) -> Semaphore {
        assert!(permits <= MAX_PERMITS, "a semaphore may not have more than MAX_PERMITS permits ({MAX_PERMITS})");
        Semaphore::const_new(permits)
    }

    /// As [`new`](Self::new), in a `const` context.
    pub const fn const_new(permits: usize) -> Semaphore {
        assert!(permits <= MAX_PERMITS);
        Semaphore { batch: RefCell::new(Batch::new(permits)) }
    }

    /// Permits free right now.
    pub fn available_permits(&self) -> usize {
        self.batch.borrow().available()
    }

    /// Adds `n` permits, serving waiting tasks first.
    ///
    /// # Panics
    /// If the total would exceed [`MAX_PERMITS`](Self::MAX_PERMITS).
    #[track_caller]
    pub fn add_permits(&self, n: usize) {
        let mut wakers = WakeList::new();
        {
            let mut batch = self.batch.borrow_mut();
            let free = batch.available();
            if n > MAX_PERMITS - free {
                panic!("number of added permits ({n}) would overflow MAX_PERMITS ({MAX_PERMITS})");
            }
            batch.release(n, &mut wakers);
        }
        wakers.wake_all();
    }

    /// Removes up to `n` free permits for good; returns how many it removed.
    pub fn forget_permits(&self, n: usize) -> usize {
        self.batch.borrow_mut().forget(n)
    }

    /// Waits for one permit.
    ///
    /// Fails only if the semaphore is [closed](Self::close).
    pub async fn acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        Acquire::new(self, 1).await?;
        Ok(SemaphorePermit { sem: self, permits: 1 })
    }

    /// Waits for `n` permits (all at once, in turn).
    pub async fn acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        Acquire::new(self, n as usize).await?;
        Ok(SemaphorePermit { sem: self, permits: n as usize })
    }

    /// One permit if one is free now.
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// `n` permits if they are free now.
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_take(n)?;
        Ok(SemaphorePermit { sem: self, permits: n as usize })
    }

    /// [`acquire`](Self::acquire) for a semaphore in an `Arc`.
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.acquire_many_owned(1).await
    }

    /// [`acquire_many`](Self::acquire_many) for a semaphore in an `Arc`.
    pub async fn acquire_many_owned(self: Arc<Self>, n: u32) -> Result<OwnedSemaphorePermit, AcquireError> {
        Acquire::new(&self, n as usize).await?;
        Ok(OwnedSemaphorePermit { sem: self, permits: n as usize })
    }

    /// [`try_acquire`](Self::try_acquire) for a semaphore in an `Arc`.
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_many_owned(1)
    }

    /// [`try_acquire_many`](Self::try_acquire_many) for a semaphore in an `Arc`.
    pub fn try_acquire_many_owned(self: Arc<Self>, n: u32) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_take(n)?;
        Ok(OwnedSemaphorePermit { sem: self, permits: n as usize })
    }

    /// Closes the semaphore: waiting and future acquires fail; permits
    /// already held stay valid.
    pub fn close(&self) {
        let mut wakers = WakeList::new();
        self.batch.borrow_mut().close(&mut wakers);
        wakers.wake_all();
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.batch.borrow().is_closed()
    }

    fn try_take(&self, n: u32) -> Result<(), TryAcquireError> {
        self.batch.borrow_mut().try_acquire(n as usize).map_err(|e| match e {
            TryFail::Closed => TryAcquireError::Closed,
            TryFail::NoPermits => TryAcquireError::NoPermits,
        })
    }

    pub(crate) fn release(&self, n: usize) {
        let mut wakers = WakeList::new();
        self.batch.borrow_mut().release(n, &mut wakers);
        wakers.wake_all();
    }
}

impl Default for Semaphore {
    fn default() -> Semaphore {
        Semaphore::new(0)
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore").field("permits", &self.available_permits()).finish()
    }
}

/// The future of an acquire: a node in the wait queue while it waits.
pub(crate) struct Acquire<'a> {
    sem: &'a Semaphore,
    n: usize,
    waiter: Option<usize>,
}

impl<'a> Acquire<'a> {
    pub(crate) fn new(sem: &'a Semaphore, n: usize) -> Acquire<'a> {
        Acquire { sem, n, waiter: None }
    }
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut wakers = WakeList::new();
        let poll = this.sem.batch.borrow_mut().poll_acquire(this.n, &mut this.waiter, cx, &mut wakers);
        wakers.wake_all();
        // As tokio: the budget is charged on success only, so a task whose
        // budget is spent still takes its place in the queue.
        if poll.is_ready() && crate::task::coop::poll_proceed(cx).is_pending() {
            if let Poll::Ready(Ok(())) = poll {
                this.waiter = Some(this.sem.batch.borrow_mut().park(this.n));
            }
            return Poll::Pending;
        }
        poll
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.waiter.take() {
            let mut wakers = WakeList::new();
            self.sem.batch.borrow_mut().cancel(key, &mut wakers);
            wakers.wake_all();
        }
    }
}

impl<'a> SemaphorePermit<'a> {
    /// Keeps the permits from going back to the semaphore.
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Takes `other`'s permits into this one.
    ///
    /// # Panics
    /// If they come from different semaphores.
    #[track_caller]
    pub fn merge(&mut self, mut other: SemaphorePermit<'a>) {
        assert!(std::ptr::eq(self.sem, other.sem), "merging permits from different semaphore instances");
        self.permits += other.permits;
        other.permits = 0;
    }

    /// Splits `n` permits off into a new permit, or `None` if it holds fewer.
    pub fn split(&mut self, n: usize) -> Option<SemaphorePermit<'a>> {
        let n = Some(n).filter(|&n| n <= self.permits)?;
        self.permits -= n;
        Some(SemaphorePermit { sem: self.sem, permits: n })
    }

    /// The semaphore the permits came from.
    pub fn semaphore(&self) -> &Semaphore {
        self.sem
    }

    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl OwnedSemaphorePermit {
    /// Keeps the permits from going back to the semaphore.
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Takes `other`'s permits into this one.
    ///
    /// # Panics
    /// If they come from different semaphores.
    #[track_caller]
    pub fn merge(&mut self, mut other: OwnedSemaphorePermit) {
        assert!(Arc::ptr_eq(&self.sem, &other.sem), "merging permits from different semaphore instances");
        self.permits += other.permits;
        other.permits = 0;
    }

    /// Splits `n` permits off into a new permit, or `None` if it holds fewer.
    pub fn split(&mut self, n: usize) -> Option<OwnedSemaphorePermit> {
        let n = Some(n).filter(|&n| n <= self.permits)?;
        self.permits -= n;
        Some(OwnedSemaphorePermit { sem: self.sem.clone(), permits: n })
    }

    /// The semaphore the permits came from.
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.sem
    }

    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.sem.release(self.permits);
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        self.sem.release(self.permits);
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit").field("sem", self.sem).field("permits", &self.permits).finish()
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit").field("sem", &self.sem).field("permits", &self.permits).finish()
    }
}
