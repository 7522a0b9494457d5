//! `Sleep`: a future that completes at a deadline.
//!
//! A `Sleep` takes no timer slot until it is first polled with its deadline
//! still ahead; then it registers in the polling runtime's `Timers` and
//! keeps the key. Dropping it removes the entry, so abandoned timeouts cost
//! nothing. It holds no reference to the runtime (only its id), so it is
//! `Send` and `Sync`, as timer traits of other crates ask.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use super::timers::TimerKey;
use crate::context;

/// Completes at its deadline. Made by [`sleep`](super::sleep) and
/// [`sleep_until`](super::sleep_until).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    deadline: Instant,
    /// The runtime id and timer key, once registered.
    entry: Option<(u64, TimerKey)>,
    elapsed: bool,
}

impl Sleep {
    pub(crate) fn new(deadline: Instant) -> Sleep {
        Sleep { deadline, entry: None, elapsed: false }
    }

    /// The instant this sleep completes at.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether this sleep has completed.
    pub fn is_elapsed(&self) -> bool {
        self.elapsed
    }

    /// Moves the deadline, whether or not the sleep has completed; it will
    /// complete (again) at the new one.
    pub fn reset(&mut self, deadline: Instant) {
        self.deadline = deadline;
        self.elapsed = false;
        let Some((id, key)) = self.entry.take() else {
            return;
        };
        self.entry =
            context::try_with(|core| (core.id == id).then(|| core.timers.borrow_mut().reset(key, deadline)).flatten())
                .flatten()
                .map(|key| (id, key));
    }
}

impl Future for Sleep {
    type Output = ();

    /// # Return value
    /// - `Poll::Pending` until the deadline; the runtime keeps the waker.
    /// - `Poll::Ready(())` once the deadline has passed (and on every poll after).
    ///
    /// # Panics
    /// Outside a runtime.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.elapsed {
            return Poll::Ready(());
        }
        let this = &mut *self;
        let ready = context::with(|core| {
            let mut timers = core.timers.borrow_mut();
            match this.entry {
                Some((id, key)) if id == core.id => {
                    let ready = timers.poll(key, cx).is_ready();
                    if ready {
                        timers.remove(key);
                    }
                    ready
                }
                _ if Instant::now() >= this.deadline => true,
                _ => {
                    this.entry = Some((core.id, timers.insert(this.deadline, cx.waker())));
                    false
                }
            }
        });
        if ready {
            this.entry = None;
            this.elapsed = true;
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some((id, key)) = self.entry.take() {
            context::try_with(|core| {
                if core.id == id {
                    core.timers.borrow_mut().remove(key);
                }
            });
        }
    }
}

/// `now + duration`, or a point decades ahead if that overflows.
pub(crate) fn deadline_after(duration: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(duration).unwrap_or_else(|| now + Duration::from_secs(86400 * 365 * 30))
}
