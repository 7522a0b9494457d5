//! The guards of a borrowed [`RwLock`](super::RwLock): read, write and
//! mapped write. Each holds its permits (one to read, all to write) and
//! gives them back when dropped.

use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use super::fmt_as_target;
use crate::sync::Semaphore;

/// Shared access to the data of an [`RwLock`](super::RwLock) (or a part of
/// it, after [`map`](Self::map)); released when dropped.
///
/// ```
/// let lock = runtime::sync::RwLock::new(1);
/// let (a, b) = (lock.try_read().unwrap(), lock.try_read().unwrap());
/// assert_eq!(*a + *b, 2);
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    s: &'a Semaphore,
    /// # Invariant
    /// Points into the lock's data, which this guard's permit keeps from
    /// any writer for `'a`.
    data: *const T,
    marker: PhantomData<&'a T>,
}

/// Exclusive access to the data of an [`RwLock`](super::RwLock); released
/// when dropped.
///
/// ```
/// let lock = runtime::sync::RwLock::new(1);
/// let mut w = lock.try_write().unwrap();
/// *w += 1;
/// assert!(lock.try_read().is_err());
/// drop(w);
/// assert_eq!(*lock.try_read().unwrap(), 2);
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    permits_acquired: u32,
    s: &'a Semaphore,
    /// # Invariant
    /// Points to the lock's data, which this guard's permits (all of them)
    /// make ours alone for `'a`.
    data: *mut T,
    marker: PhantomData<&'a mut T>,
}

/// Exclusive access to a part of the data of an [`RwLock`](super::RwLock)
/// (from [`RwLockWriteGuard::map`]); released when dropped.
///
/// ```
/// use runtime::sync::{RwLock, RwLockWriteGuard};
///
/// let lock = RwLock::new((1, 2));
/// let mut second = RwLockWriteGuard::map(lock.try_write().unwrap(), |t| &mut t.1);
/// *second = 5;
/// drop(second);
/// assert_eq!(*lock.try_read().unwrap(), (1, 5));
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockMappedWriteGuard<'a, T: ?Sized> {
    permits_acquired: u32,
    s: &'a Semaphore,
    /// # Invariant
    /// As `RwLockWriteGuard::data`, into a part of the data.
    data: *mut T,
    marker: PhantomData<&'a mut T>,
}

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    /// A guard of one permit just acquired, onto `data`.
    pub(super) fn new(s: &'a Semaphore, data: *const T) -> Self {
        RwLockReadGuard { s, data, marker: PhantomData }
    }

    /// A guard onto a part of the data; the lock stays read-held.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockReadGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// let second = RwLockReadGuard::map(lock.try_read().unwrap(), |t| &t.1);
    /// assert_eq!(*second, 2);
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data = f(&*this) as *const U;
        let s = this.s;
        std::mem::forget(this);
        RwLockReadGuard { s, data, marker: PhantomData }
    }

    /// As [`map`](Self::map), or the guard back if `f` returns `None`.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockReadGuard};
    ///
    /// let lock = RwLock::new(vec![1]);
    /// let guard = RwLockReadGuard::try_map(lock.try_read().unwrap(), |v| v.get(5)).unwrap_err();
    /// assert_eq!(*RwLockReadGuard::try_map(guard, |v| v.first()).unwrap(), 1);
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let Some(data) = f(&*this).map(|d| d as *const U) else { return Err(this) };
        let s = this.s;
        std::mem::forget(this);
        Ok(RwLockReadGuard { s, data, marker: PhantomData })
    }
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    /// A guard of `permits_acquired` permits just acquired, onto `data`.
    pub(super) fn new(permits_acquired: u32, s: &'a Semaphore, data: *mut T) -> Self {
        RwLockWriteGuard { permits_acquired, s, data, marker: PhantomData }
    }

    /// Moves the fields out without releasing the permits.
    fn skip_drop(self) -> (u32, &'a Semaphore) {
        let parts = (self.permits_acquired, self.s);
        std::mem::forget(self);
        parts
    }

    /// A guard onto a part of the data; the lock stays write-held.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// *RwLockWriteGuard::map(lock.try_write().unwrap(), |t| &mut t.0) = 5;
    /// assert_eq!(*lock.try_read().unwrap(), (5, 2));
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = f(&mut *this) as *mut U;
        let (permits_acquired, s) = this.skip_drop();
        RwLockMappedWriteGuard { permits_acquired, s, data, marker: PhantomData }
    }

    /// As [`map`](Self::map), or the guard back if `f` returns `None`.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(vec![1]);
    /// let guard = RwLockWriteGuard::try_map(lock.try_write().unwrap(), |v| v.get_mut(5)).unwrap_err();
    /// *RwLockWriteGuard::try_map(guard, |v| v.first_mut()).unwrap() = 2;
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(mut this: Self, f: F) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else { return Err(this) };
        let (permits_acquired, s) = this.skip_drop();
        Ok(RwLockMappedWriteGuard { permits_acquired, s, data, marker: PhantomData })
    }

    /// Turns this into a read guard onto a part of the data, letting other
    /// readers in; `f` runs while the lock is still write-held.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// let r = RwLockWriteGuard::downgrade_map(lock.try_write().unwrap(), |t| &t.1);
    /// assert_eq!((*r, lock.try_read().unwrap().0), (2, 1));
    /// ```
    #[inline]
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data = f(&*this) as *const U;
        let (permits_acquired, s) = this.skip_drop();
        let guard = RwLockReadGuard::new(s, data);
        s.release(permits_acquired as usize - 1);
        guard
    }

    /// As [`downgrade_map`](Self::downgrade_map), or the write guard back
    /// (still write-held) if `f` returns `None`.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(vec![1]);
    /// let w = RwLockWriteGuard::try_downgrade_map(lock.try_write().unwrap(), |v| v.get(5)).unwrap_err();
    /// let r = RwLockWriteGuard::try_downgrade_map(w, |v| v.first()).unwrap();
    /// assert_eq!(*r, 1);
    /// ```
    #[inline]
    pub fn try_downgrade_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let Some(data) = f(&*this).map(|d| d as *const U) else { return Err(this) };
        let (permits_acquired, s) = this.skip_drop();
        let guard = RwLockReadGuard::new(s, data);
        s.release(permits_acquired as usize - 1);
        Ok(guard)
    }

    /// This guard as a mapped guard onto the whole data.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(1);
    /// *RwLockWriteGuard::into_mapped(lock.try_write().unwrap()) = 2;
    /// ```
    #[inline]
    pub fn into_mapped(this: Self) -> RwLockMappedWriteGuard<'a, T> {
        RwLockWriteGuard::map(this, |me| me)
    }

    /// Turns this into a read guard, letting other readers in (the lock is
    /// not released in between).
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let mut w = lock.try_write().unwrap();
    /// *w = 2;
    /// let r = w.downgrade();
    /// assert_eq!((*r, *lock.try_read().unwrap()), (2, 2));
    /// ```
    pub fn downgrade(self) -> RwLockReadGuard<'a, T> {
        let data = self.data;
        let (permits_acquired, s) = self.skip_drop();
        let guard = RwLockReadGuard::new(s, data);
        s.release(permits_acquired as usize - 1);
        guard
    }
}

