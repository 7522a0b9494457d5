//! What the ported tokio timer tests need of `tokio_test`: a mock task that
//! polls a future by hand and records wakes, and the assertion macros.

use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use runtime::time::Duration;

use crate::support::run_with;

/// Runs `make`'s future on a runtime whose clock starts paused, bounded as
/// `support::run` is.
pub fn paused<F, Fut>(make: F) -> Fut::Output
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future,
    Fut::Output: Send + 'static,
{
    let builder = runtime::Builder::new().unhandled_panic(runtime::UnhandledPanic::ShutdownRuntime);
    run_with(builder.start_paused(true), make)
}

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A future polled by hand with its own waker (tokio_test's `task::spawn`).
pub fn spawn<T>(future: T) -> Spawn<T> {
    Spawn { future: Box::pin(future), woken: Arc::new(Woken(AtomicBool::new(false))) }
}

pub struct Spawn<T> {
    future: Pin<Box<T>>,
    woken: Arc<Woken>,
}

struct Woken(AtomicBool);

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl<T> Spawn<T> {
    /// Whether the waker was woken since the last poll.
    pub fn is_woken(&self) -> bool {
        self.woken.0.load(Ordering::SeqCst)
    }

    /// Runs `f` with this task's context and the pinned value.
    pub fn enter<R>(&mut self, f: impl FnOnce(&mut Context<'_>, Pin<&mut T>) -> R) -> R {
        self.woken.0.store(false, Ordering::SeqCst);
        let waker = Waker::from(self.woken.clone());
        let mut cx = Context::from_waker(&waker);
        f(&mut cx, self.future.as_mut())
    }

    pub fn into_inner(self) -> T
    where
        T: Unpin,
    {
        *Pin::into_inner(self.future)
    }
}

impl<T: Future> Spawn<T> {
    pub fn poll(&mut self) -> Poll<T::Output> {
        self.enter(|cx, future| future.poll(cx))
    }
}

impl<T> Deref for Spawn<T> {
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

#[macro_export]
macro_rules! assert_pending {
    ($e:expr) => {
        match $e {
            std::task::Poll::Pending => {}
            std::task::Poll::Ready(v) => panic!("ready; value = {:?}", v),
        }
    };
}

#[macro_export]
macro_rules! assert_ready {
    ($e:expr) => {
        match $e {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("pending"),
        }
    };
}

#[macro_export]
macro_rules! assert_ready_eq {
    ($e:expr, $expect:expr) => {
        assert_eq!($crate::assert_ready!($e), $expect)
    };
}

#[macro_export]
macro_rules! assert_ready_ok {
    ($e:expr) => {
        match $crate::assert_ready!($e) {
            Ok(v) => v,
            Err(e) => panic!("error = {:?}", e),
        }
    };
}

#[macro_export]
macro_rules! assert_ready_err {
    ($e:expr) => {
        match $crate::assert_ready!($e) {
            Ok(v) => panic!("ok = {:?}", v),
            Err(e) => e,
        }
    };
}

/// tokio_test's: `now.elapsed()` is `dur`, allowing 1 ms of rounding.
#[macro_export]
macro_rules! assert_elapsed {
    ($now:expr, $dur:expr) => {{
        let elapsed = $now.elapsed();
        let lower: std::time::Duration = $dur;
        assert!(
            elapsed >= lower && elapsed <= lower + std::time::Duration::from_millis(1),
            "actual = {:?}, expected = {:?}",
            elapsed,
            lower
        );
    }};
}
