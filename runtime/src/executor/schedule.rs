//! Where a wake sends a task, and the `block_on` future's waker: the
//! runtime's shared half as the task core's [`Schedule`].
//!
//! A task woken on its runtime's thread goes onto the local run queue (no
//! lock); from any other thread, or while another runtime is current here,
//! onto the injection queue, which wakes the driver.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::task::Wake;

use crate::context;
use crate::shared::Shared;
use crate::task::raw::TaskRef;
use crate::task::waker::Schedule;

impl Schedule for Shared {
    #[inline]
    fn schedule_local(&self, task: TaskRef) -> Result<(), TaskRef> {
        let mut task = Some(task);
        context::try_with(|scope| {
            if std::ptr::eq(Arc::as_ptr(&scope.shared), self) {
                if let Some(task) = task.take() {
                    scope.run_queue.borrow_mut().push_back(task);
                }
            }
        });
        match task {
            None => Ok(()),
            Some(task) => Err(task),
        }
    }

    fn schedule_remote(&self, task: TaskRef) -> Result<(), TaskRef> {
        self.push_remote(task)
    }

    fn report_unhandled_panic(&self) {
        Shared::report_unhandled_panic(self);
    }
}

/// The waker of the future passed to `block_on`.
impl Wake for Shared {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Counted before the flag is set: the runtime may see the flag, run
        // and read its metrics before this thread gets any further.
        let remote = !context::is_current(self);
        if remote {
            self.remote_wakes.fetch_add(1, Relaxed);
        }
        self.set_main_woken();
        if remote {
            self.notify();
        }
    }
}
