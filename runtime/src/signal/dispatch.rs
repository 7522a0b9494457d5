//! The per-runtime dispatch task: it waits on the runtime's own duplicate
//! of the signal pipe's read end and, after each read, hands the arrivals to
//! the listeners ([`registry::broadcast`]).
//!
//! Each runtime that creates or polls a `Signal` gets one such task, so a
//! signal is delivered by whichever runtime turns first, and a runtime
//! waiting only on a signal is woken by its own driver. The task is an
//! ordinary spawned task: it ends with its runtime, closing its pipe
//! duplicate. Which runtimes of this thread have one is kept in a
//! thread-local list of runtime ids, which the task's guard leaves on drop.

use std::cell::RefCell;
use std::io::{self, Read};
use std::os::unix::net::UnixStream;

use super::registry;
use crate::context;
use crate::io::AsyncFd;

thread_local! {
    /// Ids of this thread's runtimes that have a dispatch task.
    static DISPATCHING: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Starts the current runtime's dispatch task unless it has one.
///
/// # Errors
/// If the pipe cannot be duplicated or registered (no fds left).
///
/// # Panics
/// Outside a runtime.
pub(super) fn ensure() -> io::Result<()> {
    let scope = context::with(std::rc::Rc::clone);
    if DISPATCHING.with(|d| d.borrow().contains(&scope.id)) {
        return Ok(());
    }
    let reader = AsyncFd::new(registry::pipe_reader()?)?;
    DISPATCHING.with(|d| d.borrow_mut().push(scope.id));
    let guard = Listed(scope.id);
    drop(scope.spawn(async move {
        let _guard = guard;
        dispatch(reader).await;
    }));
    Ok(())
}

/// Removes its runtime from [`DISPATCHING`] when the task ends or is dropped.
struct Listed(u64);

impl Drop for Listed {
    fn drop(&mut self) {
        // The thread-local may already be gone at thread exit.
        let _ = DISPATCHING.try_with(|d| d.borrow_mut().retain(|id| *id != self.0));
    }
}

/// Reads the pipe as bytes arrive, broadcasting after each read. Ends only
/// if the pipe fails, which it does not (its write end is never closed).
async fn dispatch(reader: AsyncFd<UnixStream>) {
    let mut buf = [0u8; 64];
    loop {
        match reader.read_with(|pipe| (&*pipe).read(&mut buf)).await {
            Ok(0) => return,
            Ok(_) => registry::broadcast(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}
