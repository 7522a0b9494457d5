//! A channel holding one value that changes; receivers see the latest.
//!
//! Each receiver remembers the version it last saw: [`Receiver::changed`]
//! waits for a newer one. Values in between may be skipped; that is the
//! point. The sender side may be cloned; the channel closes when every
//! [`Sender`] is gone.
//!
//! ```
//! use runtime::sync::watch;
//!
//! runtime::block_on(async {
//!     let (tx, mut rx) = watch::channel("starting");
//!     runtime::spawn(async move {
//!         tx.send("ready").unwrap();
//!     });
//!     rx.changed().await.unwrap();
//!     assert_eq!(*rx.borrow_and_update(), "ready");
//! });
//! ```
//!
//! A [`Ref`] borrows the value: sending while one is alive panics (tokio's
//! would deadlock), so keep borrows short. Between threads, use tokio's
//! `watch` or `async-channel`.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::ops::Deref;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::rc::Rc;

use self::error::{RecvError, SendError};
use super::Notify;
use crate::task::coop::cooperative;

/// Errors of the `watch` channel.
pub mod error {
    use std::error::Error;
    use std::fmt;

    /// [`send`](super::Sender::send) found no receiver; the value is returned.
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> Error for SendError<T> {}

    /// Every sender is gone.
    #[derive(Debug, Clone)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl Error for RecvError {}
}

struct Shared<T> {
    value: RefCell<T>,
    /// Bumped (wrapping) by every change.
    version: Cell<usize>,
    /// Every sender is gone.
    closed: Cell<bool>,
    rx_count: Cell<usize>,
    tx_count: Cell<usize>,
    /// Woken (all) on each change, and when the last sender goes.
    notify_rx: Notify,
    /// Woken (all) when the last receiver goes.
    notify_tx: Notify,
}

/// Observes the value; see the [module docs](self).
pub struct Receiver<T> {
    shared: Rc<Shared<T>>,
    version: usize,
}

/// Changes the value; may be cloned.
pub struct Sender<T> {
    shared: Rc<Shared<T>>,
}

/// A borrow of the value, from [`Receiver::borrow`] and friends.
pub struct Ref<'a, T> {
    inner: std::cell::Ref<'a, T>,
    has_changed: bool,
}

impl<T> Ref<'_, T> {
    /// Whether the borrowing receiver had not yet seen this version when
    /// it borrowed it (always `false` from [`Sender::borrow`]).
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ref").field("inner", &*self.inner).field("has_changed", &self.has_changed).finish()
    }
}

/// A watch channel holding `init`; the receiver has seen it.
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let tx = Sender::new(init);
    let rx = tx.subscribe();
    (tx, rx)
}

impl<T> Receiver<T> {
    fn from_shared(shared: Rc<Shared<T>>, version: usize) -> Receiver<T> {
        shared.rx_count.set(shared.rx_count.get() + 1);
        Receiver { shared, version }
    }

    /// Borrows the latest value without marking it seen.
    pub fn borrow(&self) -> Ref<'_, T> {
        let inner = self.shared.value.borrow();
        Ref { inner, has_changed: self.version != self.shared.version.get() }
    }

    /// Borrows the latest value and marks it seen.
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let inner = self.shared.value.borrow();
        let version = self.shared.version.get();
        let has_changed = self.version != version;
        self.version = version;
        Ref { inner, has_changed }
    }

    /// Whether there is a version this receiver has not seen; `Err` once
    /// every sender is gone.
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        if self.shared.closed.get() {
            return Err(RecvError(()));
        }
        Ok(self.version != self.shared.version.get())
    }

    /// Whether every sender is gone.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.get()
    }

    /// Treats the current value as unseen.
    pub fn mark_changed(&mut self) {
        self.version = self.version.wrapping_sub(1);
    }

    /// Treats the current value as seen.
    pub fn mark_unchanged(&mut self) {
        self.version = self.shared.version.get();
    }

    /// Waits for a version this receiver has not seen, and marks it seen.
    /// Fails once every sender is gone and no unseen version is left.
    /// Cancellation safe.
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        cooperative(changed(&self.shared, &mut self.version)).await
    }

    /// Waits until `f` accepts the value (checking the current one first),
    /// marks it seen and returns it borrowed.
    pub async fn wait_for(&mut self, f: impl FnMut(&T) -> bool) -> Result<Ref<'_, T>, RecvError> {
        cooperative(self.wait_for_inner(f)).await
    }

    async fn wait_for_inner(&mut self, mut f: impl FnMut(&T) -> bool) -> Result<Ref<'_, T>, RecvError> {
        let mut closed = false;
        loop {
            {
                let inner = self.shared.value.borrow();
                let version = self.shared.version.get();
                let has_changed = self.version != version;
                self.version = version;
                if !closed || has_changed {
                    match catch_unwind(AssertUnwindSafe(|| f(&inner))) {
                        Ok(true) => return Ok(Ref { inner, has_changed }),
                        Ok(false) => {}
                        Err(panic) => {
                            drop(inner);
                            resume_unwind(panic);
                        }
                    }
                }
            }
            if closed {
                return Err(RecvError(()));
            }
            closed = changed(&self.shared, &mut self.version).await.is_err();
        }
    }

    /// Whether both receive from the same channel.
    pub fn same_channel(&self, other: &Receiver<T>) -> bool {
        Rc::ptr_eq(&self.shared, &other.shared)
    }
}

