//! `Interval`: ticks at a fixed period.

use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use super::sleep::Sleep;
use std::future::Future;

/// What an [`Interval`] does when ticks were missed (the task was busy past
/// one or more deadlines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Tick as fast as possible until caught up, then keep the original
    /// schedule (the default, as in tokio).
    #[default]
    Burst,
    /// Tick once now, then one period after each tick.
    Delay,
    /// Tick once now, then on the next multiple of the period from the start.
    Skip,
}

/// Yields at `start`, `start + period`, `start + 2 * period`, …. Made by
/// [`interval`](super::interval) and [`interval_at`](super::interval_at).
#[derive(Debug)]
pub struct Interval {
    sleep: Sleep,
    period: Duration,
    missed: MissedTickBehavior,
}

impl Interval {
    pub(crate) fn new(start: Instant, period: Duration) -> Interval {
        assert!(period > Duration::ZERO, "`interval` period must be non-zero");
        Interval { sleep: Sleep::new(start), period, missed: MissedTickBehavior::default() }
    }

    /// Waits for the next tick and returns the instant it was scheduled for.
    /// The first tick completes at once.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// # Return value
    /// - `Poll::Ready(instant)` when a tick is due: the instant it was due at.
    /// - `Poll::Pending` until then; the waker is kept.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        if Pin::new(&mut self.sleep).poll(cx).is_pending() {
            return Poll::Pending;
        }
        let due = self.sleep.deadline();
        let now = Instant::now();
        let next = match self.missed {
            MissedTickBehavior::Burst => due + self.period,
            MissedTickBehavior::Delay => now + self.period,
            MissedTickBehavior::Skip => {
                let behind = now.saturating_duration_since(due).as_nanos() / self.period.as_nanos();
                due + self.period * (behind as u32 + 1)
            }
        };
        self.sleep.reset(next);
        Poll::Ready(due)
    }

    /// Restarts the schedule: the next tick is one period from now.
    pub fn reset(&mut self) {
        self.sleep.reset(Instant::now() + self.period);
    }

    /// The period between ticks.
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
