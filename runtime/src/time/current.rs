//! The current runtime's clock: [`Instant::now`], and [`pause`], [`resume`]
//! and [`advance`], which act on it through the context.

use std::time::Duration;

use super::clock::{Clock, ANY_PAUSED};
use super::instant::Instant;
use crate::context;
use std::sync::atomic::Ordering;

impl Instant {
    /// The current instant: the paused clock of the runtime current on this
    /// thread if it is paused, else the system's monotonic clock.
    ///
    /// ```
    /// use runtime::time::{self, Duration, Instant};
    /// runtime::block_on(async {
    ///     time::pause();
    ///     let start = Instant::now();
    ///     time::advance(Duration::from_secs(3600)).await;
    ///     assert_eq!(start.elapsed(), Duration::from_secs(3600));
    /// });
    /// ```
    #[inline]
    pub fn now() -> Instant {
        now()
    }

    /// Time since `self`, on the clock [`Instant::now`] reads; zero if
    /// `self` is in the future.
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(*self)
    }
}

/// `Instant::now()`: the current runtime's clock once pausing is in use.
#[inline]
fn now() -> Instant {
    if !ANY_PAUSED.load(Ordering::Acquire) {
        return Instant::from_std(std::time::Instant::now());
    }
    paused_now()
}

/// `now()` once some clock was paused: the current runtime's.
#[cold]
fn paused_now() -> Instant {
    context::try_with(|scope| scope.clock.now()).unwrap_or_else(|| Instant::from_std(std::time::Instant::now()))
}

/// Runs `op` on the current runtime's clock; panics with its error, or
/// outside a runtime.
#[track_caller]
fn with_clock(what: &str, op: impl FnOnce(&Clock) -> Result<(), &'static str>) {
    let result = context::try_with(|scope| op(&scope.clock)).unwrap_or_else(|| {
        panic!("`time::{what}` was called outside a runtime: the clock it acts on is the current runtime's")
    });
    if let Err(msg) = result {
        panic!("{msg}");
    }
}

/// Pauses the current runtime's clock: from now on [`Instant::now`] and the
/// timers see time move only by [`advance`] or, when every task is idle, by
/// jumping to the next timer's deadline. Call it from any task of the
/// runtime, or start paused with `Builder::start_paused(true)` or
/// `#[runtime::test(start_paused = true)]`.
///
/// ```
/// use runtime::time::{self, Duration, Instant};
/// runtime::block_on(async {
///     time::pause();
///     let start = Instant::now();
///     // An hour-long sleep returns at once: nothing else can run, so the
///     // clock jumps to its deadline.
///     time::sleep(Duration::from_secs(3600)).await;
///     assert_eq!(start.elapsed(), Duration::from_secs(3600));
/// });
/// ```
///
/// # Panics
/// Outside a runtime, or if the clock is already paused.
#[track_caller]
#[cfg(feature = "time")]
pub fn pause() {
    with_clock("pause", Clock::pause);
}

/// Lets the current runtime's paused clock run again, from the instant it
/// reads now (it never goes back).
///
/// # Panics
/// Outside a runtime, or if the clock is not paused.
#[track_caller]
#[cfg(feature = "time")]
pub fn resume() {
    with_clock("resume", Clock::resume);
}

/// Moves the current runtime's paused clock forward by exactly `duration`,
/// wakes the timers that are then due, and yields so that their tasks run
/// before this one goes on.
///
/// ```
/// use runtime::time::{self, Duration, Instant};
/// runtime::block_on(async {
///     time::pause();
///     let start = Instant::now();
///     time::advance(Duration::from_micros(1_500)).await;
///     assert_eq!(start.elapsed(), Duration::from_micros(1_500));
/// });
/// ```
///
/// # Panics
/// Outside a runtime, or if the clock is not paused.
#[cfg(feature = "time")]
pub async fn advance(duration: Duration) {
    with_clock("advance", |clock| clock.advance(duration));
    // Woken outside the thread-local's borrow: a waker may run any code.
    context::with(std::rc::Rc::clone).fire_timers();
    crate::task::yield_now().await;
}
