//! A stand-in for `tokio_test::task` and its assertion macros, so tokio's
//! own tests port with every assertion kept: [`spawn`] wraps a future in a
//! mock task whose waker records whether it was woken.

use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// A future under test, polled by hand with a recording waker.
pub struct Spawn<T> {
    waker: Arc<MockWaker>,
    future: Pin<Box<T>>,
}

#[derive(Default)]
struct MockWaker {
    woken: AtomicBool,
}

impl Wake for MockWaker {
    fn wake(self: Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
    }
}

/// Wraps `task` in a mock task.
pub fn spawn<T>(task: T) -> Spawn<T> {
    Spawn { waker: Arc::new(MockWaker::default()), future: Box::pin(task) }
}

impl<T> Spawn<T> {
    /// Whether the task was woken since it was last polled.
    pub fn is_woken(&self) -> bool {
        self.waker.woken.load(Ordering::SeqCst)
    }

    /// How many references to the task's waker exist, its own included.
    pub fn waker_ref_count(&self) -> usize {
        Arc::strong_count(&self.waker)
    }

    /// Runs `f` with the task's context and the pinned future, clearing the
    /// woken flag first.
    pub fn enter<F, R>(&mut self, f: F) -> R
    where
        F: FnOnce(&mut Context<'_>, Pin<&mut T>) -> R,
    {
        self.waker.woken.store(false, Ordering::SeqCst);
        let waker = Waker::from(self.waker.clone());
        let mut cx = Context::from_waker(&waker);
        f(&mut cx, self.future.as_mut())
    }

    /// The future back.
    pub fn into_inner(self) -> T
    where
        T: Unpin,
    {
        *Pin::into_inner(self.future)
    }
}

impl<T: Future> Spawn<T> {
    /// Polls the future once with the mock task's waker.
    pub fn poll(&mut self) -> Poll<T::Output> {
        self.enter(|cx, f| f.poll(cx))
    }
}

impl<T: futures::Stream> Spawn<T> {
    /// Polls the stream once with the mock task's waker.
    pub fn poll_next(&mut self) -> Poll<Option<T::Item>> {
        self.enter(|cx, s| s.poll_next(cx))
    }
}

impl<T: Unpin> Deref for Spawn<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.future
    }
}

impl<T: Unpin> DerefMut for Spawn<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.future
    }
}

/// Asserts `Poll::Pending`.
#[macro_export]
macro_rules! assert_pending {
    ($e:expr) => {{
        match $e {
            std::task::Poll::Pending => {}
            std::task::Poll::Ready(v) => panic!("ready; value = {:?}", v),
        }
    }};
    ($e:expr, $($msg:tt)+) => {{
        match $e {
            std::task::Poll::Pending => {}
            std::task::Poll::Ready(v) => panic!("ready; value = {:?}; {}", v, format_args!($($msg)+)),
        }
    }};
}

/// Asserts `Poll::Ready(v)` and evaluates to `v`.
#[macro_export]
macro_rules! assert_ready {
    ($e:expr) => {{
        match $e {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("pending"),
        }
    }};
    ($e:expr, $($msg:tt)+) => {{
        match $e {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("pending; {}", format_args!($($msg)+)),
        }
    }};
}

/// Asserts `Poll::Ready(Ok(v))` and evaluates to `v`.
#[macro_export]
macro_rules! assert_ready_ok {
    ($e:expr) => {{
        $crate::assert_ok!($crate::assert_ready!($e))
    }};
    ($e:expr, $($msg:tt)+) => {{
        $crate::assert_ok!($crate::assert_ready!($e, $($msg)+), $($msg)+)
    }};
}

/// Asserts `Poll::Ready(Err(e))` and evaluates to `e`.
#[macro_export]
macro_rules! assert_ready_err {
    ($e:expr) => {{
        $crate::assert_err!($crate::assert_ready!($e))
    }};
    ($e:expr, $($msg:tt)+) => {{
        $crate::assert_err!($crate::assert_ready!($e, $($msg)+), $($msg)+)
    }};
}

/// Asserts `Poll::Ready(v)` with `v == expected`.
#[macro_export]
macro_rules! assert_ready_eq {
    ($e:expr, $expect:expr) => {
        let val = $crate::assert_ready!($e);
        assert_eq!(val, $expect)
    };
}

/// Asserts `Ok(v)` and evaluates to `v`.
#[macro_export]
macro_rules! assert_ok {
    ($e:expr) => {{
        match $e {
            Ok(v) => v,
            Err(e) => panic!("assertion failed: Err({:?})", e),
        }
    }};
    ($e:expr, $($msg:tt)+) => {{
        match $e {
            Ok(v) => v,
            Err(e) => panic!("assertion failed: Err({:?}): {}", e, format_args!($($msg)+)),
        }
    }};
}

/// Asserts `Err(e)` and evaluates to `e`.
#[macro_export]
macro_rules! assert_err {
    ($e:expr) => {{
        match $e {
            Ok(v) => panic!("assertion failed: Ok({:?})", v),
            Err(e) => e,
        }
    }};
    ($e:expr, $($msg:tt)+) => {{
        match $e {
            Ok(v) => panic!("assertion failed: Ok({:?}): {}", v, format_args!($($msg)+)),
            Err(e) => e,
        }
    }};
}
