//! Which error a reservation of more slots than the channel holds gives on
//! a closed channel: tokio checks the bound first (`Sender::try_reserve_many`
//! returns `Full` for `n > max_capacity()` before it looks at the semaphore),
//! so a request that could never succeed says so, closed or not. tokio's
//! own tests of the neighbouring cases are in `mpsc.rs`
//! (`try_reserve_many_on_closed_channel`, `try_reserve_many_edge_cases`, …).

use runtime::sync::mpsc::error::TrySendError;
use runtime::sync::{mpsc, Semaphore, TryAcquireError};

#[test]
fn mpsc_try_reserve_many_above_capacity_on_a_closed_channel_is_full() {
    let (tx, rx) = mpsc::channel::<usize>(4);
    drop(rx);
    assert_eq!(tx.try_reserve_many(5).unwrap_err(), TrySendError::Full(()));
    assert_eq!(tx.try_reserve_many(usize::MAX).unwrap_err(), TrySendError::Full(()));
    // Within the bound, the channel being closed comes first.
    assert_eq!(tx.try_reserve_many(4).unwrap_err(), TrySendError::Closed(()));
    assert_eq!(tx.try_reserve_many(1).unwrap_err(), TrySendError::Closed(()));
}

#[test]
fn mpsc_try_reserve_many_on_a_closed_and_full_channel_is_closed() {
    let (tx, rx) = mpsc::channel::<usize>(2);
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    drop(rx);
    assert_eq!(tx.try_reserve_many(1).unwrap_err(), TrySendError::Closed(()));
    assert_eq!(tx.try_reserve_many(3).unwrap_err(), TrySendError::Full(()));
}

#[test]
fn mpsc_reserve_many_above_capacity_on_a_closed_channel_errs_at_once() {
    crate::support::run(|| async {
        let (tx, rx) = mpsc::channel::<usize>(4);
        drop(rx);
        assert!(tx.reserve_many(5).await.is_err());
        assert!(tx.reserve_many(4).await.is_err());
    });
}

/// tokio's `Semaphore` has no bound to check: a closed semaphore says
/// `Closed` whatever the number asked for.
#[test]
fn semaphore_try_acquire_many_on_a_closed_semaphore_is_closed() {
    let sem = std::sync::Arc::new(Semaphore::new(2));
    sem.close();
    assert_eq!(sem.try_acquire_many(3).unwrap_err(), TryAcquireError::Closed);
    assert_eq!(sem.try_acquire_many(1).unwrap_err(), TryAcquireError::Closed);
    assert_eq!(sem.clone().try_acquire_many_owned(3).unwrap_err(), TryAcquireError::Closed);
}
