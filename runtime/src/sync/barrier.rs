//! `Barrier`: lets a set number of tasks wait until all of them have
//! arrived, with tokio's API and behaviour.

use std::cell::Cell;
use std::fmt;

use super::Notify;

/// Makes `n` tasks wait for each other: each [`wait`](Self::wait) returns
/// once `n` calls have arrived. One of them per round is the *leader*. The
/// barrier is reusable: the next `n` calls form the next round.
///
/// As tokio's: `n == 0` behaves as `n == 1`; a task counts as arrived from
/// the first poll of its `wait` future, and still counts if the future is
/// then dropped.
///
/// ```
/// use std::rc::Rc;
/// use runtime::sync::Barrier;
///
/// runtime::block_on(async {
///     let barrier = Rc::new(Barrier::new(3));
///     let tasks: Vec<_> = (0..3)
///         .map(|_| {
///             let b = barrier.clone();
///             runtime::spawn(async move { b.wait().await.is_leader() })
///         })
///         .collect();
///     let mut leaders = 0;
///     for t in tasks {
///         leaders += t.await.unwrap() as usize;
///     }
///     assert_eq!(leaders, 1);
/// });
/// ```
pub struct Barrier {
    n: usize,
    arrived: Cell<usize>,
    /// Rounds completed.
    generation: Cell<usize>,
    notify: Notify,
}

/// What [`Barrier::wait`] returns: whether this task was the round's leader.
///
/// ```
/// use runtime::sync::Barrier;
///
/// runtime::block_on(async {
///     let result = Barrier::new(1).wait().await;
///     assert!(result.is_leader());
/// });
/// ```
#[derive(Debug, Clone)]
pub struct BarrierWaitResult(bool);

impl Barrier {
    /// A barrier for rounds of `n` tasks (`n == 0` counts as 1).
    ///
    /// ```
    /// use runtime::sync::Barrier;
    ///
    /// runtime::block_on(async {
    ///     let barrier = Barrier::new(0);
    ///     assert!(barrier.wait().await.is_leader());
    /// });
    /// ```
    pub fn new(n: usize) -> Barrier {
        Barrier { n: n.max(1), arrived: Cell::new(0), generation: Cell::new(0), notify: Notify::new() }
    }

    /// Waits until `n` tasks have called `wait` this round. The last one
    /// to arrive returns at once, as the leader, and wakes the others.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use runtime::sync::Barrier;
    ///
    /// runtime::block_on(async {
    ///     let barrier = Rc::new(Barrier::new(2));
    ///     let b = barrier.clone();
    ///     let other = runtime::spawn(async move { b.wait().await.is_leader() });
    ///     let me = barrier.wait().await.is_leader();
    ///     assert!(me != other.await.unwrap());
    /// });
    /// ```
    pub async fn wait(&self) -> BarrierWaitResult {
        let generation = self.generation.get();
        let arrived = self.arrived.get() + 1;
        if arrived == self.n {
            self.arrived.set(0);
            self.generation.set(generation.wrapping_add(1));
            self.notify.notify_waiters();
            return BarrierWaitResult(true);
        }
        self.arrived.set(arrived);
        loop {
            let notified = self.notify.notified();
            if self.generation.get() != generation {
                return BarrierWaitResult(false);
            }
            notified.await;
        }
    }
}

impl BarrierWaitResult {
    /// Whether this task was the last of its round to arrive (one per round).
    ///
    /// ```
    /// use runtime::sync::Barrier;
    ///
    /// runtime::block_on(async {
    ///     assert!(Barrier::new(1).wait().await.is_leader());
    /// });
    /// ```
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("arrived", &self.arrived.get())
            .field("generation", &self.generation.get())
            .field("n", &self.n)
            .finish()
    }
}
