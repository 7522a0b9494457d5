//! The synchronisation primitives of the parts other threads touch: std's,
//! or, when built with `RUSTFLAGS="--cfg loom"`, the `loom` crate's
//! model-checked stand-ins with the same API.
//!
//! Only the task state word (`task/state.rs`), the injection queue
//! (`shared.rs`) and the blocking pool (`blocking/`) import from here; a
//! normal build gets exactly std's types. The `Arc`s that hold a `Shared`
//! (a task header's `Arc<dyn Schedule>`, the `block_on` future's waker)
//! stay std's: `std::task::Wake` and the coercion to `dyn Schedule` need
//! std's `Arc`.
//!
//! The stand-ins are used in the crate's own test build only (`loom` is a
//! dev-dependency), and there only the `loom` tests are meaningful (loom's
//! types panic outside `loom::model`), so CI runs them by that filter:
//! `RUSTFLAGS="--cfg loom" cargo test -p runtime --release --lib loom`.
//!
//! Where loom 0.7 differs from std in what the pool uses:
//! - `Condvar::wait_timeout` never times out under loom, so a model's
//!   helper threads leave only at shutdown (the keep-alive exit is covered
//!   by the ordinary tests, not by the models);
//! - loom's `JoinHandle` has no `is_finished`; [`mocked::thread`] wraps it
//!   with a flag the thread sets as its body returns (or unwinds), which is
//!   when std's turns true.

#[cfg(not(all(test, loom)))]
pub(crate) use std::{sync, thread};

#[cfg(all(test, loom))]
pub(crate) use self::mocked::{sync, thread};

#[cfg(all(test, loom))]
mod mocked {
    pub(crate) mod sync {
        pub(crate) use ::loom::sync::{atomic, Arc, Condvar, Mutex, MutexGuard};
        pub(crate) use std::sync::PoisonError;
    }

    pub(crate) mod thread {
        use std::io;

        use ::loom::sync::atomic::{AtomicBool, Ordering::*};
        use ::loom::sync::Arc;

        pub(crate) use std::thread::Result;

        /// `std::thread::Builder` over loom's, whose handles know when their thread is done.
        #[derive(Debug)]
        pub(crate) struct Builder(::loom::thread::Builder);

        impl Builder {
            pub(crate) fn new() -> Builder {
                Builder(::loom::thread::Builder::new())
            }

            pub(crate) fn name(self, name: String) -> Builder {
                Builder(self.0.name(name))
            }

            pub(crate) fn spawn<F, T>(self, f: F) -> io::Result<JoinHandle<T>>
            where
                F: FnOnce() -> T + Send + 'static,
                T: Send + 'static,
            {
                let finished = Arc::new(AtomicBool::new(false));
                let done = SetOnDrop(finished.clone());
                let inner = self.0.spawn(move || {
                    let _done = done;
                    f()
                })?;
                Ok(JoinHandle { inner, finished })
            }
        }

        /// Sets its flag when dropped: when the thread's body has returned or unwound.
        struct SetOnDrop(Arc<AtomicBool>);

        impl Drop for SetOnDrop {
            fn drop(&mut self) {
                self.0.store(true, Release);
            }
        }

        /// `std::thread::JoinHandle` over loom's, with `is_finished`.
        #[derive(Debug)]
        pub(crate) struct JoinHandle<T> {
            inner: ::loom::thread::JoinHandle<T>,
            finished: Arc<AtomicBool>,
        }

        impl<T> JoinHandle<T> {
            pub(crate) fn is_finished(&self) -> bool {
                self.finished.load(Acquire)
            }

            pub(crate) fn join(self) -> Result<T> {
                self.inner.join()
            }
        }
    }
}
