//! Graceful shutdown for the example servers: SIGINT or SIGTERM stops the
//! accept loop, the open connections get a grace period to finish, and
//! `main` returns `Ok` (exit status 0). Whatever is still open then is
//! closed as the runtime drops its tasks, so clients read end of stream.
//!
//! ```text
//! let mut stop = Shutdown::listen()?;               // handlers installed here
//! while let Some(accepted) = stop.until(listener.accept()).await { .. open.track() .. }
//! drop(listener); shutdown::finish(&open).await;   // then return Ok(())
//! ```

// Not every example uses every item.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::io;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

use runtime::signal::unix::{signal, Signal, SignalKind};

/// How long open connections may take to finish after a signal, unless
/// the environment variable `SHUTDOWN_GRACE_MS` says otherwise.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// SIGINT and SIGTERM, listened for from creation on; on a thread of a
/// `runtime::Pool`, also the pool's stop (another thread's server failed).
#[derive(Debug)]
pub struct Shutdown {
    interrupt: Signal,
    terminate: Signal,
    /// Never completes outside a pool.
    pool: runtime::pool::Stopping,
    /// Set once either arrived.
    signalled: bool,
}

impl Shutdown {
    /// Installs the handlers: from now on SIGINT and SIGTERM no longer end
    /// the process by themselves.
    pub fn listen() -> io::Result<Shutdown> {
        let interrupt = signal(SignalKind::interrupt())?;
        let terminate = signal(SignalKind::terminate())?;
        Ok(Shutdown { interrupt, terminate, pool: runtime::pool::stopping(), signalled: false })
    }

    /// The grace period: [`SHUTDOWN_GRACE`] or `SHUTDOWN_GRACE_MS`.
    pub fn grace() -> Duration {
        let ms = std::env::var("SHUTDOWN_GRACE_MS").ok().and_then(|v| v.parse().ok());
        ms.map_or(SHUTDOWN_GRACE, Duration::from_millis)
    }

    /// Runs `work` (an accept, a receive) unless a signal comes first:
    /// `None` once one has, now or before.
    pub async fn until<T>(&mut self, work: impl Future<Output = T>) -> Option<T> {
        let mut work = pin!(work);
        poll_fn(|cx| {
            if !self.signalled {
                let int = self.interrupt.poll_recv(cx).is_ready();
                let term = int || self.terminate.poll_recv(cx).is_ready();
                self.signalled = term || std::pin::Pin::new(&mut self.pool).poll(cx).is_ready();
            }
            if self.signalled {
                return Poll::Ready(None);
            }
            work.as_mut().poll(cx).map(Some)
        })
        .await
    }
}

/// Counts a server's open connections, so shutdown can wait for them.
#[derive(Debug, Default)]
pub struct Open {
    count: Cell<usize>,
    /// Woken when the count drops to zero.
    waiter: RefCell<Option<Waker>>,
}

/// One open connection; dropping it (when its task ends) counts it closed.
#[derive(Debug)]
pub struct Tracked(Rc<Open>);

impl Open {
    /// Counts one more connection until the guard is dropped.
    pub fn track(self: &Rc<Self>) -> Tracked {
        self.count.set(self.count.get() + 1);
        Tracked(self.clone())
    }

    /// Waits until every connection has finished or `grace` has passed;
    /// returns how many are still open.
    pub async fn drained(&self, grace: Duration) -> usize {
        let all_done = poll_fn(|cx| {
            if self.count.get() == 0 {
                return Poll::Ready(());
            }
            *self.waiter.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        });
        let _ = runtime::time::timeout(grace, all_done).await;
        self.count.get()
    }
}

/// After the accept loop: waits for the open connections (see
/// [`Open::drained`]) and says how many are closed unfinished.
pub async fn finish(open: &Open) {
    let left = open.drained(Shutdown::grace()).await;
    if left > 0 {
        eprintln!("shutdown: closing {left} connections still open");
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let open = &self.0;
        open.count.set(open.count.get() - 1);
        if open.count.get() == 0 {
            let waiter = open.waiter.borrow_mut().take();
            waiter.into_iter().for_each(Waker::wake);
        }
    }
}
