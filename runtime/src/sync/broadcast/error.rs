//! The errors of [`broadcast`](super), as tokio's.
//!
//! ```
//! use runtime::sync::broadcast::{self, error::{SendError, TryRecvError}};
//!
//! let (tx, mut rx) = broadcast::channel(1);
//! tx.send(1).unwrap();
//! tx.send(2).unwrap();
//! assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(1)));
//! assert_eq!(rx.try_recv(), Ok(2));
//! assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
//! drop(rx);
//! let SendError(back) = tx.send(3).unwrap_err();
//! assert_eq!(back, 3);
//! ```

use std::fmt;

/// [`Sender::send`](super::Sender::send) found no receiver; the value is
/// handed back.
#[derive(Debug)]
pub struct SendError<T>(pub T);

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "channel closed")
    }
}

impl<T: fmt::Debug> std::error::Error for SendError<T> {}

/// Why [`Receiver::recv`](super::Receiver::recv) returned no value.
#[derive(Debug, PartialEq, Eq, Clone)]
pub enum RecvError {
    /// Every sender is gone and this receiver has seen every value.
    Closed,
    /// The receiver fell behind: this many values were overwritten before
    /// it read them. It stays subscribed, and its next `recv` returns the
    /// oldest value the channel still holds.
    Lagged(u64),
}

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecvError::Closed => write!(f, "channel closed"),
            RecvError::Lagged(amt) => write!(f, "channel lagged by {amt}"),
        }
    }
}

impl std::error::Error for RecvError {}

/// Why [`Receiver::try_recv`](super::Receiver::try_recv) returned no value.
#[derive(Debug, PartialEq, Eq, Clone)]
pub enum TryRecvError {
    /// Nothing to read now; a sender remains, so a value may still come.
    Empty,
    /// Every sender is gone and this receiver has seen every value.
    Closed,
    /// The receiver fell behind by this many values (see [`RecvError::Lagged`]).
    Lagged(u64),
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => write!(f, "channel empty"),
            TryRecvError::Closed => write!(f, "channel closed"),
            TryRecvError::Lagged(amt) => write!(f, "channel lagged by {amt}"),
        }
    }
}

impl std::error::Error for TryRecvError {}
