//! Task-local values: `task_local!`, [`LocalKey`] and [`TaskLocalFuture`],
//! as tokio's.
//!
//! A task-local is a thread-local `RefCell<Option<T>>` that holds a value
//! only while a future scoped to it runs: [`TaskLocalFuture`] keeps the
//! value beside its future and, around each poll (and its future's drop),
//! swaps it into the thread-local and back out. So the value follows the
//! future wherever it is polled, and nested scopes of one key see their
//! own value. The swap back happens in a guard's drop, so a panic in the
//! future leaves the thread-local as it found it.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread;

/// Declares task-local keys: `static NAME: Type;`, any number, each with
/// its own attributes and visibility. Each is a [`LocalKey`] whose value
/// is set with [`LocalKey::scope`] (or [`LocalKey::sync_scope`]).
///
/// ```
/// runtime::task_local! {
///     static REQUEST_ID: u64;
///     pub static USER: String;
/// }
///
/// runtime::block_on(async {
///     REQUEST_ID.scope(7, async {
///         assert_eq!(REQUEST_ID.get(), 7);
///         assert!(USER.try_with(|_| ()).is_err()); // not set here
///     }).await;
/// });
/// ```
#[macro_export]
macro_rules! task_local {
    () => {};
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $crate::__task_local_key!($(#[$attr])* $vis $name, $t);
        $crate::task_local!($($rest)*);
    };
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty) => {
        $crate::__task_local_key!($(#[$attr])* $vis $name, $t);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __task_local_key {
    ($(#[$attr:meta])* $vis:vis $name:ident, $t:ty) => {
        $(#[$attr])*
        $vis static $name: $crate::task::LocalKey<$t> = {
            ::std::thread_local! {
                static __TASK_LOCAL: ::std::cell::RefCell<::std::option::Option<$t>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            $crate::task::LocalKey { inner: __TASK_LOCAL }
        };
    };
}

/// A task-local key, declared with [`task_local!`](crate::task_local).
///
/// Unlike `std::thread::LocalKey` it has no initial value: it holds one
/// only inside a [`scope`](Self::scope) or [`sync_scope`](Self::sync_scope).
pub struct LocalKey<T: 'static> {
    #[doc(hidden)]
    pub inner: thread::LocalKey<RefCell<Option<T>>>,
}

impl<T: 'static> LocalKey<T> {
    /// Runs `future` with `value` as this key's value; the value is
    /// dropped when the returned future is (it can be taken back out with
    /// [`TaskLocalFuture::take_value`]).
    ///
    /// ```
    /// runtime::task_local! { static DEPTH: u32; }
    /// runtime::block_on(async {
    ///     DEPTH.scope(1, async {
    ///         DEPTH.scope(2, async { assert_eq!(DEPTH.get(), 2) }).await;
    ///         assert_eq!(DEPTH.get(), 1);
    ///     }).await;
    /// });
    /// ```
    ///
    /// # Panics
    /// When polled while this key's value is borrowed (inside
    /// [`with`](Self::with) on the same key) or after the thread's locals
    /// were destroyed.
    pub fn scope<F: Future>(&'static self, value: T, future: F) -> TaskLocalFuture<T, F> {
        TaskLocalFuture { local: self, slot: Some(value), future: Some(future) }
    }

    /// Runs `f` with `value` as this key's value, and drops the value after.
    ///
    /// ```
    /// runtime::task_local! { static NAME: &'static str; }
    /// assert_eq!(NAME.sync_scope("a", || NAME.get()), "a");
    /// ```
    ///
    /// # Panics
    /// As [`scope`](Self::scope).
    #[track_caller]
    pub fn sync_scope<F: FnOnce() -> R, R>(&'static self, value: T, f: F) -> R {
        let mut slot = Some(value);
        let _guard = match self.enter(&mut slot) {
            Ok(guard) => guard,
            Err(e) => e.panic(),
        };
        f()
    }

    /// Calls `f` with a reference to this key's value.
    ///
    /// # Panics
    /// Outside a scope of this key.
    #[track_caller]
    pub fn with<F: FnOnce(&T) -> R, R>(&'static self, f: F) -> R {
        match self.try_with(f) {
            Ok(r) => r,
            Err(_) => panic!("cannot access a task-local value outside its scope (set it with `LocalKey::scope`)"),
        }
    }

    /// Calls `f` with a reference to this key's value, or fails outside a
    /// scope of this key.
    pub fn try_with<F: FnOnce(&T) -> R, R>(&'static self, f: F) -> Result<R, AccessError> {
        // `f` runs under a shared borrow of the cell: it may read this key
        // again, or use other keys; entering a scope of this key inside it
        // panics (the cell is borrowed), as in tokio.
        let result = self.inner.try_with(|cell| match cell.try_borrow().as_deref() {
            Ok(Some(value)) => Some(f(value)),
            _ => None,
        });
        match result {
            Ok(Some(r)) => Ok(r),
            _ => Err(AccessError { _private: () }),
        }
    }

    /// Swaps `slot` into the thread-local; the guard swaps it back.
    fn enter<'a>(&'static self, slot: &'a mut Option<T>) -> Result<Guard<'a, T>, ScopeError> {
        self.inner.try_with(|cell| cell.try_borrow_mut().map(|mut inner| std::mem::swap(slot, &mut inner)))??;
        Ok(Guard { local: self, slot })
    }
}

impl<T: Clone + 'static> LocalKey<T> {
    /// A clone of this key's value.
    ///
    /// # Panics
    /// Outside a scope of this key.
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.with(T::clone)
    }

    /// A clone of this key's value, or fails outside a scope of this key.
    pub fn try_get(&'static self) -> Result<T, AccessError> {
        self.try_with(T::clone)
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("LocalKey { .. }")
    }
}

/// Puts the value back into its `TaskLocalFuture` (or `sync_scope`) when
/// the poll, drop or closure ends, panicking or not.
struct Guard<'a, T: 'static> {
    local: &'static LocalKey<T>,
    slot: &'a mut Option<T>,
}

impl<T: 'static> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        // The scope's own code ran in between; it cannot hold a borrow of
        // the cell past its return (`with` borrows only for its closure),
        // so this borrow succeeds.
        self.local.inner.with(|cell| std::mem::swap(self.slot, &mut cell.borrow_mut()));
    }
}

