//! `Interval`: ticks at a fixed period, with tokio's missed-tick rules.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::instant::Instant;
use super::instant::FAR_FUTURE;
use super::sleep::Sleep;

/// What an [`Interval`] does when ticks were missed (the task was busy past
/// one or more deadlines, by more than 5 ms).
///
/// With a period of 10 ms and a start `s`, ticks are due at `s`, `s+10`,
/// `s+20`, … If the tick due at `s+10` is only taken at `s+25`:
/// - `Burst` yields `s+10`, then `s+20` at once, then `s+30` on time;
/// - `Delay` yields `s+10`, then `s+35`, `s+45`, … (a period after each tick);
/// - `Skip` yields `s+10`, then `s+30`, `s+40`, … (the schedule, minus what
///   was missed).
///
/// ```
/// use runtime::time::{self, Duration, MissedTickBehavior};
/// runtime::block_on(async {
///     let mut iv = time::interval(Duration::from_millis(10));
///     iv.set_missed_tick_behavior(MissedTickBehavior::Delay);
///     assert_eq!(iv.missed_tick_behavior(), MissedTickBehavior::Delay);
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Tick as fast as possible until caught up, then keep the original
    /// schedule (the default, as in tokio).
    #[default]
    Burst,
    /// Tick once now, then one period after each tick.
    Delay,
    /// Tick once now, then at the next instant of the original schedule.
    Skip,
}

impl MissedTickBehavior {
    /// The next deadline after the tick due at `due` was taken at `now`;
    /// saturates rather than overflow.
    fn next_timeout(self, due: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => due.saturating_add(period),
            MissedTickBehavior::Delay => now.saturating_add(period),
            MissedTickBehavior::Skip => {
                let behind = (now - due).as_nanos() % period.as_nanos();
                // `behind < period`, so it fits a Duration.
                let offset = Duration::from_nanos(u64::try_from(behind).unwrap_or(u64::MAX));
                now.saturating_add(period.saturating_sub(offset))
            }
        }
    }
}

/// Yields at `start`, `start + period`, `start + 2 * period`, …. Made by
/// [`interval`](super::interval) and [`interval_at`](super::interval_at);
/// also a [`Stream`](futures_core::Stream) of the instants it ticks at.
///
/// ```
/// use runtime::time::{self, Duration, Instant};
/// // A paused clock (see `time::pause`): the minute passes at once.
/// let rt = runtime::Builder::new().start_paused(true).build()?;
/// rt.block_on(async {
///     let start = Instant::now();
///     let mut iv = time::interval(Duration::from_secs(60));
///     assert_eq!(iv.tick().await, start); // the first tick is at once
///     assert_eq!(iv.tick().await, start + Duration::from_secs(60));
///     iv.reset_after(Duration::from_secs(1));
///     assert_eq!(iv.tick().await, start + Duration::from_secs(61));
/// });
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct Interval {
    sleep: Sleep,
    period: Duration,
    missed: MissedTickBehavior,
}

impl Interval {
    #[track_caller]
    pub(crate) fn new(start: Instant, period: Duration) -> Interval {
        assert!(period > Duration::ZERO, "`interval` period must be non-zero");
        let period = period.min(FAR_FUTURE);
        Interval { sleep: Sleep::new(start), period, missed: MissedTickBehavior::default() }
    }

    /// Waits for the next tick and returns the instant it was scheduled for.
    /// The first tick completes at once.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick.
    ///
    /// # Return value
    /// - `Poll::Ready(instant)` when a tick is due: the instant it was due
    ///   at. The waker is not kept: nothing wakes the task for the next tick
    ///   until it polls again.
    /// - `Poll::Pending` until then; the waker is kept.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        if Pin::new(&mut self.sleep).poll(cx).is_pending() {
            return Poll::Pending;
        }
        let due = self.sleep.deadline();
        let now = Instant::now();
        let next = if now > due.saturating_add(Duration::from_millis(5)) {
            self.missed.next_timeout(due, now, self.period)
        } else {
            due.saturating_add(self.period)
        };
        self.sleep.reset_unregistered(next);
        Poll::Ready(due)
    }

    /// Restarts the schedule: the next tick is one period from now.
    pub fn reset(&mut self) {
        self.reset_at(Instant::now().saturating_add(self.period));
    }

    /// Restarts the schedule: the next tick is now.
    pub fn reset_immediately(&mut self) {
        self.reset_at(Instant::now());
    }

    /// Restarts the schedule: the next tick is `after` from now (saturating
    /// about 30 years ahead).
    pub fn reset_after(&mut self, after: Duration) {
        self.reset_at(Instant::now().saturating_add(after));
    }

    /// Restarts the schedule: the next tick is at `deadline`.
    pub fn reset_at(&mut self, deadline: Instant) {
        Pin::new(&mut self.sleep).reset(deadline);
    }

    /// The period between ticks (capped at about 30 years).
    pub fn period(&self) -> Duration {
        self.period
    }

    /// How missed ticks are handled.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed
    }

    /// Sets how missed ticks are handled.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed = behavior;
    }
}

impl futures_core::Stream for Interval {
    type Item = Instant;

    /// As [`Interval::poll_tick`]; the stream never ends.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Instant>> {
        self.get_mut().poll_tick(cx).map(Some)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}
