//! The cooperative budget at `sync`'s wait points: a task whose channel is
//! always ready still lets the others run.

use futures::future::{select, Either};
use runtime::sync::mpsc;
use std::pin::pin;

use crate::support::run;

#[test]
fn mpsc_recv_on_an_always_ready_channel_yields() {
    run(|| async {
        let (tx, mut rx) = mpsc::unbounded_channel();
        for i in 0..1000 {
            tx.send(i).unwrap();
        }
        // Without a budget the drain would finish in one poll (the channel
        // closes when it is empty) and win.
        drop(tx);
        let drain = pin!(async {
            let mut n = 0;
            while rx.recv().await.is_some() {
                n += 1;
            }
            n
        });
        // Biased: the drain goes first, and must give the yield a turn.
        let other = pin!(runtime::task::yield_now());
        assert!(matches!(select(drain, other).await, Either::Right(_)));
    })
}

#[test]
fn mpsc_send_with_room_yields() {
    run(|| async {
        let (tx, _rx) = mpsc::channel(2000);
        let fill = pin!(async {
            for i in 0..1000 {
                tx.send(i).await.unwrap();
            }
        });
        let other = pin!(runtime::task::yield_now());
        assert!(matches!(select(fill, other).await, Either::Right(_)));
        assert!(tx.capacity() > 1000, "the budget (128) stopped the sends early");
    })
}

#[test]
fn consume_budget_yields_every_budget() {
    run(|| async {
        let spin = pin!(async {
            loop {
                runtime::task::coop::consume_budget().await;
            }
        });
        let other = pin!(runtime::task::yield_now());
        assert!(matches!(select(spin, other).await, Either::Right(_)));
    })
}
