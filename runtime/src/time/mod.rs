//! Timers: `sleep`, `sleep_until`, `timeout`, `interval`, and a clock tests
//! can pause.
//!
//! Deadlines live in the runtime's `Timers` store; the executor folds the
//! earliest one into the driver's wait timeout and fires expired ones after
//! each turn of the reactor; a timer never fires before its deadline. With
//! epoll the wait has nanosecond resolution (`epoll_pwait2`, with the
//! runtime thread's timer slack lowered to 1 µs), falling back to
//! milliseconds rounded up on kernels before 5.11; kqueue takes nanoseconds.
//!
//! Every deadline the runtime computes (`sleep`, `timeout`, `Interval`'s
//! next tick and resets) saturates about 30 years ahead instead of
//! overflowing, so `sleep(Duration::MAX)` is a sleep that does not end.
//!
//! # Paused time
//!
//! [`pause`] (or `Builder::start_paused(true)`, or
//! `#[runtime::test(start_paused = true)]`) stops the runtime's clock, as
//! tokio's `test-util` does: [`Instant::now`] stands still, [`advance`]
//! moves it by exactly the duration given, and whenever no task can run and
//! no I/O is ready the clock jumps to the next timer's deadline. So a test
//! of an hour-long timeout runs in microseconds, and deterministically:
//!
//! ```
//! use runtime::time::{self, Duration, Instant};
//! let rt = runtime::Builder::new().start_paused(true).build()?;
//! rt.block_on(async {
//!     let start = Instant::now();
//!     let slow = time::sleep(Duration::from_secs(7200));
//!     assert!(time::timeout(Duration::from_secs(3600), slow).await.is_err());
//!     assert_eq!(start.elapsed(), Duration::from_secs(3600));
//! });
//! # std::io::Result::Ok(())
//! ```
//!
//! The clock jumps only when the executor would otherwise block: the
//! reactor is first polled without waiting, and any task it wakes runs
//! before time moves. While a `spawn_blocking` job is outstanding the clock
//! does not jump at all (the job's result may be what a task waits for),
//! as in tokio.
//!
//! # Differences from tokio
//!
//! A [`Sleep`] may be made outside a runtime: it registers with the runtime
//! that first polls it. Polled later in another runtime, it moves there;
//! polled where no runtime is current, it panics saying so (see [`Sleep`]).

// What only `time`'s futures use in the store and the clock.
#[cfg_attr(not(feature = "time"), allow(dead_code))]
pub(crate) mod clock;
#[cfg_attr(not(feature = "time"), allow(dead_code))]
mod current;
pub(crate) mod instant;
#[cfg(feature = "time")]
mod interval;
#[cfg_attr(not(feature = "time"), allow(dead_code))]
mod orphans;
#[cfg(feature = "time")]
mod sleep;
#[cfg(feature = "time")]
mod timeout;
#[cfg_attr(not(feature = "time"), allow(dead_code))]
pub(crate) mod timers;

#[cfg(feature = "time")]
use std::future::Future;

pub(crate) use clock::AutoAdvanceInhibit;
#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
pub use current::{advance, pause, resume};
pub use instant::Instant;
#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
pub use interval::{Interval, MissedTickBehavior};
#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
pub use sleep::Sleep;
pub use std::time::Duration;
#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
pub use timeout::{Elapsed, Timeout};

#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
/// Completes after `duration` (saturating about 30 years ahead).
///
/// ```
/// use runtime::time::{Duration, Instant};
/// runtime::block_on(async {
///     let start = Instant::now();
///     runtime::time::sleep(Duration::from_millis(5)).await;
///     assert!(start.elapsed() >= Duration::from_millis(5));
/// });
/// ```
#[inline]
pub fn sleep(duration: Duration) -> Sleep {
    Sleep::after(duration)
}

#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
/// Completes at `deadline` (at once if it has passed).
///
/// ```
/// use runtime::time::{sleep_until, Duration, Instant};
/// runtime::block_on(async {
///     let deadline = Instant::now() + Duration::from_millis(2);
///     sleep_until(deadline).await;
///     assert!(Instant::now() >= deadline);
/// });
/// ```
#[inline]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new(deadline)
}

#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
/// Runs `future` for at most `duration`.
///
/// ```
/// use runtime::time::{sleep, timeout, Duration};
/// runtime::block_on(async {
///     assert_eq!(timeout(Duration::from_secs(5), async { 1 }).await, Ok(1));
///     assert!(timeout(Duration::from_millis(1), sleep(Duration::from_secs(60))).await.is_err());
/// });
/// ```
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout::new(future, sleep(duration))
}

#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
/// Runs `future` until `deadline` at most.
///
/// ```
/// use runtime::time::{timeout_at, Duration, Instant};
/// runtime::block_on(async {
///     let deadline = Instant::now() + Duration::from_secs(5);
///     assert_eq!(timeout_at(deadline, async { "in time" }).await, Ok("in time"));
/// });
/// ```
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Timeout::new(future, sleep_until(deadline))
}

#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
/// Ticks now and then every `period` (capped at about 30 years).
///
/// ```
/// use runtime::time::{interval, Duration};
/// runtime::block_on(async {
///     let mut iv = interval(Duration::from_millis(1));
///     let first = iv.tick().await;
///     assert_eq!(iv.tick().await - first, Duration::from_millis(1));
/// });
/// ```
///
/// # Panics
/// If `period` is zero (the panic names the caller's line).
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    Interval::new(Instant::now(), period)
}

#[cfg(feature = "time")]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
/// Ticks at `start` and then every `period`.
///
/// # Panics
/// If `period` is zero (the panic names the caller's line).
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    Interval::new(start, period)
}
