//! The synchronisation primitives of the parts other threads touch: std's,
//! or, when built with `RUSTFLAGS="--cfg loom"`, the `loom` crate's
//! model-checked stand-ins with the same API.
//!
//! Only the task state word (`task/state.rs`), the injection queue
//! (`executor/inject.rs`) and the blocking pool (`blocking.rs`) import from
//! here; a normal build gets exactly std's types. The `Arc<Shared>` a task
//! header holds stays std's, because `std::task::Wake` needs it.
//!
//! The stand-ins are used in the crate's own test build only (`loom` is a
//! dev-dependency), and there only the `loom` tests are meaningful (loom's
//! types panic outside `loom::model`), so CI runs them by that filter:
//! `RUSTFLAGS="--cfg loom" cargo test -p runtime --release --lib loom`.

#[cfg(not(all(test, loom)))]
#[allow(unused_imports)] // `thread`: the blocking pool takes it from std until its loom model is rewired
pub(crate) use std::{sync, thread};

#[cfg(all(test, loom))]
pub(crate) use self::mocked::{sync, thread};

#[cfg(all(test, loom))]
mod mocked {
    pub(crate) mod sync {
        pub(crate) use ::loom::sync::{atomic, Arc, Condvar, Mutex, MutexGuard};
    }

    pub(crate) mod thread {
        pub(crate) use ::loom::thread::Builder;
        pub(crate) use std::thread::Result;
    }
}
