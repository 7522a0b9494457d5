//! `Notify`: wakes tasks that wait for an event, with tokio's semantics.
//!
//! - `notify_one` wakes the longest-waiting task, or, if none waits, stores
//!   one permit that the next `notified().await` takes at once.
//! - `notify_last` is the same, but wakes the most recent waiter.
//! - `notify_waiters` wakes every waiter, and every `Notified` future that
//!   exists (even unpolled), and stores no permit: a future remembers how
//!   many `notify_waiters` calls had happened when it was created.
//! - A `Notified` dropped after a `notify_one`/`notify_last` chose it, but
//!   before it returned `Ready`, passes the notification on.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::wait_list::{WaitList, WakeList};

/// Wakes tasks waiting on it; holds at most one stored permit.
///
/// ```
/// use std::rc::Rc;
/// use runtime::sync::Notify;
///
/// runtime::block_on(async {
///     let notify = Rc::new(Notify::new());
///     let n = notify.clone();
///     let waiter = runtime::spawn(async move {
///         n.notified().await;
///         "woken"
///     });
///     runtime::task::yield_now().await;
///     notify.notify_one();
///     assert_eq!(waiter.await.unwrap(), "woken");
/// });
/// ```
///
/// For notifications between threads, use `event-listener` or tokio's `Notify`.
pub struct Notify {
    inner: RefCell<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// A `notify_one`/`notify_last` found no waiter.
    permit: bool,
    /// How many times `notify_waiters` was called.
    calls: usize,
    /// `None` while queued, then how the waiter was notified.
    waiters: WaitList<Option<Kind>>,
}

/// How a waiter was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    First,
    Last,
    All,
}

/// The future of [`Notify::notified`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Notified<'a> {
    notify: &'a Notify,
    state: State,
}

/// The future of [`Notify::notified_owned`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct OwnedNotified {
    notify: Arc<Notify>,
    state: State,
}

#[derive(Debug, Clone, Copy)]
enum State {
    /// Not registered yet; `notify_waiters` had been called this many times.
    Init(usize),
    Waiting(usize),
    Done,
}

impl Notify {
    /// A `Notify` with no permit stored.
    pub fn new() -> Notify {
        Notify::const_new()
    }

    /// As [`new`](Self::new), in a `const` context.
    pub const fn const_new() -> Notify {
        Notify { inner: RefCell::new(Inner { permit: false, calls: 0, waiters: WaitList::new() }) }
    }

    /// A future that completes when this is notified. It counts as waiting
    /// for [`notify_waiters`](Self::notify_waiters) from the moment it is
    /// created, and for `notify_one` once polled or
    /// [`enable`](Notified::enable)d.
    pub fn notified(&self) -> Notified<'_> {
        Notified { notify: self, state: State::Init(self.inner.borrow().calls) }
    }

    /// [`notified`](Self::notified) for a `Notify` in an `Arc`.
    pub fn notified_owned(self: Arc<Self>) -> OwnedNotified {
        let calls = self.inner.borrow().calls;
        OwnedNotified { notify: self, state: State::Init(calls) }
    }

    /// Wakes the longest-waiting task, or stores a permit if none waits.
    pub fn notify_one(&self) {
        self.notify(Kind::First);
    }

    /// Wakes the most recent waiter, or stores a permit if none waits.
    pub fn notify_last(&self) {
        self.notify(Kind::Last);
    }

    /// Wakes every waiting task (and completes every existing `Notified`);
    /// stores no permit.
    pub fn notify_waiters(&self) {
        let mut wakers = WakeList::new();
        {
            let mut inner = self.inner.borrow_mut();
            inner.calls = inner.calls.wrapping_add(1);
            while let Some(key) = inner.waiters.front() {
                *inner.waiters.value_mut(key) = Some(Kind::All);
                wakers.push(inner.waiters.unlink(key));
            }
        }
        wakers.wake_all();
    }

    fn notify(&self, kind: Kind) {
        let waker = self.inner.borrow_mut().notify(kind);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Polls (with `waker`) or enables (without) a `Notified` in `state`.
    fn poll_state(&self, state: &mut State, waker: Option<&Waker>) -> bool {
        let mut stale = WakeList::new();
        let ready = self.inner.borrow_mut().poll_state(state, waker, &mut stale);
        stale.wake_all();
        ready
    }

    /// A `Notified` in `state` is dropped: leave the queue, and pass on a
    /// single notification it had been given but not returned.
    fn drop_state(&self, state: State) {
        let State::Waiting(key) = state else { return };
        let mut wakers = WakeList::new();
        {
            let mut inner = self.inner.borrow_mut();
            if let (Some(kind @ (Kind::First | Kind::Last)), false) = inner.waiters.remove(key, &mut wakers) {
                wakers.push(inner.notify(kind));
            }
        }
        wakers.wake_all();
    }
}

impl Inner {
    fn poll_state(&mut self, state: &mut State, waker: Option<&Waker>, stale: &mut WakeList) -> bool {
        match *state {
            State::Init(calls) => {
                if self.calls != calls || std::mem::take(&mut self.permit) {
                    *state = State::Done;
                    return true;
                }
                *state = State::Waiting(self.waiters.push_back(None, waker.cloned()));
                false
            }
            State::Waiting(key) => {
                if self.waiters.is_linked(key) {
                    if let Some(waker) = waker {
                        stale.defer_drop(self.waiters.set_waker(key, waker));
                    }
                    return false;
                }
                self.waiters.remove(key, stale);
                *state = State::Done;
                true
            }
            State::Done => true,
        }
    }

    fn notify(&mut self, kind: Kind) -> Option<Waker> {
        let key = match kind {
            Kind::Last => self.waiters.back(),
            _ => self.waiters.front(),
        };
        let Some(key) = key else {
            self.permit = true;
            return None;
        };
        *self.waiters.value_mut(key) = Some(kind);
        self.waiters.unlink(key)
    }
}

impl Default for Notify {
    fn default() -> Notify {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("Notify").field("permit", &inner.permit).field("waiters", &inner.waiters.len()).finish()
    }
}

impl Notified<'_> {
    /// Registers this future as a waiter without polling it, so that a
    /// `notify_one` from now on may choose it. Returns `true` if it has
    /// already been notified (then `.await` completes at once).
    pub fn enable(mut self: Pin<&mut Self>) -> bool {
        let this = &mut *self;
        this.notify.poll_state(&mut this.state, None)
    }
}

impl OwnedNotified {
    /// As [`Notified::enable`].
    pub fn enable(mut self: Pin<&mut Self>) -> bool {
        let this = &mut *self;
        this.notify.poll_state(&mut this.state, None)
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if this.notify.poll_state(&mut this.state, Some(cx.waker())) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Future for OwnedNotified {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if this.notify.poll_state(&mut this.state, Some(cx.waker())) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        self.notify.drop_state(self.state);
    }
}

impl Drop for OwnedNotified {
    fn drop(&mut self) {
        self.notify.drop_state(self.state);
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified").field("notify", self.notify).field("state", &self.state).finish()
    }
}

impl fmt::Debug for OwnedNotified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedNotified").field("notify", &self.notify).field("state", &self.state).finish()
    }
}

// As tokio's: wakers are called after the state is updated.
impl std::panic::UnwindSafe for Notify {}
impl std::panic::RefUnwindSafe for Notify {}
