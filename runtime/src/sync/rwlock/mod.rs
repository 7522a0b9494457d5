//! `RwLock`: an async reader-writer lock for tasks on one thread, fair as
//! tokio's, with tokio's API (guards, owned guards, mapped guards).
//!
//! As in tokio, the lock is a [`Semaphore`] of `max_readers` permits: a
//! reader takes one, a writer takes them all. The semaphore is FIFO and a
//! waiter at the front takes the permits as they free up, so a waiting
//! writer holds back the readers that come after it (no writer starves).
//!
//! The data sits in an `UnsafeCell`. A read guard exists only while its
//! permit is held, and a write guard only while it holds all the permits,
//! so while a `&mut T` exists no other guard does. Guards keep a raw
//! pointer into the data (mapped guards into part of it) for that span.

use std::cell::UnsafeCell;
use std::fmt;
use std::sync::Arc;

use super::semaphore::Acquire;
use super::{Semaphore, TryLockError};

mod guards;
mod owned;
mod owned_mapped;

pub use guards::{RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard};
pub use owned::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard};
pub use owned_mapped::OwnedRwLockMappedWriteGuard;

/// The most readers a lock may allow at once (as tokio's).
const MAX_READS: u32 = u32::MAX >> 3;

/// An async reader-writer lock for tasks on one thread: many readers or one
/// writer, whose guards may be held across `.await`.
///
/// Fair: tasks get the lock in the order they asked, and a writer waiting
/// for the readers to finish makes later readers wait behind it. Dropping
/// a [`read`](Self::read) or [`write`](Self::write) future loses nothing
/// (they are cancellation safe).
///
/// ```
/// use runtime::sync::RwLock;
///
/// runtime::block_on(async {
///     let lock = RwLock::new(5);
///     {
///         let r1 = lock.read().await;
///         let r2 = lock.read().await;
///         assert_eq!(*r1 + *r2, 10);
///         assert!(lock.try_write().is_err());
///     }
///     *lock.write().await += 1;
///     assert_eq!(*lock.read().await, 6);
/// });
/// ```
///
/// For a lock shared between threads, use `async-lock` or tokio's.
pub struct RwLock<T: ?Sized> {
    /// Permits a writer takes.
    mr: u32,
    s: Semaphore,
    c: UnsafeCell<T>,
}

impl<T: ?Sized> RwLock<T> {
    /// An unlocked lock holding `value`.
    ///
    /// ```
    /// let lock = runtime::sync::RwLock::new(5);
    /// assert_eq!(*lock.try_read().unwrap(), 5);
    /// ```
    pub fn new(value: T) -> RwLock<T>
    where
        T: Sized,
    {
        RwLock::const_new(value)
    }

    /// A lock that lets at most `max_reads` readers in at once.
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// let lock = RwLock::with_max_readers(0, 2);
    /// let _a = lock.try_read().unwrap();
    /// let _b = lock.try_read().unwrap();
    /// assert!(lock.try_read().is_err());
    /// ```
    ///
    /// # Panics
    /// If `max_reads` is 0 or greater than `u32::MAX >> 3`.
    #[track_caller]
    pub fn with_max_readers(value: T, max_reads: u32) -> RwLock<T>
    where
        T: Sized,
    {
        assert_ne!(max_reads, 0, "a RwLock may not be created with 0 readers");
        assert!(max_reads <= MAX_READS, "a RwLock may not be created with more than {MAX_READS} readers");
        RwLock::const_with_max_readers(value, max_reads)
    }

    /// As [`new`](Self::new), in a `const` context.
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// let lock = RwLock::const_new(1);
    /// assert_eq!(*lock.try_read().unwrap(), 1);
    /// ```
    pub const fn const_new(value: T) -> RwLock<T>
    where
        T: Sized,
    {
        RwLock { mr: MAX_READS, s: Semaphore::const_new(MAX_READS as usize), c: UnsafeCell::new(value) }
    }

    /// As [`with_max_readers`](Self::with_max_readers), in a `const` context.
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// let lock = RwLock::const_with_max_readers(0, 1);
    /// let _a = lock.try_read().unwrap();
    /// assert!(lock.try_read().is_err());
    /// ```
    ///
    /// # Panics
    /// If `max_reads` is 0 or greater than `u32::MAX >> 3`.
    pub const fn const_with_max_readers(value: T, max_reads: u32) -> RwLock<T>
    where
        T: Sized,
    {
        assert!(max_reads != 0, "a RwLock may not be created with 0 readers");
        assert!(max_reads <= MAX_READS);
        RwLock { mr: max_reads, s: Semaphore::const_new(max_reads as usize), c: UnsafeCell::new(value) }
    }

