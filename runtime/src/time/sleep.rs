//! `Sleep`: a future that completes at a deadline.
//!
//! A `Sleep` takes no timer slot until it is first polled with its deadline
//! still ahead; then it registers in the polling runtime's `Timers` and
//! keeps the runtime's id and the key. So, unlike tokio's, a `Sleep` may be
//! made outside a runtime (it reads the clock of the runtime current where
//! it is made, or the system clock). It holds no reference to the runtime,
//! so it is `Send` and `Sync`, as timer traits of other crates ask.
//!
//! Where its runtime is not current (another thread, another runtime, or
//! none: that runtime's `block_on` returned or it was dropped):
//! - polling it in another runtime works: it moves there, and its entry in
//!   the old store is removed at that runtime's next turn (`orphans.rs`);
//! - polling it with no runtime current panics, saying so;
//! - dropping or resetting it works, sending its key back the same way.
//!
//! Wakers are cloned before the store is borrowed and dropped after, since
//! a waker's clone or drop may run code that uses the store again.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::instant::Instant;
use super::orphans;
use super::timers::{TimerKey, TimerPoll};
use crate::context;
use crate::context::Scope;

/// Completes at its deadline. Made by [`sleep`](super::sleep) and
/// [`sleep_until`](super::sleep_until).
///
/// A `Sleep` is `Send` and may be made anywhere, even outside a runtime (a
/// deliberate difference from tokio): it registers with the runtime that
/// first polls it. Away from that runtime:
/// - polled in another runtime, it works: it moves to that runtime, and its
///   entry in the first one is removed at that runtime's next turn;
/// - polled where no runtime is current (another thread, or after its
///   runtime's `block_on` returned or the runtime was dropped), it panics
///   with a message that says so;
/// - dropped or reset anywhere, it works, and leaves no entry behind.
///
/// ```
/// use runtime::time::{self, Duration, Instant};
/// runtime::block_on(async {
///     let mut sleep = std::pin::pin!(time::sleep(Duration::from_secs(3600)));
///     // Pull the deadline in: it completes at the new one.
///     sleep.as_mut().reset(Instant::now() + Duration::from_millis(1));
///     sleep.as_mut().await;
///     assert!(sleep.is_elapsed());
/// });
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    /// The deadline is `start`, or `start + after`: a `sleep(duration)`
    /// reads the clock when made (its deadline counts from the call, as
    /// tokio's) but adds the duration only when the deadline is first
    /// needed, so a timeout whose future is ready at once never pays the
    /// addition.
    start: Instant,
    after: Option<std::time::Duration>,
    /// The runtime id and timer key, once registered.
    entry: Option<(u64, TimerKey)>,
    elapsed: bool,
}

impl Sleep {
    #[inline]
    pub(crate) fn new(deadline: Instant) -> Sleep {
        Sleep { start: deadline, after: None, entry: None, elapsed: false }
    }

    /// A sleep of `duration` from now (saturating about 30 years ahead).
    #[inline]
    pub(crate) fn after(duration: std::time::Duration) -> Sleep {
        Sleep { start: Instant::now(), after: Some(duration), entry: None, elapsed: false }
    }

    /// The instant this sleep completes at.
    #[inline]
    pub fn deadline(&self) -> Instant {
        match self.after {
            None => self.start,
            Some(duration) => self.start.saturating_add(duration),
        }
    }

    /// Sets the deadline.
    fn set_deadline(&mut self, deadline: Instant) {
        (self.start, self.after) = (deadline, None);
    }

    /// Whether this sleep has completed (returned `Ready` since it was made
    /// or last reset).
    pub fn is_elapsed(&self) -> bool {
        self.elapsed
    }