/// Why a scope could not be entered.
enum ScopeError {
    Borrowed,
    Destroyed,
}

impl ScopeError {
    #[track_caller]
    fn panic(self) -> ! {
        match self {
            ScopeError::Borrowed => {
                panic!("cannot enter a task-local scope while the task-local storage is borrowed")
            }
            ScopeError::Destroyed => {
                panic!("cannot enter a task-local scope during or after destruction of the underlying thread-local")
            }
        }
    }
}

impl From<std::cell::BorrowMutError> for ScopeError {
    fn from(_: std::cell::BorrowMutError) -> ScopeError {
        ScopeError::Borrowed
    }
}

impl From<thread::AccessError> for ScopeError {
    fn from(_: thread::AccessError) -> ScopeError {
        ScopeError::Destroyed
    }
}

pin_project_lite::pin_project! {
    /// The future of [`LocalKey::scope`]: runs its future with the key set.
    /// Its future is dropped inside the scope too, so destructors can read
    /// the value (when it completes, or when this is dropped early, as on
    /// `abort`).
    pub struct TaskLocalFuture<T, F>
    where
        T: 'static,
    {
        local: &'static LocalKey<T>,
        slot: Option<T>,
        #[pin]
        future: Option<F>,
    }

    impl<T, F> PinnedDrop for TaskLocalFuture<T, F>
    where
        T: 'static,
    {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if this.future.is_some() {
                // Dropped inside the scope if it can be entered (else as
                // is: the thread's locals are gone, or the cell borrowed).
                let mut future = this.future;
                let _guard = this.local.enter(this.slot).ok();
                future.set(None);
            }
        }
    }
}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// Takes the value out, dropping the future first (inside the scope) if
    /// it has not completed. `None` if it was taken already.
    ///
    /// ```
    /// runtime::task_local! { static KEY: u32; }
    /// runtime::block_on(async {
    ///     let mut fut = std::pin::pin!(KEY.scope(42, async {}));
    ///     (&mut fut).await;
    ///     assert_eq!(fut.as_mut().take_value(), Some(42));
    ///     assert_eq!(fut.as_mut().take_value(), None);
    /// });
    /// ```
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        let this = self.project();
        if this.future.is_some() {
            let mut future = this.future;
            let _guard = this.local.enter(this.slot).ok();
            future.set(None);
        }
        this.slot.take()
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    /// # Panics
    /// If the key's value is borrowed (polled inside `with` on the same
    /// key), if the thread's locals were destroyed, or if polled after it
    /// completed.
    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let mut future = this.future;
        let guard = match this.local.enter(this.slot) {
            Ok(guard) => guard,
            Err(e) => e.panic(),
        };
        let inner = match future.as_mut().as_pin_mut() {
            Some(inner) => inner,
            None => panic!("`TaskLocalFuture` polled after completion"),
        };
        let out = inner.poll(cx);
        if out.is_ready() {
            // Dropped while the value is still in scope.
            future.set(None);
        }
        drop(guard);
        out
    }
}

impl<T: fmt::Debug + 'static, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskLocalFuture").field("value", &self.slot).finish()
    }
}

/// A task-local was read outside a scope of its key (or while its thread's
/// locals were being destroyed).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AccessError {
    _private: (),
}

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessError").finish()
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt("task-local value not set", f)
    }
}

impl Error for AccessError {}
