//! Ported from tokio 1.54 `tests/time_panic.rs` (MIT), the tests that apply:
//! a misuse panic of `time` points at the caller's line (`#[track_caller]`).
//! tokio runs each on three runtime flavors; here there is one. Not ported:
//! `timeout_panic_caller` and `timeout_at_panic_caller`, whose panic comes
//! from a runtime built without the time driver; here every runtime has
//! timers and `timeout` never panics. Each test runs alone in a child
//! process, since the panic hook it sets is global.

use std::error::Error;

use runtime::time::{self, interval, interval_at, Duration, Instant};

use crate::support::{isolated, test_panic};

fn current_thread() -> runtime::Runtime {
    runtime::Builder::new().build().unwrap()
}

#[test]
fn pause_panic_caller() -> Result<(), Box<dyn Error>> {
    isolated("time_panic::pause_panic_caller", || {
        let panic_location_file = test_panic(|| {
            let rt = current_thread();
            rt.block_on(async {
                time::pause();
                time::pause();
            });
        });

        // The panic location should be in this file
        assert_eq!(&panic_location_file.unwrap(), file!());
    });
    Ok(())
}

#[test]
fn resume_panic_caller() -> Result<(), Box<dyn Error>> {
    isolated("time_panic::resume_panic_caller", || {
        let panic_location_file = test_panic(|| {
            let rt = current_thread();

            rt.block_on(async {
                time::resume();
            });
        });

        // The panic location should be in this file
        assert_eq!(&panic_location_file.unwrap(), file!());
    });
    Ok(())
}

#[test]
fn interval_panic_caller() -> Result<(), Box<dyn Error>> {
    isolated("time_panic::interval_panic_caller", || {
        let panic_location_file = test_panic(|| {
            let _ = interval(Duration::from_millis(0));
        });

        // The panic location should be in this file
        assert_eq!(&panic_location_file.unwrap(), file!());
    });
    Ok(())
}

#[test]
fn interval_at_panic_caller() -> Result<(), Box<dyn Error>> {
    isolated("time_panic::interval_at_panic_caller", || {
        let panic_location_file = test_panic(|| {
            let _ = interval_at(Instant::now(), Duration::from_millis(0));
        });

        // The panic location should be in this file
        assert_eq!(&panic_location_file.unwrap(), file!());
    });
    Ok(())
}