impl<'a, T: ?Sized> RwLockMappedWriteGuard<'a, T> {
    /// A guard onto a part of this part; the lock stays write-held.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(((1, 2), 3));
    /// let outer = RwLockWriteGuard::map(lock.try_write().unwrap(), |t| &mut t.0);
    /// *RwLockMappedWriteGuard::map(outer, |t| &mut t.1) = 5;
    /// assert_eq!(*lock.try_read().unwrap(), ((1, 5), 3));
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = f(&mut *this) as *mut U;
        let (permits_acquired, s) = (this.permits_acquired, this.s);
        std::mem::forget(this);
        RwLockMappedWriteGuard { permits_acquired, s, data, marker: PhantomData }
    }

    /// As [`map`](Self::map), or the guard back if `f` returns `None`.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(vec![1]);
    /// let all = RwLockWriteGuard::into_mapped(lock.try_write().unwrap());
    /// assert!(RwLockMappedWriteGuard::try_map(all, |v| v.get_mut(3)).is_err());
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(mut this: Self, f: F) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else { return Err(this) };
        let (permits_acquired, s) = (this.permits_acquired, this.s);
        std::mem::forget(this);
        Ok(RwLockMappedWriteGuard { permits_acquired, s, data, marker: PhantomData })
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: `data` points into the lock's data, which no writer can
        // reach while this guard's permit is held (the field's invariant).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard holds every permit (the field's invariant), so
        // nothing else reaches the data.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `deref`, and this borrows the guard mutably.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Deref for RwLockMappedWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard holds every permit (the field's invariant).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for RwLockMappedWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `deref`, and this borrows the guard mutably.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(1);
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(self.permits_acquired as usize);
    }
}

impl<T: ?Sized> Drop for RwLockMappedWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(self.permits_acquired as usize);
    }
}

fmt_as_target! {
    RwLockReadGuard<'a, T> => ['a, T: ?Sized],
    RwLockWriteGuard<'a, T> => ['a, T: ?Sized],
    RwLockMappedWriteGuard<'a, T> => ['a, T: ?Sized],
}