async fn changed<T>(shared: &Shared<T>, version: &mut usize) -> Result<(), RecvError> {
    loop {
        // Ask for the notification first, then look: a change in between
        // completes `notified`.
        let notified = shared.notify_rx.notified();
        let current = shared.version.get();
        if *version != current {
            *version = current;
            return Ok(());
        }
        if shared.closed.get() {
            return Err(RecvError(()));
        }
        notified.await;
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Receiver<T> {
        Receiver::from_shared(self.shared.clone(), self.version)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let count = self.shared.rx_count.get() - 1;
        self.shared.rx_count.set(count);
        if count == 0 {
            self.shared.notify_tx.notify_waiters();
        }
    }
}

impl<T> Sender<T> {
    /// A sender with no receiver yet (see [`subscribe`](Self::subscribe)).
    pub fn new(init: T) -> Sender<T> {
        Sender {
            shared: Rc::new(Shared {
                value: RefCell::new(init),
                version: Cell::new(0),
                closed: Cell::new(false),
                rx_count: Cell::new(0),
                tx_count: Cell::new(1),
                notify_rx: Notify::new(),
                notify_tx: Notify::new(),
            }),
        }
    }

    /// Replaces the value and notifies the receivers; fails (returning the
    /// value) if there are none.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.shared.rx_count.get() == 0 {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Changes the value in place and notifies the receivers, whether or
    /// not there are any.
    pub fn send_modify<F: FnOnce(&mut T)>(&self, modify: F) {
        self.send_if_modified(|value| {
            modify(value);
            true
        });
    }

    /// Runs `modify` on the value; if it returns `true`, counts it as a new
    /// version and notifies the receivers. Returns what `modify` returned.
    pub fn send_if_modified<F: FnOnce(&mut T) -> bool>(&self, modify: F) -> bool {
        let modified = modify(&mut self.shared.value.borrow_mut());
        if modified {
            self.shared.version.set(self.shared.version.get().wrapping_add(1));
            self.shared.notify_rx.notify_waiters();
        }
        modified
    }

    /// Replaces the value (receivers or not), notifies, and returns the old one.
    pub fn send_replace(&self, mut value: T) -> T {
        self.send_modify(|old| std::mem::swap(old, &mut value));
        value
    }

    /// Borrows the current value.
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref { inner: self.shared.value.borrow(), has_changed: false }
    }

    /// Whether there is no receiver.
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Waits until there is no receiver.
    pub async fn closed(&self) {
        cooperative(self.closed_inner()).await
    }

    async fn closed_inner(&self) {
        while self.receiver_count() > 0 {
            let notified = self.shared.notify_tx.notified();
            if self.receiver_count() == 0 {
                return;
            }
            notified.await;
        }
    }

    /// A new receiver, which has seen the current value.
    pub fn subscribe(&self) -> Receiver<T> {
        Receiver::from_shared(self.shared.clone(), self.shared.version.get())
    }

    /// How many receivers exist.
    pub fn receiver_count(&self) -> usize {
        self.shared.rx_count.get()
    }

    /// How many senders exist.
    pub fn sender_count(&self) -> usize {
        self.shared.tx_count.get()
    }

    /// Whether both send on the same channel.
    pub fn same_channel(&self, other: &Sender<T>) -> bool {
        Rc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        self.shared.tx_count.set(self.shared.tx_count.get() + 1);
        Sender { shared: self.shared.clone() }
    }
}

impl<T: Default> Default for Sender<T> {
    fn default() -> Sender<T> {
        Sender::new(T::default())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let count = self.shared.tx_count.get() - 1;
        self.shared.tx_count.set(count);
        if count == 0 {
            self.shared.closed.set(true);
            self.shared.notify_rx.notify_waiters();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Shared");
        match self.value.try_borrow() {
            Ok(value) => d.field("value", &*value),
            Err(_) => d.field("value", &format_args!("<borrowed>")),
        };
        d.field("version", &self.version.get())
            .field("is_closed", &self.closed.get())
            .field("ref_count_rx", &self.rx_count.get())
            .finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").field("shared", &self.shared).field("version", &self.version).finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("shared", &self.shared).finish()
    }
}
