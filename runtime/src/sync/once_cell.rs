//! `OnceCell`: a cell written once, whose initialiser may be async, with
//! tokio's API and behaviour.
//!
//! The value sits in a `std::cell::OnceCell`; a [`Semaphore`] of one
//! permit picks the one task that runs its initialiser. Once the value is
//! set the semaphore is closed, which releases every waiter to read it.

use std::cell::Cell;
use std::error::Error;
use std::fmt;
use std::future::Future;

use super::{Semaphore, SemaphorePermit, TryAcquireError};

/// A cell that is written once, by [`set`](Self::set) or by the first
/// [`get_or_init`](Self::get_or_init) whose initialiser completes; other
/// callers wait for that value.
///
/// If an initialiser's future is dropped (cancelled) or panics, the next
/// waiting caller runs its own.
///
/// ```
/// use runtime::sync::OnceCell;
///
/// runtime::block_on(async {
///     let cell = OnceCell::new();
///     let v = cell.get_or_init(|| async { 1 + 1 }).await;
///     assert_eq!(*v, 2);
///     assert_eq!(*cell.get_or_init(|| async { unreachable!() }).await, 2);
/// });
/// ```
///
/// Not `Sync`: for a global, put it in a `thread_local!` (each runtime
/// thread gets its own) or use `async-lock`'s `OnceCell`.
pub struct OnceCell<T> {
    value: Slot<T>,
    semaphore: Semaphore,
}

/// Why [`OnceCell::set`] failed; holds the value it was given.
///
/// ```
/// use runtime::sync::{OnceCell, SetError};
///
/// let cell = OnceCell::from(1);
/// assert_eq!(cell.set(2), Err(SetError::AlreadyInitializedError(2)));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell already holds a value.
    AlreadyInitializedError(T),
    /// An initialiser is running (a `get_or_init` holds the permit).
    InitializingError(T),
}

/// A value set once, that a `const fn` can create already set: the value
/// waits in `preset` until first read.
pub(crate) struct Slot<T> {
    value: std::cell::OnceCell<T>,
    preset: Cell<Option<T>>,
}

impl<T> Slot<T> {
    pub(crate) const fn new(value: Option<T>) -> Slot<T> {
        Slot { value: std::cell::OnceCell::new(), preset: Cell::new(value) }
    }

    pub(crate) fn get(&self) -> Option<&T> {
        if let Some(v) = self.preset.take() {
            let _ = self.value.set(v);
        }
        self.value.get()
    }

    /// Sets the value if none is there; gives it back otherwise.
    pub(crate) fn set(&self, value: T) -> Result<&T, T> {
        if self.get().is_some() {
            return Err(value);
        }
        Ok(self.value.get_or_init(|| value))
    }

    pub(crate) fn get_mut(&mut self) -> Option<&mut T> {
        if let Some(v) = self.preset.get_mut().take() {
            let _ = self.value.set(v);
        }
        self.value.get_mut()
    }

    pub(crate) fn into_inner(self) -> Option<T> {
        self.preset.into_inner().or(self.value.into_inner())
    }
}

impl<T> OnceCell<T> {
    /// An empty cell.
    ///
    /// ```
    /// let cell = runtime::sync::OnceCell::<u8>::new();
    /// assert!(cell.get().is_none());
    /// ```
    pub fn new() -> OnceCell<T> {
        OnceCell::const_new()
    }

    /// As [`new`](Self::new), in a `const` context.
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// thread_local! {
    ///     static ONCE: OnceCell<u32> = const { OnceCell::const_new() };
    /// }
    /// runtime::block_on(async {
    ///     ONCE.with(|once| assert!(!once.initialized()));
    /// });
    /// ```
    pub const fn const_new() -> OnceCell<T> {
        OnceCell { value: Slot::new(None), semaphore: Semaphore::const_new(1) }
    }

    /// A cell holding `value`, if it is `Some`.
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// assert_eq!(OnceCell::new_with(Some(1)).get(), Some(&1));
    /// assert_eq!(OnceCell::<u8>::new_with(None).get(), None);
    /// ```
    pub fn new_with(value: Option<T>) -> OnceCell<T> {
        match value {
            Some(v) => OnceCell::const_new_with(v),
            None => OnceCell::new(),
        }
    }

    /// A cell holding `value`, in a `const` context.
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// const fn make() -> OnceCell<u8> {
    ///     OnceCell::const_new_with(7)
    /// }
    /// assert_eq!(make().get(), Some(&7));
    /// ```
    pub const fn const_new_with(value: T) -> OnceCell<T> {
        // A set cell never touches its semaphore: every path checks the value first.
        OnceCell { value: Slot::new(Some(value)), semaphore: Semaphore::const_new(1) }
    }

