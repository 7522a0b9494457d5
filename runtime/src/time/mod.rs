//! Timers: `sleep`, `sleep_until`, `timeout`, `interval`.
//!
//! Deadlines live in the runtime's `Timers` store; the executor folds the
//! earliest one into the driver's wait timeout and fires expired ones after
//! each turn of the reactor; a timer never fires before its deadline. With
//! epoll the wait has nanosecond resolution (`epoll_pwait2`, with the
//! runtime thread's timer slack lowered to 1 µs), falling back to
//! milliseconds rounded up on kernels before 5.11; kqueue takes nanoseconds.

mod interval;
mod sleep;
mod timeout;
mod timers;

use std::future::Future;
use std::time::Duration;

pub use interval::{Interval, MissedTickBehavior};
pub use sleep::Sleep;
pub use std::time::Instant;
pub use timeout::{Elapsed, Timeout};
pub(crate) use timers::Timers;

use sleep::deadline_after;

/// Completes after `duration`.
///
/// ```
/// use std::time::{Duration, Instant};
/// runtime::block_on(async {
///     let start = Instant::now();
///     runtime::time::sleep(Duration::from_millis(5)).await;
///     assert!(start.elapsed() >= Duration::from_millis(5));
/// });
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    Sleep::new(deadline_after(duration))
}

/// Completes at `deadline` (at once if it has passed).
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new(deadline)
}

/// Runs `future` for at most `duration`.
///
/// ```
/// use std::time::Duration;
/// use runtime::time::{sleep, timeout};
/// runtime::block_on(async {
///     assert_eq!(timeout(Duration::from_secs(5), async { 1 }).await, Ok(1));
///     assert!(timeout(Duration::from_millis(1), sleep(Duration::from_secs(60))).await.is_err());
/// });
/// ```
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout::new(future, sleep(duration))
}

/// Runs `future` until `deadline` at most.
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Timeout::new(future, sleep_until(deadline))
}

/// Ticks now and then every `period`.
///
/// # Panics
/// If `period` is zero.
pub fn interval(period: Duration) -> Interval {
    Interval::new(Instant::now(), period)
}

/// Ticks at `start` and then every `period`.
///
/// # Panics
/// If `period` is zero.
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    Interval::new(start, period)
}
