//! The guards of an [`RwLock`] held in an `Arc` (from `read_owned`,
//! `write_owned`): each keeps the `Arc`, so it has no lifetime.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use super::{fmt_as_target, take_lock, OwnedRwLockMappedWriteGuard, RwLock};

/// Shared access to the data of an [`RwLock`] in an `Arc` (or a part of
/// it, `U`, after [`map`](Self::map)); released when dropped.
///
/// ```
/// use std::sync::Arc;
/// use runtime::sync::RwLock;
///
/// runtime::block_on(async {
///     let lock = Arc::new(RwLock::new(1));
///     let guard = lock.clone().read_owned().await; // no borrow of `lock`
///     let task = runtime::spawn(async move { *guard });
///     assert_eq!(task.await.unwrap(), 1);
/// });
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockReadGuard<T: ?Sized, U: ?Sized = T> {
    /// # Invariant
    /// Points into `lock`'s data, which this guard's permit keeps from any
    /// writer.
    data: *const U,
    lock: Arc<RwLock<T>>,
}

/// Exclusive access to the data of an [`RwLock`] in an `Arc`; released
/// when dropped.
///
/// ```
/// use std::sync::Arc;
/// use runtime::sync::RwLock;
///
/// runtime::block_on(async {
///     let lock = Arc::new(RwLock::new(1));
///     let mut guard = lock.clone().write_owned().await;
///     runtime::spawn(async move { *guard += 1 }).await.unwrap();
///     assert_eq!(*lock.read().await, 2);
/// });
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockWriteGuard<T: ?Sized> {
    permits_acquired: u32,
    /// # Invariant
    /// Points to `lock`'s data, which this guard's permits (all of them)
    /// make ours alone.
    data: *mut T,
    lock: Arc<RwLock<T>>,
}

impl<T: ?Sized> OwnedRwLockReadGuard<T> {
    /// A guard of one permit just acquired.
    pub(super) fn new(lock: Arc<RwLock<T>>) -> Self {
        OwnedRwLockReadGuard { data: lock.c.get(), lock }
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockReadGuard<T, U> {
    /// A guard onto a part of the data; the lock stays read-held.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::{OwnedRwLockReadGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let second = OwnedRwLockReadGuard::map(lock.try_read_owned().unwrap(), |t| &t.1);
    /// assert_eq!(*second, 2);
    /// ```
    #[inline]
    pub fn map<F, V: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, V>
    where
        F: FnOnce(&U) -> &V,
    {
        let data = f(&*this) as *const V;
        OwnedRwLockReadGuard { data, lock: take_lock!(this) }
    }

    /// As [`map`](Self::map), or the guard back if `f` returns `None`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::{OwnedRwLockReadGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let guard = lock.try_read_owned().unwrap();
    /// assert!(OwnedRwLockReadGuard::try_map(guard, |v| v.get(3)).is_err());
    /// ```
    #[inline]
    pub fn try_map<F, V: ?Sized>(this: Self, f: F) -> Result<OwnedRwLockReadGuard<T, V>, Self>
    where
        F: FnOnce(&U) -> Option<&V>,
    {
        let Some(data) = f(&*this).map(|d| d as *const V) else { return Err(this) };
        Ok(OwnedRwLockReadGuard { data, lock: take_lock!(this) })
    }

    /// The lock this guard holds.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::{OwnedRwLockReadGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let guard = lock.clone().try_read_owned().unwrap();
    /// assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&guard), &lock));
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized> OwnedRwLockWriteGuard<T> {
    /// A guard of all the permits, just acquired.
    pub(super) fn new(lock: Arc<RwLock<T>>) -> Self {
        OwnedRwLockWriteGuard { permits_acquired: lock.mr, data: lock.c.get(), lock }
    }

    /// A guard onto a part of the data; the lock stays write-held.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// *OwnedRwLockWriteGuard::map(lock.clone().try_write_owned().unwrap(), |t| &mut t.0) = 5;
    /// assert_eq!(*lock.try_read().unwrap(), (5, 2));
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = f(&mut *this) as *mut U;
        let permits_acquired = this.permits_acquired;
        OwnedRwLockMappedWriteGuard { permits_acquired, data, lock: take_lock!(this) }
    }

    /// As [`map`](Self::map), or the guard back if `f` returns `None`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let guard = lock.try_write_owned().unwrap();
    /// assert!(OwnedRwLockWriteGuard::try_map(guard, |v| v.get_mut(3)).is_err());
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(mut this: Self, f: F) -> Result<OwnedRwLockMappedWriteGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else { return Err(this) };
        let permits_acquired = this.permits_acquired;
        Ok(OwnedRwLockMappedWriteGuard { permits_acquired, data, lock: take_lock!(this) })
    }

    /// Turns this into a read guard onto a part of the data, letting other
    /// readers in; `f` runs while the lock is still write-held.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let r = OwnedRwLockWriteGuard::downgrade_map(lock.clone().try_write_owned().unwrap(), |t| &t.1);
    /// assert_eq!((*r, lock.try_read().unwrap().0), (2, 1));
    /// ```
    #[inline]
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data = f(&*this) as *const U;
        let permits_acquired = this.permits_acquired;
        let guard = OwnedRwLockReadGuard { data, lock: take_lock!(this) };
        guard.lock.s.release(permits_acquired as usize - 1);
        guard
    }

