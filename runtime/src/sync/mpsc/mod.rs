//! Multi-producer, single-consumer channels for tasks on one thread.
//!
//! [`channel`] is bounded: a sender waits (`send().await`, or reserves a
//! slot first with [`Sender::reserve`]) while the buffer is full, which is
//! the back-pressure a pipeline needs. [`unbounded_channel`] never makes a
//! sender wait. Either way the receiver gets `None` once every sender is
//! gone and the buffer is empty.
//!
//! ```
//! use runtime::sync::mpsc;
//!
//! runtime::block_on(async {
//!     let (tx, mut rx) = mpsc::channel(1);
//!     let producer = runtime::spawn(async move {
//!         for i in 0..4 {
//!             tx.send(i).await.unwrap(); // waits while the slot is taken
//!         }
//!     });
//!     let mut sum = 0;
//!     while let Some(i) = rx.recv().await {
//!         sum += i;
//!     }
//!     producer.await.unwrap();
//!     assert_eq!(sum, 6);
//! });
//! ```
//!
//! The types are `!Send`: for channels between threads use `async-channel`,
//! which works on this runtime as on any other.

mod bounded;
mod chan;
pub mod error;
mod permit;
mod reserve;
mod unbounded;

pub use bounded::{channel, Receiver, Sender, WeakSender};
pub use permit::{OwnedPermit, Permit, PermitIterator};
pub use unbounded::{unbounded_channel, UnboundedReceiver, UnboundedSender, WeakUnboundedSender};
