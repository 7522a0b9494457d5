//! The local run queue: this runtime's tasks that are ready to be polled,
//! in the order they were woken, each entry holding the reference its wake
//! (or spawn) gave it.
//!
//! Pushed by wakes on the runtime's thread (`executor/schedule.rs`), by
//! spawns and by the reactor's turn; emptied only by the executor, which
//! takes a lone task with [`pop_lone`](RunQueue::pop_lone) and otherwise
//! the whole queue at once with [`take_batch`](RunQueue::take_batch): that
//! swaps the queue's buffer for the executor's empty one, so a push is a
//! `Vec` push and a task of a batch is read from the executor's own `Vec`,
//! with no borrow of the queue per task. A batch is in wake order, and
//! every task woken while it runs is pushed here, behind it.

use crate::task::raw::TaskRef;

/// This runtime's runnable tasks, in wake order.
#[derive(Debug, Default)]
pub(crate) struct RunQueue {
    tasks: Vec<TaskRef>,
}

impl RunQueue {
    pub(crate) fn with_capacity(capacity: usize) -> RunQueue {
        RunQueue { tasks: Vec::with_capacity(capacity) }
    }

    #[inline]
    pub(crate) fn push_back(&mut self, task: TaskRef) {
        self.tasks.push(task);
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// The queued task if it is the only one.
    #[inline]
    pub(crate) fn pop_lone(&mut self) -> Option<TaskRef> {
        if self.tasks.len() == 1 {
            self.tasks.pop()
        } else {
            None
        }
    }

    /// Moves every queued task, in order, into `batch` (which must be
    /// empty) by swapping buffers: `batch`'s empty one stays here.
    #[inline]
    pub(crate) fn take_batch(&mut self, batch: &mut Vec<TaskRef>) {
        debug_assert!(batch.is_empty());
        std::mem::swap(&mut self.tasks, batch);
    }

    /// Puts the tasks of a batch that did not run back in front of those
    /// queued since, leaving `rest` empty (its buffer stays usable).
    pub(crate) fn put_back_front(&mut self, rest: &mut Vec<TaskRef>) {
        rest.append(&mut self.tasks);
        std::mem::swap(&mut self.tasks, rest);
    }
}

impl Extend<TaskRef> for RunQueue {
    fn extend<I: IntoIterator<Item = TaskRef>>(&mut self, tasks: I) {
        self.tasks.extend(tasks);
    }
}