    /// As [`downgrade_map`](Self::downgrade_map), or the write guard back
    /// (still write-held) if `f` returns `None`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let w = lock.try_write_owned().unwrap();
    /// let w = OwnedRwLockWriteGuard::try_downgrade_map(w, |v| v.get(3)).unwrap_err();
    /// assert_eq!(*OwnedRwLockWriteGuard::try_downgrade_map(w, |v| v.first()).unwrap(), 1);
    /// ```
    #[inline]
    pub fn try_downgrade_map<F, U: ?Sized>(this: Self, f: F) -> Result<OwnedRwLockReadGuard<T, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let Some(data) = f(&*this).map(|d| d as *const U) else { return Err(this) };
        let permits_acquired = this.permits_acquired;
        let guard = OwnedRwLockReadGuard { data, lock: take_lock!(this) };
        guard.lock.s.release(permits_acquired as usize - 1);
        Ok(guard)
    }

    /// This guard as a mapped guard onto the whole data.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// *OwnedRwLockWriteGuard::into_mapped(lock.try_write_owned().unwrap()) = 2;
    /// ```
    #[inline]
    pub fn into_mapped(this: Self) -> OwnedRwLockMappedWriteGuard<T> {
        OwnedRwLockWriteGuard::map(this, |me| me)
    }

    /// Turns this into a read guard, letting other readers in (the lock is
    /// not released in between).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::RwLock;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let r = lock.clone().try_write_owned().unwrap().downgrade();
    /// assert_eq!((*r, *lock.try_read().unwrap()), (1, 1));
    /// ```
    pub fn downgrade(self) -> OwnedRwLockReadGuard<T> {
        let (permits_acquired, data) = (self.permits_acquired, self.data);
        let guard = OwnedRwLockReadGuard { data, lock: take_lock!(self) };
        guard.lock.s.release(permits_acquired as usize - 1);
        guard
    }

    /// The lock this guard holds.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let guard = lock.clone().try_write_owned().unwrap();
    /// assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&guard), &lock));
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockReadGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // SAFETY: `data` points into `lock`'s data, kept alive by the `Arc`
        // and kept from writers by this guard's permit (the field's invariant).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> Deref for OwnedRwLockWriteGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the `Arc` keeps the data alive and this guard holds every
        // permit (the field's invariant).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for OwnedRwLockWriteGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `deref`, and this borrows the guard mutably.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockReadGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized> Drop for OwnedRwLockWriteGuard<T> {
    fn drop(&mut self) {
        self.lock.s.release(self.permits_acquired as usize);
    }
}

fmt_as_target! {
    OwnedRwLockReadGuard<T, U> => [T: ?Sized, U: ?Sized],
    OwnedRwLockWriteGuard<T> => [T: ?Sized],
}
