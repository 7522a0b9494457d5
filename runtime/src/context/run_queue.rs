//! The local run queue: this runtime's tasks that are ready to be polled,
//! in the order they were woken, each entry holding the reference its wake
//! (or spawn) gave it.
//!
//! Pushed by wakes on the runtime's thread (`executor/schedule.rs`), by
//! spawns and by the reactor's turn; emptied only by the executor. It takes
//! a lone task with [`pop_lone`](RunQueue::pop_lone), and otherwise a whole
//! batch at once with [`take_batch`](RunQueue::take_batch), so that it need
//! not borrow the queue for each task: the batch is the tasks queued so
//! far, in reverse wake order (the next one last, for `Vec::pop`), and the
//! tasks woken while it runs queue up behind it. What the executor leaves of
//! a batch (its poll budget between two reactor turns ran out, or a poll
//! unwound) it hands back with [`put_back`](RunQueue::put_back), and that
//! runs first. Two buffers take turns, so no batch allocates.

use crate::task::raw::TaskRef;

/// This runtime's runnable tasks, in wake order.
#[derive(Debug, Default)]
pub(crate) struct RunQueue {
    /// What is left of the last batch, in reverse wake order: it runs
    /// before `back`.
    front: Vec<TaskRef>,
    /// The tasks queued since that batch was taken, in wake order.
    back: Vec<TaskRef>,
}

impl RunQueue {
    pub(crate) fn with_capacity(capacity: usize) -> RunQueue {
        RunQueue { front: Vec::with_capacity(capacity), back: Vec::with_capacity(capacity) }
    }

    #[inline]
    pub(crate) fn push_back(&mut self, task: TaskRef) {
        self.back.push(task);
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.front.is_empty() && self.back.is_empty()
    }

    /// The queued task if it is the only one.
    #[inline]
    pub(crate) fn pop_lone(&mut self) -> Option<TaskRef> {
        if self.front.is_empty() && self.back.len() == 1 {
            self.back.pop()
        } else {
            None
        }
    }

    /// The next batch, in reverse wake order (pop the next task from its
    /// end): what was left of the last one if anything was, else every task
    /// queued since. Hand it back with [`put_back`](Self::put_back), empty
    /// or not.
    #[inline]
    pub(crate) fn take_batch(&mut self) -> Vec<TaskRef> {
        if self.front.is_empty() {
            std::mem::swap(&mut self.front, &mut self.back);
            self.front.reverse();
        }
        std::mem::take(&mut self.front)
    }

    /// Takes back a batch and what is left of it, to run before the tasks
    /// queued since; `batch` is left empty.
    #[inline]
    pub(crate) fn put_back(&mut self, batch: &mut Vec<TaskRef>) {
        debug_assert!(self.front.is_empty());
        std::mem::swap(&mut self.front, batch);
    }
}