    /// Whether the cell holds a value.
    ///
    /// ```
    /// let cell = runtime::sync::OnceCell::new();
    /// assert!(!cell.initialized());
    /// cell.set(1).unwrap();
    /// assert!(cell.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.value.get().is_some()
    }

    /// The value, if set.
    ///
    /// ```
    /// let cell = runtime::sync::OnceCell::from(3);
    /// assert_eq!(cell.get(), Some(&3));
    /// ```
    pub fn get(&self) -> Option<&T> {
        self.value.get()
    }

    /// The value, mutably, if set.
    ///
    /// ```
    /// let mut cell = runtime::sync::OnceCell::from(3);
    /// *cell.get_mut().unwrap() += 1;
    /// assert_eq!(cell.get(), Some(&4));
    /// ```
    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.value.get_mut()
    }

    /// Sets the value, unless the cell has one or an initialiser is running.
    ///
    /// ```
    /// use runtime::sync::{OnceCell, SetError};
    ///
    /// let cell = OnceCell::new();
    /// assert_eq!(cell.set(1), Ok(()));
    /// assert_eq!(cell.set(2), Err(SetError::AlreadyInitializedError(2)));
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        if self.initialized() {
            return Err(SetError::AlreadyInitializedError(value));
        }
        match self.semaphore.try_acquire() {
            Ok(permit) => {
                self.set_value(value, permit);
                Ok(())
            }
            Err(TryAcquireError::NoPermits) => Err(SetError::InitializingError(value)),
            Err(TryAcquireError::Closed) => Err(SetError::AlreadyInitializedError(value)),
        }
    }

    /// The value, running `f` to make it if the cell is empty. Only one
    /// caller runs its initialiser at a time; the others wait for its
    /// value. If that future is dropped or panics, the next waiter runs its own.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use runtime::sync::OnceCell;
    ///
    /// runtime::block_on(async {
    ///     let cell = Rc::new(OnceCell::new());
    ///     let c = cell.clone();
    ///     let other = runtime::spawn(async move { *c.get_or_init(|| async { 2 }).await });
    ///     let mine = *cell.get_or_init(|| async {
    ///         runtime::task::yield_now().await;
    ///         1
    ///     }).await;
    ///     assert_eq!((mine, other.await.unwrap()), (1, 1));
    /// });
    /// ```
    pub async fn get_or_init<F, Fut>(&self, f: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        match self.get_or_try_init(|| async { Ok::<T, std::convert::Infallible>(f().await) }).await {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// As [`get_or_init`](Self::get_or_init) for an initialiser that may
    /// fail: an error is returned and the cell stays empty (the next
    /// waiter runs its own).
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// runtime::block_on(async {
    ///     let cell = OnceCell::new();
    ///     assert_eq!(cell.get_or_try_init(|| async { Err("no") }).await, Err("no"));
    ///     assert_eq!(cell.get_or_try_init(|| async { Ok::<_, &str>(5) }).await, Ok(&5));
    /// });
    /// ```
    pub async fn get_or_try_init<E, F, Fut>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.get() {
            return Ok(value);
        }
        match self.semaphore.acquire().await {
            // Dropping this future (or a panic in `f`) drops the permit:
            // the next waiter gets it and runs its own initialiser.
            Ok(permit) => Ok(self.set_value(f().await?, permit)),
            // The semaphore is closed only once the value is set.
            Err(_) => Ok(self.get().unwrap_or_else(|| unreachable!("a OnceCell is closed once set"))),
        }
    }

    /// The value, if set, consuming the cell.
    ///
    /// ```
    /// assert_eq!(runtime::sync::OnceCell::from(1).into_inner(), Some(1));
    /// ```
    pub fn into_inner(self) -> Option<T> {
        self.value.into_inner()
    }

    /// Takes the value out, leaving the cell empty (and usable again).
    ///
    /// ```
    /// let mut cell = runtime::sync::OnceCell::from(1);
    /// assert_eq!(cell.take(), Some(1));
    /// assert!(!cell.initialized());
    /// ```
    pub fn take(&mut self) -> Option<T> {
        std::mem::take(self).into_inner()
    }

    fn set_value(&self, value: T, permit: SemaphorePermit<'_>) -> &T {
        // The permit makes this the only writer, so the cell is empty.
        let value = self.value.set(value).unwrap_or_else(|_| unreachable!("a OnceCell is set under its permit"));
        permit.forget();
        self.semaphore.close();
        value
    }
}

impl<T> Default for OnceCell<T> {
    fn default() -> OnceCell<T> {
        OnceCell::new()
    }
}

impl<T> From<T> for OnceCell<T> {
    fn from(value: T) -> OnceCell<T> {
        OnceCell::const_new_with(value)
    }
}

impl<T: Clone> Clone for OnceCell<T> {
    fn clone(&self) -> OnceCell<T> {
        OnceCell::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for OnceCell<T> {
    fn eq(&self, other: &OnceCell<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnceCell").field("value", &self.get()).finish()
    }
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => write!(f, "AlreadyInitializedError"),
            SetError::InitializingError(_) => write!(f, "InitializingError"),
        }
    }
}

impl<T: fmt::Debug> Error for SetError<T> {}

impl<T> SetError<T> {
    /// Whether the cell already held a value.
    ///
    /// ```
    /// let cell = runtime::sync::OnceCell::from(1);
    /// assert!(cell.set(2).unwrap_err().is_already_init_err());
    /// ```
    pub fn is_already_init_err(&self) -> bool {
        matches!(self, SetError::AlreadyInitializedError(_))
    }

    /// Whether an initialiser was running.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use runtime::sync::OnceCell;
    ///
    /// runtime::block_on(async {
    ///     let cell = Rc::new(OnceCell::new());
    ///     let c = cell.clone();
    ///     let init = runtime::spawn(async move { *c.get_or_init(std::future::pending::<u8>).await });
    ///     runtime::task::yield_now().await; // the task starts its initialiser
    ///     assert!(cell.set(1).unwrap_err().is_initializing_err());
    ///     init.abort();
    /// });
    /// ```
    pub fn is_initializing_err(&self) -> bool {
        matches!(self, SetError::InitializingError(_))
    }
}
