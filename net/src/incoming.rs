//! `incoming()`: a listener's accepted connections as a
//! [`futures_core::Stream`], for `TcpListener` and `UnixListener`.
//!
//! Each item is `accept`'s result without the peer address. The stream
//! never ends: an accept error (`EMFILE`, `ECONNABORTED`...) is an item,
//! after which the listener keeps working, so the consumer decides whether
//! to back off, skip or stop.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

macro_rules! incoming {
    ($(#[$doc:meta])* $name:ident, $listener:ty, $stream:ty) => {
        $(#[$doc])*
        #[derive(Debug)]
        #[must_use = "streams do nothing unless polled"]
        pub struct $name<'a> {
            listener: &'a $listener,
        }

        impl<'a> $name<'a> {
            pub(crate) fn new(listener: &'a $listener) -> Self {
                $name { listener }
            }
        }

        impl Stream for $name<'_> {
            type Item = io::Result<$stream>;

            /// # Return value
            /// - `Poll::Ready(Some(Ok(stream)))`: a new connection;
            /// - `Poll::Ready(Some(Err(e)))`: `accept` failed; the stream goes on;
            /// - `Poll::Pending`: none is queued; the task is woken when one is.
            ///
            /// Never `Ready(None)`.
            fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                self.listener.poll_accept(cx).map(|accepted| Some(accepted.map(|(stream, _)| stream)))
            }
        }
    };
}

#[cfg(feature = "tcp")]
incoming!(
    /// The connections a [`TcpListener`](crate::TcpListener) accepts, as a
    /// `Stream` ([`TcpListener::incoming`](crate::TcpListener::incoming)).
    TcpIncoming, crate::TcpListener, crate::TcpStream
);

#[cfg(feature = "unix")]
incoming!(
    /// The connections a [`UnixListener`](crate::UnixListener) accepts, as a
    /// `Stream` ([`UnixListener::incoming`](crate::UnixListener::incoming)).
    UnixIncoming, crate::UnixListener, crate::UnixStream
);
