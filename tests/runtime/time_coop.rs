//! Elapsed timers spend the cooperative budget (issue 18, item 3): a loop
//! over timers that are already due yields after the budget (128 per
//! poll), as under tokio, whose `Sleep` charges it when it completes. Each
//! loop spins at most `SPINS` times, looking for a flag another task sets;
//! before the fix it never yields and spins them all. Each runs as
//! `block_on`'s own future and as a spawned task.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use runtime::sync::mpsc;
use runtime::time::{self, Duration, Instant};

use crate::support::run;

/// More polls than one budget (128) allows, many times over.
const SPINS: usize = 10_000;

/// Runs `spin(flag)` while another task waits to set `flag`: first as
/// `block_on`'s future, then as a spawned task. `spin` returns whether it
/// saw the flag before giving up.
fn assert_spin_yields<F, Fut>(spin: F)
where
    F: Fn(Rc<Cell<bool>>) -> Fut + Send + Copy + 'static,
    Fut: Future<Output = bool> + 'static,
{
    run(move || async move {
        let flag = Rc::new(Cell::new(false));
        let setter = flag.clone();
        runtime::spawn(async move { setter.set(true) });
        assert!(spin(flag).await, "block_on's future never let the other task run");

        let flag = Rc::new(Cell::new(false));
        let setter = flag.clone();
        let spinner = runtime::spawn(spin(flag));
        runtime::spawn(async move { setter.set(true) });
        assert!(spinner.await.unwrap(), "a spawned task never let the other task run");
    });
}

#[test]
fn sleep_zero_loop_yields() {
    assert_spin_yields(|flag| async move {
        for _ in 0..SPINS {
            if flag.get() {
                return true;
            }
            time::sleep(Duration::ZERO).await;
        }
        false
    });
}

#[test]
fn sleep_until_past_loop_yields() {
    assert_spin_yields(|flag| async move {
        let past = Instant::now();
        for _ in 0..SPINS {
            if flag.get() {
                return true;
            }
            time::sleep_until(past).await;
        }
        false
    });
}

#[test]
fn timeout_zero_loop_yields() {
    assert_spin_yields(|flag| async move {
        let (_tx, mut rx) = mpsc::channel::<()>(1);
        for _ in 0..SPINS {
            if flag.get() {
                return true;
            }
            assert!(time::timeout(Duration::ZERO, rx.recv()).await.is_err());
        }
        false
    });
}

#[test]
fn interval_burst_yields() {
    assert_spin_yields(|flag| async move {
        // 100,000 ticks missed: `Burst` takes them all at once.
        let mut iv = time::interval_at(Instant::now() - Duration::from_secs(1), Duration::from_micros(10));
        for _ in 0..SPINS {
            if flag.get() {
                return true;
            }
            iv.tick().await;
        }
        false
    });
}

/// A polled `Sleep` that already completed spends budget on every poll,
/// as tokio's does.
#[test]
fn elapsed_sleep_polled_again_yields() {
    assert_spin_yields(|flag| async move {
        let mut sleep = std::pin::pin!(time::sleep(Duration::ZERO));
        for _ in 0..SPINS {
            if flag.get() {
                return true;
            }
            sleep.as_mut().await;
        }
        false
    });
}

/// As tokio's `Timeout`: when the inner future spends the last unit of
/// the budget, the deadline is still checked in that poll, so a future that
/// always spends the budget times out.
#[test]
fn timeout_fires_when_the_future_spends_the_budget() {
    run(|| async {
        let (tx, mut rx) = mpsc::unbounded_channel::<()>();
        let spend_all = async move {
            loop {
                // A receive of a ready message charges one unit; with
                // none left it returns `Pending` (and defers the task).
                let _ = tx.send(());
                rx.recv().await;
            }
        };
        let out = time::timeout(Duration::ZERO, spend_all).await;
        assert!(out.is_err(), "the deadline passed");
    });
}

/// The deadline of a `Timeout` whose budget was spent before it was polled
/// waits its turn (the task is deferred), as tokio's does.
#[test]
fn timeout_with_spent_budget_defers() {
    run(|| async {
        let flag = Rc::new(Cell::new(false));
        let setter = flag.clone();
        runtime::spawn(async move { setter.set(true) });
        for _ in 0..SPINS {
            runtime::task::coop::consume_budget().await;
            if flag.get() {
                break;
            }
        }
        assert!(flag.get());
        // A fresh budget: it completes at once.
        let pending = std::future::pending::<()>();
        assert!(time::timeout(Duration::ZERO, pending).await.is_err());
    });
}

/// Spends the task's whole budget within one poll: receives ready messages
/// until a receive returns `Pending` (none left). Returns the receiver.
fn spend_budget(cx: &mut std::task::Context<'_>) -> mpsc::UnboundedReceiver<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<()>();
    for _ in 0..1_000 {
        let _ = tx.send(());
    }
    while rx.poll_recv(cx).is_ready() {}
    rx
}

/// tokio reads the budget before `Timeout` polls its future; here a count
/// of emptied budgets tells the same. A `Timeout` polled with the budget
/// already spent (by the same poll, before it) defers, elapsed or not, and
/// completes in the next poll; one whose future empties the budget in that
/// poll checks the deadline at once. (The clock is paused so that a zero
/// timeout has passed when polled, with no turn needed to see it.)
#[test]
fn timeout_tells_a_budget_spent_before_from_one_spent_by_its_future() {
    run(|| async {
        time::pause();
        let mut timeout = std::pin::pin!(time::timeout(Duration::ZERO, std::future::pending::<()>()));
        let polls = Cell::new(0);
        let out = std::future::poll_fn(|cx| {
            polls.set(polls.get() + 1);
            let rx = (polls.get() == 1).then(|| spend_budget(cx));
            let out = timeout.as_mut().poll(cx);
            drop(rx);
            out
        })
        .await;
        assert!(out.is_err());
        assert_eq!(polls.get(), 2, "the spent budget deferred the deadline to the next poll");

        // The future empties the budget: the deadline is checked in the same poll.
        let polls = Cell::new(0);
        let spender = std::future::poll_fn(|cx| {
            let _rx = spend_budget(cx);
            std::task::Poll::<()>::Pending
        });
        let mut timeout = std::pin::pin!(time::timeout(Duration::ZERO, spender));
        let out = std::future::poll_fn(|cx| {
            polls.set(polls.get() + 1);
            timeout.as_mut().poll(cx)
        })
        .await;
        assert!(out.is_err());
        assert_eq!(polls.get(), 1, "checked in the poll its future spent the budget");
    });
}
