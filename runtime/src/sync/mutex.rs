//! `Mutex`: an async lock for tasks on one thread, that may be held across
//! `.await`, with tokio's API (guards, owned guards, mapped guards).
//!
//! The lock is a [`Semaphore`] of one permit, so waiters get it in the order
//! they asked. The data sits in an `UnsafeCell`: a guard exists only while
//! its permit is held, and the permit is unique, so at most one guard (and
//! so one `&mut T`) exists at a time. A mapped guard keeps a raw pointer
//! into the data for the same span; this file is the module's one `unsafe`.

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use super::semaphore::Acquire;
use super::{Semaphore, TryLockError};

/// An async mutual-exclusion lock for tasks on one thread.
///
/// Unlike `std::sync::Mutex` (or a `RefCell`), its guard may be held across
/// an `.await`: another task that wants the lock waits its turn. Waiters
/// are served first come, first served; dropping a [`lock`](Self::lock)
/// future loses nothing (it is cancellation safe).
///
/// ```
/// use std::rc::Rc;
/// use runtime::sync::Mutex;
///
/// runtime::block_on(async {
///     let count = Rc::new(Mutex::new(0));
///     let c = count.clone();
///     let task = runtime::spawn(async move {
///         let mut n = c.lock().await;
///         runtime::task::yield_now().await; // still held
///         *n += 1;
///     });
///     task.await.unwrap();
///     assert_eq!(*count.lock().await, 1);
/// });
/// ```
///
/// For a lock shared between threads, use `async-lock` or tokio's.
pub struct Mutex<T: ?Sized> {
    s: Semaphore,
    c: UnsafeCell<T>,
}

/// Access to the data of a locked [`Mutex`]; unlocks when dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MutexGuard<'a, T: ?Sized> {
    lock: &'a Mutex<T>,
}

/// A [`MutexGuard`] that owns an `Arc` of its mutex (from [`Mutex::lock_owned`]).
#[clippy::has_significant_drop]
pub struct OwnedMutexGuard<T: ?Sized> {
    lock: Arc<Mutex<T>>,
}

/// A guard onto part of the locked data (from [`MutexGuard::map`]).
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MappedMutexGuard<'a, T: ?Sized> {
    s: &'a Semaphore,
    /// # Invariant
    /// Points into the mutex's data, which this guard's permit makes ours.
    data: *mut T,
    marker: PhantomData<&'a mut T>,
}

/// An [`OwnedMutexGuard`] onto part of the locked data.
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct OwnedMappedMutexGuard<T: ?Sized, U: ?Sized = T> {
    /// # Invariant
    /// Points into `lock`'s data, which this guard's permit makes ours.
    data: *mut U,
    lock: Arc<Mutex<T>>,
}

impl<T: ?Sized> Mutex<T> {
    /// An unlocked mutex holding `t`.
    pub fn new(t: T) -> Mutex<T>
    where
        T: Sized,
    {
        Mutex { s: Semaphore::new(1), c: UnsafeCell::new(t) }
    }

    /// As [`new`](Self::new), in a `const` context.
    pub const fn const_new(t: T) -> Mutex<T>
    where
        T: Sized,
    {
        Mutex { s: Semaphore::const_new(1), c: UnsafeCell::new(t) }
    }

    /// Waits for the lock. Cancellation safe: a dropped `lock` future
    /// gives its turn to the next waiter.
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.acquire().await;
        MutexGuard { lock: self }
    }

    /// [`lock`](Self::lock) for a mutex in an `Arc`; the guard keeps the `Arc`.
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        self.acquire().await;
        OwnedMutexGuard { lock: self }
    }

    /// The lock, if it is free now.
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        self.s.try_acquire().map(std::mem::forget).map_err(|_| TryLockError(()))?;
        Ok(MutexGuard { lock: self })
    }

    /// [`try_lock`](Self::try_lock) for a mutex in an `Arc`.
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        self.s.try_acquire().map(std::mem::forget).map_err(|_| TryLockError(()))?;
        Ok(OwnedMutexGuard { lock: self })
    }

    /// The data, through `&mut self`: no lock is needed.
    pub fn get_mut(&mut self) -> &mut T {
        self.c.get_mut()
    }

    /// The data, consuming the mutex.
    pub fn into_inner(self) -> T
    where
        T: Sized,
    {
        self.c.into_inner()
    }

    async fn acquire(&self) {
        // The semaphore is never closed, so acquiring cannot fail.
        Acquire::new(&self.s, 1).await.expect("a Mutex's semaphore is never closed");
    }

    fn unlock(&self) {
        self.s.release(1);
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(t: T) -> Mutex<T> {
        Mutex::new(t)
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(inner) => d.field("data", &&*inner),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// A guard onto a part of the data; the lock stays held.
    pub fn map<U: ?Sized, F: FnOnce(&mut T) -> &mut U>(mut this: Self, f: F) -> MappedMutexGuard<'a, U> {
        let data = f(&mut *this) as *mut U;
        let s = &this.lock.s;
        std::mem::forget(this);
        MappedMutexGuard { s, data, marker: PhantomData }
    }

    /// As [`map`](Self::map), or the guard back if `f` returns `None`.
    pub fn try_map<U: ?Sized, F>(mut this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else { return Err(this) };
        let s = &this.lock.s;
        std::mem::forget(this);
        Ok(MappedMutexGuard { s, data, marker: PhantomData })
    }

    /// The mutex this guard locks.
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }
}

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// A guard onto a part of the data; the lock stays held.
    pub fn map<U: ?Sized, F: FnOnce(&mut T) -> &mut U>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, U> {
        let data = f(&mut *this) as *mut U;
        let lock = this.take_lock();
        OwnedMappedMutexGuard { data, lock }
    }

    /// As [`map`](Self::map), or the guard back if `f` returns `None`.
    pub fn try_map<U: ?Sized, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else { return Err(this) };
        let lock = this.take_lock();
        Ok(OwnedMappedMutexGuard { data, lock })
    }

    /// The mutex this guard locks.
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }

    /// Moves the `Arc` out without unlocking.
    fn take_lock(self) -> Arc<Mutex<T>> {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so the `Arc` is moved out exactly once.
        unsafe { std::ptr::read(&this.lock) }
    }
}