    /// Waits for shared access, in turn behind any writer that asked first.
    /// Cancellation safe.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use runtime::sync::RwLock;
    ///
    /// runtime::block_on(async {
    ///     let lock = Rc::new(RwLock::new(1));
    ///     let r = lock.read().await;
    ///     let l = lock.clone();
    ///     let other = runtime::spawn(async move { *l.read().await });
    ///     assert_eq!(other.await.unwrap(), *r); // readers share
    /// });
    /// ```
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        self.acquire(1).await;
        RwLockReadGuard::new(&self.s, self.c.get())
    }

    /// [`read`](Self::read) for a lock in an `Arc`; the guard keeps the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::RwLock;
    ///
    /// runtime::block_on(async {
    ///     let lock = Arc::new(RwLock::new(1));
    ///     let guard = lock.clone().read_owned().await;
    ///     assert_eq!(*guard, 1);
    /// });
    /// ```
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        self.acquire(1).await;
        OwnedRwLockReadGuard::new(self)
    }

    /// Shared access if it can be had now (no writer holds or waits for it).
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let w = lock.try_write().unwrap();
    /// assert!(lock.try_read().is_err());
    /// drop(w);
    /// assert_eq!(*lock.try_read().unwrap(), 1);
    /// ```
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        self.try_take(1)?;
        Ok(RwLockReadGuard::new(&self.s, self.c.get()))
    }

    /// [`try_read`](Self::try_read) for a lock in an `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::RwLock;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// assert_eq!(*lock.clone().try_read_owned().unwrap(), 1);
    /// ```
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        self.try_take(1)?;
        Ok(OwnedRwLockReadGuard::new(self))
    }

    /// Waits for exclusive access, in turn. Cancellation safe.
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// runtime::block_on(async {
    ///     let lock = RwLock::new(1);
    ///     *lock.write().await += 1;
    ///     assert_eq!(*lock.read().await, 2);
    /// });
    /// ```
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.acquire(self.mr).await;
        RwLockWriteGuard::new(self.mr, &self.s, self.c.get())
    }

    /// [`write`](Self::write) for a lock in an `Arc`; the guard keeps the `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::RwLock;
    ///
    /// runtime::block_on(async {
    ///     let lock = Arc::new(RwLock::new(1));
    ///     *lock.clone().write_owned().await += 1;
    ///     assert_eq!(*lock.read().await, 2);
    /// });
    /// ```
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        self.acquire(self.mr).await;
        OwnedRwLockWriteGuard::new(self)
    }

    /// Exclusive access if it can be had now.
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let r = lock.try_read().unwrap();
    /// assert!(lock.try_write().is_err());
    /// drop(r);
    /// *lock.try_write().unwrap() = 2;
    /// ```
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        self.try_take(self.mr)?;
        Ok(RwLockWriteGuard::new(self.mr, &self.s, self.c.get()))
    }

    /// [`try_write`](Self::try_write) for a lock in an `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::RwLock;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// *lock.clone().try_write_owned().unwrap() = 2;
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// ```
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        self.try_take(self.mr)?;
        Ok(OwnedRwLockWriteGuard::new(self))
    }

    /// The data, through `&mut self`: no lock is needed.
    ///
    /// ```
    /// let mut lock = runtime::sync::RwLock::new(1);
    /// *lock.get_mut() = 2;
    /// assert_eq!(lock.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.c.get_mut()
    }

    /// The data, consuming the lock.
    ///
    /// ```
    /// assert_eq!(runtime::sync::RwLock::new(42).into_inner(), 42);
    /// ```
    pub fn into_inner(self) -> T
    where
        T: Sized,
    {
        self.c.into_inner()
    }

    async fn acquire(&self, n: u32) {
        // The semaphore is never closed, so acquiring cannot fail.
        Acquire::new(&self.s, n as usize).await.expect("a RwLock's semaphore is never closed");
    }

    fn try_take(&self, n: u32) -> Result<(), TryLockError> {
        self.s.try_acquire_many(n).map(std::mem::forget).map_err(|_| TryLockError(()))
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(value: T) -> RwLock<T> {
        RwLock::new(value)
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> RwLock<T> {
        RwLock::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(inner) => d.field("data", &&*inner),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

/// Formats a guard as its target, as tokio's guards do.
macro_rules! fmt_as_target {
    ($($guard:ty => [$($g:tt)*]),* $(,)?) => {$(
        impl<$($g)*> std::fmt::Debug for $guard where <$guard as std::ops::Deref>::Target: std::fmt::Debug {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&**self, f)
            }
        }
        impl<$($g)*> std::fmt::Display for $guard where <$guard as std::ops::Deref>::Target: std::fmt::Display {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&**self, f)
            }
        }
    )*};
}
use fmt_as_target;

/// Moves the `Arc` out of a guard without running its `Drop` (so without
/// releasing its permits).
macro_rules! take_lock {
    ($guard:expr) => {{
        let this = std::mem::ManuallyDrop::new($guard);
        // SAFETY: `this` is never dropped, so the `Arc` is moved out exactly once.
        unsafe { std::ptr::read(&this.lock) }
    }};
}
use take_lock;

#[cfg(test)]
mod tests;
