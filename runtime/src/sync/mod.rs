//! Synchronisation for tasks on one thread: channels, `Notify`, a
//! `Semaphore`, async locks and once-cells, with tokio's names and behaviour.
//!
//! - [`oneshot`]: one value, from one task to another.
//! - [`mpsc`]: many senders, one receiver; bounded (senders wait for room)
//!   or unbounded.
//! - [`broadcast`]: many senders, many receivers, each sees every value;
//!   a send never waits (a slow receiver lags and is told so).
//! - [`watch`]: one value that changes; receivers see the latest.
//! - [`Notify`]: wake one or all waiting tasks.
//! - [`Semaphore`]: a count of permits, handed out first come, first served.
//! - [`Mutex`]: a lock whose guard may be held across `.await`.
//! - [`RwLock`]: many readers or one writer, fair (a waiting writer holds
//!   back later readers).
//! - [`Barrier`]: `n` tasks wait until all of them have arrived.
//! - [`OnceCell`]: a value set once, by an async initialiser that runs once.
//! - [`SetOnce`]: a value set once, that tasks wait for.
//!
//! Everything here is built from `Rc`, `RefCell` and `Cell`: no atomics and
//! no locks, so these types are for tasks of one runtime thread (the shared
//! ones are `!Send`). Waiting futures are cancellation safe as tokio
//! documents: dropping a `recv`, `acquire`, `lock`, `read`, `write` or
//! `notified` future loses no message or permit, and a wake-up it had been
//! given passes to the next waiter. No waker is woken and no user value
//! dropped while an internal `RefCell` is borrowed.
//!
//! Between threads, use `async-channel` (or `async-lock`, `event-listener`),
//! whose types are `Send` and work on this runtime as on any other.
//!
//! ```
//! use runtime::sync::mpsc;
//!
//! runtime::block_on(async {
//!     let (tx, mut rx) = mpsc::channel(8);
//!     runtime::spawn(async move {
//!         for i in 0..3 {
//!             tx.send(i).await.unwrap();
//!         }
//!     });
//!     let mut got = Vec::new();
//!     while let Some(i) = rx.recv().await {
//!         got.push(i);
//!     }
//!     assert_eq!(got, [0, 1, 2]);
//! });
//! ```

use std::error::Error;
use std::fmt;

mod barrier;
mod batch;
pub mod broadcast;
pub mod mpsc;
#[allow(unsafe_code)]
mod mutex;
mod notify;
mod once_cell;
pub mod oneshot;
#[allow(unsafe_code)]
mod rwlock;
mod semaphore;
mod set_once;
mod wait_list;
pub mod watch;

pub use barrier::{Barrier, BarrierWaitResult};
pub use mutex::{MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard};
pub use notify::{Notified, Notify, OwnedNotified};
pub use once_cell::{OnceCell, SetError};
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock, RwLockMappedWriteGuard,
    RwLockReadGuard, RwLockWriteGuard,
};
pub use semaphore::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};
pub use set_once::{SetOnce, SetOnceError};

/// A [`Semaphore`] was closed while (or before) waiting for permits.
#[derive(Debug)]
pub struct AcquireError(pub(crate) ());

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore closed")
    }
}

impl Error for AcquireError {}

/// Why a `try_acquire*` on a [`Semaphore`] failed.
#[derive(Debug, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore was closed.
    Closed,
    /// Not enough permits are free.
    NoPermits,
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryAcquireError::Closed => "semaphore closed",
            TryAcquireError::NoPermits => "no permits available",
        })
    }
}

impl Error for TryAcquireError {}

/// [`Mutex::try_lock`] (or an [`RwLock`]'s `try_read`/`try_write`) found the lock held.
#[derive(Debug)]
pub struct TryLockError(pub(crate) ());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation would block")
    }
}

impl Error for TryLockError {}