impl<'a, T: ?Sized> MappedMutexGuard<'a, T> {
    /// A guard onto a part of this part; the lock stays held.
    pub fn map<U: ?Sized, F: FnOnce(&mut T) -> &mut U>(mut this: Self, f: F) -> MappedMutexGuard<'a, U> {
        let data = f(&mut *this) as *mut U;
        let s = this.s;
        std::mem::forget(this);
        MappedMutexGuard { s, data, marker: PhantomData }
    }

    /// As [`map`](Self::map), or the guard back if `f` returns `None`.
    pub fn try_map<U: ?Sized, F>(mut this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else { return Err(this) };
        let s = this.s;
        std::mem::forget(this);
        Ok(MappedMutexGuard { s, data, marker: PhantomData })
    }
}

impl<T: ?Sized, U: ?Sized> OwnedMappedMutexGuard<T, U> {
    /// A guard onto a part of this part; the lock stays held.
    pub fn map<S: ?Sized, F: FnOnce(&mut U) -> &mut S>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, S> {
        let data = f(&mut *this) as *mut S;
        let lock = this.take_lock();
        OwnedMappedMutexGuard { data, lock }
    }

    /// As [`map`](Self::map), or the guard back if `f` returns `None`.
    pub fn try_map<S: ?Sized, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, S>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut S>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut S) else { return Err(this) };
        let lock = this.take_lock();
        Ok(OwnedMappedMutexGuard { data, lock })
    }

    /// The mutex this guard locks.
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }

    /// Moves the `Arc` out without unlocking.
    fn take_lock(self) -> Arc<Mutex<T>> {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so the `Arc` is moved out exactly once.
        unsafe { std::ptr::read(&this.lock) }
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.unlock();
    }
}

impl<T: ?Sized> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.unlock();
    }
}

impl<T: ?Sized> Drop for MappedMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(1);
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedMappedMutexGuard<T, U> {
    fn drop(&mut self) {
        self.lock.unlock();
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard holds the mutex's only permit (module docs),
        // so no `&mut T` exists while this borrow of the guard lives.
        unsafe { &*self.lock.c.get() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the permit is unique and this borrows the guard mutably.
        unsafe { &mut *self.lock.c.get() }
    }
}

impl<T: ?Sized> Deref for OwnedMutexGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: as for `MutexGuard`; the `Arc` keeps the mutex alive.
        unsafe { &*self.lock.c.get() }
    }
}

impl<T: ?Sized> DerefMut for OwnedMutexGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `MutexGuard`; the `Arc` keeps the mutex alive.
        unsafe { &mut *self.lock.c.get() }
    }
}

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: `data` points into the data this guard's permit owns,
        // which lives for `'a` (the field's invariant).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `deref`, and this borrows the guard mutably.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedMappedMutexGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // SAFETY: `data` points into `lock`'s data, kept alive by the `Arc`
        // and owned through this guard's permit (the field's invariant).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedMappedMutexGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as for `deref`, and this borrows the guard mutably.
        unsafe { &mut *self.data }
    }
}

macro_rules! fmt_as_target {
    ($($guard:ty => [$($g:tt)*]),* $(,)?) => {$(
        impl<$($g)*> fmt::Debug for $guard where <$guard as Deref>::Target: fmt::Debug {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }
        impl<$($g)*> fmt::Display for $guard where <$guard as Deref>::Target: fmt::Display {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }
    )*};
}

fmt_as_target! {
    MutexGuard<'a, T> => ['a, T: ?Sized],
    OwnedMutexGuard<T> => [T: ?Sized],
    MappedMutexGuard<'a, T> => ['a, T: ?Sized],
    OwnedMappedMutexGuard<T, U> => [T: ?Sized, U: ?Sized],
}

#[cfg(test)]
mod tests;
