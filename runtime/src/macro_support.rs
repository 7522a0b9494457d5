//! What the function-like macros' expansions need from the runtime: the
//! random first branch of `select!` and its check of the task's budget;
//! and `pin!`, tokio's stack-pinning macro.
//!
//! A xorshift generator per thread (so per runtime, each runtime owning its
//! thread), seeded once from std's `RandomState`, which the OS seeds: no
//! dependency, no lock, a few instructions a call.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::task::{Context, Poll};

thread_local! {
    static STATE: Cell<u64> = Cell::new(seed());
}

#[cfg_attr(not(any(feature = "macros", feature = "stream")), allow(dead_code))]
#[inline]
fn seed() -> u64 {
    // Never 0: xorshift would stay there.
    RandomState::new().hash_one(0x5e1ec7_u64) | 1
}

/// A branch index in `0..n` (`n > 0`) for `select!` to start polling at.
#[cfg_attr(not(any(feature = "macros", feature = "stream")), allow(dead_code))]
#[inline]
pub fn select_start(n: u32) -> u32 {
    STATE.with(|state| {
        let mut x = state.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        state.set(x);
        // The high half, scaled into 0..n without a division.
        (((x >> 32) * u64::from(n)) >> 32) as u32
    })
}

/// `Pending` (and the task deferred) when the current task has spent its
/// cooperative budget, as tokio's `select!` checks before it polls any
/// branch: a loop of `select!`s whose branches charge the budget yields.
/// Charges nothing.
#[cfg_attr(not(feature = "macros"), allow(dead_code))]
// `inline`: compiled in the crates that use it, not in every build of `runtime`.
#[inline]
pub fn poll_budget_available(cx: &mut Context<'_>) -> Poll<()> {
    let spent = crate::context::try_with(|scope| {
        let available = scope.budget.try_charge();
        if available {
            scope.budget.refund();
        }
        !available
    });
    if spent == Some(true) {
        crate::context::defer(cx.waker());
        return Poll::Pending;
    }
    Poll::Ready(())
}

/// Pins values on the stack, as tokio's `pin!`: each named variable is
/// shadowed by a `Pin<&mut T>` of itself, or each `let` binds a pinned
/// value. Safe: it is `std::pin::pin!` under tokio's name and forms.
///
/// ```
/// use std::future::Future;
/// runtime::block_on(async {
///     let one = async { 1 };
///     let two = async { 2 };
///     runtime::pin!(one, two);
///     assert_eq!(one.as_mut().await + two.as_mut().await, 3);
///
///     runtime::pin! {
///         let three = async { 3 };
///     }
///     assert_eq!(three.await, 3);
/// });
/// ```
#[macro_export]
macro_rules! pin {
    ($($x:ident),* $(,)?) => {
        $( #[allow(unused_mut)] let mut $x = ::core::pin::pin!($x); )*
    };
    ($(let $x:ident = $init:expr;)*) => {
        $( #[allow(unused_mut)] let mut $x = ::core::pin::pin!($init); )*
    };
}

#[cfg(test)]
mod tests {
    use super::select_start;

    #[test]
    fn select_start_covers_every_branch_and_stays_in_range() {
        let mut seen = [0u32; 5];
        for _ in 0..10_000 {
            seen[select_start(5) as usize] += 1;
        }
        // Each of 5 branches first about 2,000 times in 10,000.
        assert!(seen.iter().all(|&c| (1_500..2_500).contains(&c)), "{seen:?}");
        assert_eq!(select_start(1), 0);
    }
}
