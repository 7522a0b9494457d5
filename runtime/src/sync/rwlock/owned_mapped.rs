//! [`OwnedRwLockMappedWriteGuard`]: an owned write guard onto a part of the
//! data of an [`RwLock`] in an `Arc`.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use super::{fmt_as_target, take_lock, RwLock};

/// Exclusive access to a part `U` of the data of an [`RwLock`] in an `Arc`
/// (from [`OwnedRwLockWriteGuard::map`](super::OwnedRwLockWriteGuard::map)); released when dropped.
///
/// ```
/// use std::sync::Arc;
/// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
///
/// let lock = Arc::new(RwLock::new((1, 2)));
/// let mut first = OwnedRwLockWriteGuard::map(lock.clone().try_write_owned().unwrap(), |t| &mut t.0);
/// *first = 3;
/// drop(first);
/// assert_eq!(*lock.try_read().unwrap(), (3, 2));
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockMappedWriteGuard<T: ?Sized, U: ?Sized = T> {
    pub(super) permits_acquired: u32,
    /// # Invariant
    /// As `OwnedRwLockWriteGuard::data`, into a part of the data.
    pub(super) data: *mut U,
    pub(super) lock: Arc<RwLock<T>>,
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockMappedWriteGuard<T, U> {
    /// A guard onto a part of this part; the lock stays write-held.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(((1, 2), 3)));
    /// let outer = OwnedRwLockWriteGuard::map(lock.clone().try_write_owned().unwrap(), |t| &mut t.0);
    /// *OwnedRwLockMappedWriteGuard::map(outer, |t| &mut t.1) = 5;
    /// assert_eq!(*lock.try_read().unwrap(), ((1, 5), 3));
    /// ```
    #[inline]
    pub fn map<F, V: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, V>
    where
        F: FnOnce(&mut U) -> &mut V,
    {
        let data = f(&mut *this) as *mut V;
        let permits_acquired = this.permits_acquired;
        OwnedRwLockMappedWriteGuard { permits_acquired, data, lock: take_lock!(this) }
    }

    /// As [`map`](Self::map), or the guard back if `f` returns `None`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let all = OwnedRwLockWriteGuard::into_mapped(lock.try_write_owned().unwrap());
    /// assert!(OwnedRwLockMappedWriteGuard::try_map(all, |v| v.get_mut(3)).is_err());
    /// ```
    #[inline]
    pub fn try_map<F, V: ?Sized>(mut this: Self, f: F) -> Result<OwnedRwLockMappedWriteGuard<T, V>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut V>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut V) else { return Err(this) };
        let permits_acquired = this.permits_acquired;
        Ok(OwnedRwLockMappedWriteGuard { permits_acquired, data, lock: take_lock!(this) })
    }

    /// The lock this guard holds.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let guard = OwnedRwLockWriteGuard::into_mapped(lock.clone().try_write_owned().unwrap());
    /// assert!(Arc::ptr_eq(OwnedRwLockMappedWriteGuard::rwlock(&guard), &lock));
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockMappedWriteGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // SAFETY: as for `OwnedRwLockWriteGuard` (the field's invariant).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedRwLockMappedWriteGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as for `deref`, and this borrows the guard mutably.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockMappedWriteGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(self.permits_acquired as usize);
    }
}

fmt_as_target! {
    OwnedRwLockMappedWriteGuard<T, U> => [T: ?Sized, U: ?Sized],
}