    /// Moves the deadline, whether or not the sleep has completed; it will
    /// complete (again) at the new one, waking the task that last polled it.
    /// A deadline that has passed wakes that task at once, as in tokio.
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.get_mut();
        this.set_deadline(deadline);
        this.elapsed = false;
        let Some((id, key)) = this.entry.take() else {
            return;
        };
        match current() {
            Some(scope) if scope.id == id => this.entry = reset_in(&scope, key, deadline).map(|key| (id, key)),
            _ => orphans::send(id, key),
        }
    }

    /// Moves the deadline and forgets the waker: the sleep wakes nobody
    /// until polled again (what `Interval` does after a tick, as tokio's).
    pub(crate) fn reset_unregistered(&mut self, deadline: Instant) {
        self.deregister();
        self.set_deadline(deadline);
        self.elapsed = false;
    }

    /// Removes the timer from its store, or sends its key back there.
    fn deregister(&mut self) {
        let Some((id, key)) = self.entry.take() else {
            return;
        };
        // One lookup, no `Rc` clone: the removed waker leaves the closure
        // and drops after every borrow has ended.
        let removed = context::try_with(|scope| (scope.id == id).then(|| scope.timers.borrow_mut().remove(key)));
        match removed {
            Some(Some(waker)) => drop(waker),
            _ => orphans::send(id, key),
        }
    }

    /// `Future::poll`, spending the task's cooperative budget as tokio's
    /// `Sleep` does: completing costs one unit, and with none left it
    /// returns `Pending` and defers the task (woken after the reactor's
    /// next turn), elapsed or not. So a loop over elapsed timers yields.
    /// `unconstrained_if_spent`: with no budget left, poll anyway and charge
    /// nothing (`Timeout`, when its own future spent the last unit in this
    /// poll; with none left before it, the `Sleep` defers as usual).
    ///
    /// The common polls (the first, which arms the timer, and those that
    /// find it armed with the polling task's waker, or fired) take one
    /// thread-local lookup and no `Rc` clone; the first poll clones the
    /// waker before it, so no waker code runs inside the borrow. Anything
    /// else (a spent budget, another task's waker, a sleep from another
    /// runtime) goes the general way, [`Sleep::poll_slow`].
    pub(crate) fn poll_budgeted(self: Pin<&mut Self>, cx: &mut Context<'_>, unconstrained_if_spent: bool) -> Poll<()> {
        let this = self.get_mut();
        let mut fresh = if this.entry.is_none() && !this.elapsed { Some(cx.waker().clone()) } else { None };
        let fast = context::try_with(|scope| this.poll_fast(scope, cx.waker(), &mut fresh, unconstrained_if_spent));
        // Unused when the deadline had passed; dropped outside the borrow.
        drop(fresh);
        match fast {
            Some(Some(poll)) => poll,
            _ => this.poll_slow(current().as_deref(), cx, unconstrained_if_spent),
        }
    }

    /// The common cases of a poll in `scope`, the current runtime; `None`
    /// (having changed nothing) for the others. `fresh`: a clone of
    /// `waker` when the timer is not armed yet; taken if it is armed now.
    #[inline]
    fn poll_fast(
        &mut self,
        scope: &Scope,
        waker: &Waker,
        fresh: &mut Option<Waker>,
        unconstrained_if_spent: bool,
    ) -> Option<Poll<()>> {
        let charge = scope.budget.has_remaining();
        if !charge && !unconstrained_if_spent {
            return None;
        }
        if !self.elapsed {
            match self.entry {
                Some((id, key)) if id == scope.id => match scope.timers.borrow().poll(key, waker) {
                    TimerPoll::Fired => self.entry = None,
                    TimerPoll::Pending => return Some(Poll::Pending),
                    TimerPoll::NeedsWaker => return None,
                },
                Some(_) => return None,
                // Passed by the clock's last reading: no fresh one needed.
                // Otherwise armed, and found due by a later reading (never
                // early); so `sleep(ZERO)` pends once, as tokio's does.
                None => {
                    let deadline = self.deadline();
                    if deadline > scope.clock.last_known() {
                        let waker = fresh.take()?;
                        let key = scope.timers.borrow_mut().insert(deadline, waker);
                        self.entry = Some((scope.id, key));
                        return Some(Poll::Pending);
                    }
                }
            }
            self.elapsed = true;
        }
        if charge {
            let _ = scope.budget.try_charge();
        }
        Some(Poll::Ready(()))
    }

    /// A poll in any case, holding the current runtime (`scope`) outside
    /// the thread-local's borrow.
    #[cold]
    fn poll_slow(&mut self, scope: Option<&Scope>, cx: &mut Context<'_>, unconstrained_if_spent: bool) -> Poll<()> {
        let Some(scope) = scope else {
            if self.elapsed {
                return Poll::Ready(());
            }
            panic!(
                "a `Sleep` was polled outside a runtime (its runtime may have been dropped, \
                 or it was moved to another thread): {}",
                context::NO_RUNTIME
            )
        };
        let charge = scope.budget.has_remaining();
        if !charge && !unconstrained_if_spent {
            scope.defer(cx.waker());
            return Poll::Pending;
        }
        if !self.elapsed {
            std::task::ready!(self.poll_in(scope, cx));
            self.entry = None;
            self.elapsed = true;
        }
        if charge {
            let _ = scope.budget.try_charge();
        }
        Poll::Ready(())
    }

    /// One poll in `scope`, the current runtime.
    fn poll_in(&mut self, scope: &Scope, cx: &mut Context<'_>) -> Poll<()> {
        match self.entry {
            Some((id, key)) if id == scope.id => {
                let found = scope.timers.borrow().poll(key, cx.waker());
                match found {
                    TimerPoll::Fired => return Poll::Ready(()),
                    TimerPoll::Pending => return Poll::Pending,
                    TimerPoll::NeedsWaker => {
                        let waker = cx.waker().clone();
                        let old = scope.timers.borrow_mut().set_waker(key, waker);
                        drop(old);
                        return Poll::Pending;
                    }
                }
            }
            // Registered in another runtime: move here.
            Some(_) => self.deregister(),
            None => {}
        }
        let deadline = self.deadline();
        if deadline <= scope.clock.last_known() {
            return Poll::Ready(());
        }
        let waker = cx.waker().clone();
        let key = scope.timers.borrow_mut().insert(deadline, waker);
        self.entry = Some((scope.id, key));
        Poll::Pending
    }
}

