//! `SetOnce`: a value set once, that tasks can wait for, with tokio's API
//! and behaviour (tokio 1.47+).

use std::error::Error;
use std::fmt;

use super::once_cell::Slot;
use super::Notify;

/// A cell set once, by [`set`](Self::set); tasks can [`wait`](Self::wait)
/// for the value (an event that carries a value).
///
/// ```
/// use std::rc::Rc;
/// use runtime::sync::SetOnce;
///
/// runtime::block_on(async {
///     let once = Rc::new(SetOnce::new());
///     let o = once.clone();
///     let waiter = runtime::spawn(async move { *o.wait().await });
///     runtime::task::yield_now().await;
///     once.set(20).unwrap();
///     assert_eq!(waiter.await.unwrap(), 20);
///     assert!(once.set(30).is_err());
/// });
/// ```
///
/// Not `Sync`: for a global, put it in a `thread_local!`.
pub struct SetOnce<T> {
    value: Slot<T>,
    notify: Notify,
}

/// [`SetOnce::set`] found a value already there; holds the value it was given.
///
/// ```
/// use runtime::sync::{SetOnce, SetOnceError};
///
/// let once = SetOnce::from(1);
/// assert_eq!(once.set(2), Err(SetOnceError(2)));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct SetOnceError<T>(pub T);

impl<T> SetOnce<T> {
    /// An empty `SetOnce`.
    ///
    /// ```
    /// assert!(runtime::sync::SetOnce::<u8>::new().get().is_none());
    /// ```
    pub fn new() -> SetOnce<T> {
        SetOnce::const_new()
    }

    /// As [`new`](Self::new), in a `const` context.
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    ///
    /// thread_local! {
    ///     static READY: SetOnce<()> = const { SetOnce::const_new() };
    /// }
    /// READY.with(|r| assert!(!r.initialized()));
    /// ```
    pub const fn const_new() -> SetOnce<T> {
        SetOnce { value: Slot::new(None), notify: Notify::const_new() }
    }

    /// A `SetOnce` holding `value`, if it is `Some`.
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    ///
    /// assert_eq!(SetOnce::new_with(Some(1)).get(), Some(&1));
    /// ```
    pub fn new_with(value: Option<T>) -> SetOnce<T> {
        SetOnce { value: Slot::new(value), notify: Notify::new() }
    }

    /// A `SetOnce` holding `value`, in a `const` context.
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    ///
    /// const fn make() -> SetOnce<u8> {
    ///     SetOnce::const_new_with(7)
    /// }
    /// assert_eq!(make().get(), Some(&7));
    /// ```
    pub const fn const_new_with(value: T) -> SetOnce<T> {
        SetOnce { value: Slot::new(Some(value)), notify: Notify::const_new() }
    }

    /// Whether the value is set.
    ///
    /// ```
    /// let once = runtime::sync::SetOnce::new();
    /// assert!(!once.initialized());
    /// once.set(1).unwrap();
    /// assert!(once.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.value.get().is_some()
    }

    /// The value, if set.
    ///
    /// ```
    /// let once = runtime::sync::SetOnce::from(3);
    /// assert_eq!(once.get(), Some(&3));
    /// ```
    pub fn get(&self) -> Option<&T> {
        self.value.get()
    }

    /// Sets the value and wakes every waiter, unless it is already set.
    ///
    /// ```
    /// use runtime::sync::{SetOnce, SetOnceError};
    ///
    /// let once = SetOnce::new();
    /// assert_eq!(once.set(1), Ok(()));
    /// assert_eq!(once.set(2), Err(SetOnceError(2)));
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetOnceError<T>> {
        self.value.set(value).map_err(SetOnceError)?;
        self.notify.notify_waiters();
        Ok(())
    }

    /// The value, if set, consuming the `SetOnce`.
    ///
    /// ```
    /// assert_eq!(runtime::sync::SetOnce::from(1).into_inner(), Some(1));
    /// ```
    pub fn into_inner(self) -> Option<T> {
        self.value.into_inner()
    }

    /// Waits until the value is set, and returns it. Cancellation safe.
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    ///
    /// runtime::block_on(async {
    ///     let once = SetOnce::from("ready");
    ///     assert_eq!(*once.wait().await, "ready");
    /// });
    /// ```
    pub async fn wait(&self) -> &T {
        loop {
            // Created before the check, so a `set` in between still wakes it.
            let notified = self.notify.notified();
            if let Some(value) = self.get() {
                return value;
            }
            notified.await;
        }
    }
}

impl<T> Default for SetOnce<T> {
    fn default() -> SetOnce<T> {
        SetOnce::new()
    }
}

impl<T> From<T> for SetOnce<T> {
    fn from(value: T) -> SetOnce<T> {
        SetOnce::const_new_with(value)
    }
}

impl<T: Clone> Clone for SetOnce<T> {
    fn clone(&self) -> SetOnce<T> {
        SetOnce::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for SetOnce<T> {
    fn eq(&self, other: &SetOnce<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for SetOnce<T> {}

impl<T: fmt::Debug> fmt::Debug for SetOnce<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetOnce").field("value", &self.get()).finish()
    }
}

impl<T> fmt::Display for SetOnceError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SetOnceError")
    }
}

impl<T: fmt::Debug> Error for SetOnceError<T> {}
