//! Tests of the output's way from the task's stage to its `JoinHandle`
//! (`raw.rs`'s union stage, read by the handle at the offset the vtable
//! keeps): read once, dropped once wherever it ends, and found where the
//! future's alignment moved it. They run under Miri:
//! `cargo +nightly miri test -p runtime --lib task::`.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Waker};

use crate::{block_on, spawn, Runtime};

/// Counts drops.
struct Tracked(Rc<Cell<u32>>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

/// Aligned past the task header's size, so the stage (and the output in it)
/// starts further into the cell than for a plain future.
#[repr(align(128))]
struct Wide([u64; 3]);

#[test]
fn task_output_is_found_past_an_over_aligned_future_and_as_an_over_aligned_value() {
    block_on(async {
        let wide = Wide([1, 2, 3]);
        let sum = spawn(async move {
            crate::task::yield_now().await;
            wide.0.iter().sum::<u64>()
        });
        assert_eq!(sum.await.unwrap(), 6);
        let out = spawn(async { Wide([4, 5, 6]) }).await.unwrap();
        assert_eq!(out.0, [4, 5, 6]);
        assert_eq!(std::ptr::from_ref(&out).addr() % 128, 0);
    });
}

#[test]
fn task_output_stored_and_not_awaited_is_dropped_with_the_handle_once() {
    let drops = Rc::new(Cell::new(0));
    let d = drops.clone();
    let rt = Runtime::new().unwrap();
    let handle = rt.spawn(async move { Tracked(d) });
    rt.block_on(crate::task::yield_now());
    assert!(handle.is_finished());
    assert_eq!(drops.get(), 0, "kept for the handle");
    drop(handle);
    assert_eq!(drops.get(), 1);
    drop(rt);
    assert_eq!(drops.get(), 1);
}

#[test]
fn task_output_nobody_wants_is_dropped_at_completion_once() {
    let drops = Rc::new(Cell::new(0));
    let d = drops.clone();
    block_on(async move {
        drop(spawn(async move { Tracked(d) }));
        crate::task::yield_now().await;
    });
    assert_eq!(drops.get(), 1);
}

#[test]
fn task_join_handle_polled_after_its_output_panics() {
    block_on(async {
        let mut handle = pin!(spawn(async { 3u8 }));
        assert_eq!(handle.as_mut().await.unwrap(), 3);
        let mut cx = Context::from_waker(Waker::noop());
        let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle.as_mut().poll(&mut cx)));
        let message = *again.unwrap_err().downcast::<&str>().unwrap();
        assert_eq!(message, "JoinHandle polled after it returned the task's output");
    });
}