/// The current runtime, held outside the thread-local's borrow: wakers
/// cloned and dropped here may run any code, entering a runtime included.
pub(crate) fn current() -> Option<Rc<Scope>> {
    context::try_with(Rc::clone)
}

/// `Sleep::reset` in its own runtime: `Some(key)` while the timer stays
/// armed, or `None` when it is gone: it fired already, or the new deadline
/// has passed, and then the timer is removed and its waker woken (after the
/// store's borrow ends), as tokio fires a timer reset into the past; the
/// next poll completes.
fn reset_in(scope: &Scope, key: TimerKey, deadline: Instant) -> Option<TimerKey> {
    if scope.clock.now() >= deadline {
        let waker = scope.timers.borrow_mut().remove(key);
        if let Some(waker) = waker {
            waker.wake();
        }
        return None;
    }
    let armed = scope.timers.borrow_mut().reset(key, deadline);
    armed.then_some(key)
}

impl Future for Sleep {
    type Output = ();

    /// # Return value
    /// - `Poll::Pending` until the deadline; the runtime keeps the waker.
    ///   Also when the task's cooperative budget is spent (see
    ///   `task::coop`): the task is then woken after the reactor's next turn.
    /// - `Poll::Ready(())` once the deadline has passed (and on every poll
    ///   after); each spends one unit of the task's budget, as in tokio.
    ///
    /// # Panics
    /// Outside a runtime.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_budgeted(cx, false)
    }
}

impl futures_core::FusedFuture for Sleep {
    /// True once the sleep has completed (until it is reset).
    fn is_terminated(&self) -> bool {
        self.elapsed
    }
}

impl Drop for Sleep {
    #[inline]
    fn drop(&mut self) {
        // Most timeouts' futures finish before a first `Pending`: nothing
        // was armed, so nothing to call.
        if self.entry.is_some() {
            self.deregister();
        }
    }
}
