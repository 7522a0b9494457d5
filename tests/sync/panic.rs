//! Ported from tokio 1.54 `tests/sync_panic.rs` (MIT), the tests that apply
//! (the others are of `blocking_*`, `broadcast` and `RwLock`): a misuse panic
//! points at the caller's line (`#[track_caller]`). Each runs alone in a child
//! process, since the panic hook it sets is global.

use std::error::Error;
use std::sync::Arc;

use runtime::sync::{mpsc, Semaphore};

use crate::support::{isolated, test_panic};

#[test]
fn mpsc_bounded_channel_panic_caller() -> Result<(), Box<dyn Error>> {
    isolated("panic::mpsc_bounded_channel_panic_caller", || {
        let panic_location_file = test_panic(|| {
            let (_, _) = mpsc::channel::<u8>(0);
        });

        // The panic location should be in this file
        assert_eq!(&panic_location_file.unwrap(), file!());
    });
    Ok(())
}

#[test]
#[allow(clippy::arc_with_non_send_sync)]
fn semaphore_merge_unrelated_owned_permits() -> Result<(), Box<dyn Error>> {
    isolated("panic::semaphore_merge_unrelated_owned_permits", || {
        let panic_location_file = test_panic(|| {
            let sem1 = Arc::new(Semaphore::new(42));
            let sem2 = Arc::new(Semaphore::new(42));
            let mut p1 = sem1.try_acquire_owned().unwrap();
            let p2 = sem2.try_acquire_owned().unwrap();
            p1.merge(p2);
        });

        // The panic location should be in this file
        assert_eq!(&panic_location_file.unwrap(), file!());
    });
    Ok(())
}

#[test]
fn semaphore_merge_unrelated_permits() -> Result<(), Box<dyn Error>> {
    isolated("panic::semaphore_merge_unrelated_permits", || {
        let panic_location_file = test_panic(|| {
            let sem1 = Semaphore::new(42);
            let sem2 = Semaphore::new(42);
            let mut p1 = sem1.try_acquire().unwrap();
            let p2 = sem2.try_acquire().unwrap();
            p1.merge(p2);
        });

        // The panic location should be in this file
        assert_eq!(&panic_location_file.unwrap(), file!());
    });
    Ok(())
}

// Beyond tokio's file: the other misuse panics of `Semaphore`.
#[test]
fn semaphore_new_and_add_permits_panic_caller() {
    isolated("panic::semaphore_new_and_add_permits_panic_caller", || {
        let file = test_panic(|| {
            let _ = Semaphore::new(Semaphore::MAX_PERMITS + 1);
        });
        assert_eq!(&file.unwrap(), file!());
        let file = test_panic(|| Semaphore::new(Semaphore::MAX_PERMITS).add_permits(1));
        assert_eq!(&file.unwrap(), file!());
    });
}
