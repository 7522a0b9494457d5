//! A channel for one value, from one task to another on the same thread.
//!
//! ```
//! use runtime::sync::oneshot;
//!
//! runtime::block_on(async {
//!     let (tx, rx) = oneshot::channel();
//!     runtime::spawn(async move {
//!         let _ = tx.send("hello");
//!     });
//!     assert_eq!(rx.await.unwrap(), "hello");
//! });
//! ```
//!
//! The [`Receiver`] is a future; dropping it closes the channel (the sender
//! sees [`Sender::is_closed`]). Between threads, use `futures::channel::oneshot`
//! or `async-channel`.

use std::cell::RefCell;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use self::error::{RecvError, TryRecvError};
use super::wait_list::replace_waker;

/// Errors of the [`Receiver`].
pub mod error {
    use std::error::Error;
    use std::fmt;

    /// The sender was dropped without sending (or the receiver was closed).
    #[derive(Debug, Eq, PartialEq, Clone)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl Error for RecvError {}

    /// Why [`try_recv`](super::Receiver::try_recv) returned no value.
    #[derive(Debug, Eq, PartialEq, Clone)]
    pub enum TryRecvError {
        /// Nothing sent yet.
        Empty,
        /// The sender is gone without sending, or the value was taken already.
        Closed,
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(match self {
                TryRecvError::Empty => "channel empty",
                TryRecvError::Closed => "channel closed",
            })
        }
    }

    impl Error for TryRecvError {}
}

/// Sends the channel's one value.
pub struct Sender<T> {
    inner: Option<Rc<RefCell<Inner<T>>>>,
}

/// Receives the channel's one value: `.await` it, or [`try_recv`](Self::try_recv).
pub struct Receiver<T> {
    /// `None` once the receiver has returned its result.
    inner: Option<Rc<RefCell<Inner<T>>>>,
}

struct Inner<T> {
    value: Option<T>,
    /// The sender sent or was dropped: nothing more will come.
    complete: bool,
    /// The receiver closed or was dropped: sends fail.
    rx_closed: bool,
    rx_waker: Option<Waker>,
    tx_waker: Option<Waker>,
}

/// A oneshot channel.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner =
        Rc::new(RefCell::new(Inner { value: None, complete: false, rx_closed: false, rx_waker: None, tx_waker: None }));
    (Sender { inner: Some(inner.clone()) }, Receiver { inner: Some(inner) })
}

impl<T> Sender<T> {
    /// Sends `t`, or gives it back if the receiver is gone or closed.
    pub fn send(mut self, t: T) -> Result<(), T> {
        let inner = self.inner.take().expect("a Sender holds its channel until dropped");
        let waker = {
            let mut inner = inner.borrow_mut();
            if inner.rx_closed {
                inner.complete = true;
                drop(inner);
                return Err(t);
            }
            inner.value = Some(t);
            inner.complete = true;
            inner.rx_waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
        Ok(())
    }

    /// Waits until the receiver is dropped or closed.
    pub async fn closed(&mut self) {
        poll_fn(|cx| self.poll_closed(cx)).await
    }

    /// Whether the receiver is dropped or closed.
    pub fn is_closed(&self) -> bool {
        self.inner.as_ref().is_some_and(|i| i.borrow().rx_closed)
    }

    /// `Ready` once the receiver is dropped or closed; otherwise keeps the
    /// waker, to be woken then.
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(inner) = &self.inner else { return Poll::Ready(()) };
        std::task::ready!(crate::task::coop::poll_proceed(cx));
        let mut inner = inner.borrow_mut();
        if inner.rx_closed {
            return Poll::Ready(());
        }
        let old = replace_waker(&mut inner.tx_waker, cx.waker());
        drop(inner);
        drop(old);
        Poll::Pending
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else { return };
        let (waker, old) = {
            let mut inner = inner.borrow_mut();
            inner.complete = true;
            (inner.rx_waker.take(), inner.tx_waker.take())
        };
        if let Some(w) = waker {
            w.wake();
        }
        drop(old);
    }
}

impl<T> Receiver<T> {
    /// Closes the channel: later sends fail. A value sent before can still
    /// be received.
    pub fn close(&mut self) {
        let Some(inner) = &self.inner else { return };
        let waker = {
            let mut inner = inner.borrow_mut();
            inner.rx_closed = true;
            inner.tx_waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Whether this receiver has returned its result (the value or an
    /// error), from `.await` or [`try_recv`](Self::try_recv).
    pub fn is_terminated(&self) -> bool {
        self.inner.is_none()
    }

    /// Whether no value is waiting to be received.
    pub fn is_empty(&self) -> bool {
        self.inner.as_ref().is_none_or(|i| i.borrow().value.is_none())
    }

    /// The value, if it has been sent.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let Some(inner) = &self.inner else { return Err(TryRecvError::Closed) };
        let result = {
            let mut inner = inner.borrow_mut();
            match inner.value.take() {
                Some(v) => Ok(v),
                None if inner.complete || inner.rx_closed => Err(TryRecvError::Closed),
                None => return Err(TryRecvError::Empty),
            }
        };
        self.inner = None;
        result
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else { return };
        let (value, waker, old) = {
            let mut inner = inner.borrow_mut();
            inner.rx_closed = true;
            (inner.value.take(), inner.tx_waker.take(), inner.rx_waker.take())
        };
        if let Some(w) = waker {
            w.wake();
        }
        drop(old);
        drop(value);
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    /// # Return value
    /// - `Ready(Ok(value))` once sent;
    /// - `Ready(Err(RecvError))` if the sender was dropped without sending,
    ///   or the receiver was closed with nothing sent;
    /// - `Pending` otherwise, with the waker kept.
    ///
    /// # Panics
    /// If polled after it returned `Ready`.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.inner.as_ref().expect("called after complete");
        std::task::ready!(crate::task::coop::poll_proceed(cx));
        let result = {
            let mut inner = inner.borrow_mut();
            match inner.value.take() {
                Some(v) => Ok(v),
                None if inner.complete || inner.rx_closed => Err(RecvError(())),
                None => {
                    let old = replace_waker(&mut inner.rx_waker, cx.waker());
                    drop(inner);
                    drop(old);
                    return Poll::Pending;
                }
            }
        };
        self.inner = None;
        Poll::Ready(result)
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("closed", &self.is_closed()).finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").field("terminated", &self.is_terminated()).finish()
    }
}
