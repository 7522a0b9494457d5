//! The pool's channel between threads: values sent from any number of
//! threads, received by one, in order; a receive that waits returns `None`
//! once every sender is gone, and a send fails (handing the value back) once
//! the receiver is gone. It is what the pool needed of `std::sync::mpsc`, on
//! a `Mutex<VecDeque>` and a `Condvar`: std's channel is compiled anew for
//! each value type, and it was most of what `pool` cost to build.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

struct Mailbox<T> {
    state: Mutex<State<T>>,
    /// Signalled on each send and when the last sender goes.
    changed: Condvar,
}

struct State<T> {
    queue: VecDeque<T>,
    senders: usize,
    receiver: bool,
}

impl<T> Mailbox<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // No code that can panic runs under the lock: the state stays whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The sending end; clone it for each sending thread.
pub(super) struct Sender<T>(Arc<Mailbox<T>>);

/// The receiving end.
pub(super) struct Receiver<T>(Arc<Mailbox<T>>);

/// A new mailbox's two ends.
pub(super) fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let state = State { queue: VecDeque::new(), senders: 1, receiver: true };
    let mailbox = Arc::new(Mailbox { state: Mutex::new(state), changed: Condvar::new() });
    (Sender(mailbox.clone()), Receiver(mailbox))
}

impl<T> Sender<T> {
    /// Queues `value`; `Err(value)` if the receiver is gone.
    pub(super) fn send(&self, value: T) -> Result<(), T> {
        let mut state = self.0.lock();
        if !state.receiver {
            return Err(value);
        }
        state.queue.push_back(value);
        drop(state);
        self.0.changed.notify_one();
        Ok(())
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.0.lock().senders += 1;
        Sender(self.0.clone())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.senders -= 1;
        let last = state.senders == 0;
        drop(state);
        if last {
            self.0.changed.notify_all();
        }
    }
}

impl<T> Receiver<T> {
    /// The next value, waiting for one; `None` once the queue is empty and
    /// every sender is gone.
    pub(super) fn recv(&self) -> Option<T> {
        let mut state = self.0.lock();
        loop {
            if let Some(value) = state.queue.pop_front() {
                return Some(value);
            }
            if state.senders == 0 {
                return None;
            }
            state = self.0.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl<T> Drop for Receiver<T> {
    /// Later sends fail; values still queued are dropped here, outside the
    /// lock (a value may hold a sender of this or another mailbox).
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.receiver = false;
        let queued = std::mem::take(&mut state.queue);
        drop(state);
        drop(queued);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sender { .. }")
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Receiver { .. }")
    }
}

#[cfg(test)]
mod tests {
    use super::channel;
    use std::thread;

    #[test]
    fn values_arrive_in_order_then_none_when_every_sender_is_gone() {
        let (tx, rx) = channel();
        tx.send(-1).unwrap();
        let tx2 = tx.clone();
        let t = thread::spawn(move || {
            for i in 0..100 {
                tx2.send(i).unwrap();
            }
        });
        drop(tx);
        let mut got = Vec::new();
        while let Some(v) = rx.recv() {
            got.push(v);
        }
        t.join().unwrap();
        assert_eq!(got[0], -1);
        assert_eq!(got[1..], (0..100).collect::<Vec<_>>()[..]);
    }

    #[test]
    fn send_after_the_receiver_is_gone_hands_the_value_back_and_queued_values_are_dropped() {
        let (tx, rx) = channel();
        let (inner_tx, inner_rx) = channel::<()>();
        // A queued value holding a sender: dropping the receiver drops it,
        // so the inner receiver sees every sender gone.
        tx.send(Some(inner_tx)).unwrap();
        drop(rx);
        assert!(matches!(tx.send(None), Err(None)));
        // Checked without waiting: a `recv` here would hang if it were wrong.
        assert_eq!(inner_rx.0.lock().senders, 0);
        assert!(inner_rx.recv().is_none());
    }
}
