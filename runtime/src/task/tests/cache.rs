//! Tests of the per-thread cache of freed task cells (`raw/cache.rs`): reuse
//! on the runtime's thread, and the allocator everywhere else (another
//! thread, a thread whose runtime was left). They make only the driver's own
//! system calls, so they run under Miri, which also checks that no cell leaks
//! or is freed twice: `cargo +nightly miri test -p runtime --lib task::`.

use std::cell::Cell;
use std::rc::Rc;
use std::task::{Poll, Waker};

use crate::task::raw::cache::kept;
use crate::{block_on, spawn, Runtime};

/// A `!Send` task that keeps a clone of its waker in `stash` and finishes.
fn stash_waker(stash: Rc<Cell<Option<Waker>>>) -> impl std::future::Future<Output = u32> {
    std::future::poll_fn(move |cx| {
        stash.set(Some(cx.waker().clone()));
        Poll::Ready(7)
    })
}

#[test]
fn task_cache_a_freed_cell_serves_the_next_spawn() {
    block_on(async {
        let before = kept();
        assert_eq!(spawn(async { 1u32 }).await.unwrap(), 1);
        // The handle, the last reference, is gone: the cell was kept.
        assert_eq!(kept(), before + 1);
        let again = spawn(async { 2u32 });
        assert_eq!(kept(), before, "the next spawn of that size took the kept cell");
        assert_eq!(again.await.unwrap(), 2);
        assert_eq!(kept(), before + 1);
    });
    assert_eq!(kept(), 0, "leaving the runtime returns every kept cell");
}

#[test]
fn task_cache_last_reference_dropped_on_a_plain_thread_goes_to_the_allocator() {
    let stash = Rc::new(Cell::new(None));
    let waker = block_on(async {
        let before = kept();
        assert_eq!(spawn(stash_waker(stash.clone())).await.unwrap(), 7);
        // The waker still holds the task: nothing was freed yet.
        assert_eq!(kept(), before);
        stash.take().expect("the task kept its waker")
    });
    std::thread::spawn(move || {
        drop(waker);
        assert_eq!(kept(), 0, "a thread that runs no runtime keeps no cell");
    })
    .join()
    .unwrap();
    assert_eq!(kept(), 0);
}

#[test]
fn task_cache_last_reference_dropped_on_another_runtimes_thread_is_kept_there_until_it_is_left() {
    let stash = Rc::new(Cell::new(None));
    let waker = block_on(async {
        assert_eq!(spawn(stash_waker(stash.clone())).await.unwrap(), 7);
        stash.take().expect("the task kept its waker")
    });
    std::thread::spawn(move || {
        block_on(async move {
            let before = kept();
            drop(waker);
            assert_eq!(kept(), before + 1, "plain memory: kept by the runtime running here");
        });
        assert_eq!(kept(), 0);
    })
    .join()
    .unwrap();
}

#[test]
fn task_cache_cells_freed_by_shutdown_are_returned_and_later_ones_not_kept() {
    let stash = Rc::new(Cell::new(None));
    let rt = Runtime::new().unwrap();
    let s = stash.clone();
    let pending = rt.spawn(async move {
        std::future::poll_fn(|cx| {
            s.set(Some(cx.waker().clone()));
            Poll::<()>::Pending
        })
        .await
    });
    let done = rt.spawn(async { 3u32 });
    rt.block_on(async {
        assert_eq!(done.await.unwrap(), 3);
        crate::task::yield_now().await;
        assert!(kept() >= 1);
    });
    assert_eq!(kept(), 0, "block_on returned: its runtime was left");
    drop(rt);
    assert_eq!(kept(), 0, "the runtime's drop cancelled the pending task and left it");
    // The handle and the waker outlive the runtime; the cell is freed when
    // the last of them goes, to the allocator (Miri checks it is freed once).
    assert!(pending.is_finished());
    drop(pending);
    assert_eq!(kept(), 0);
    let waker = stash.take().expect("the pending task kept its waker");
    waker.wake_by_ref();
    drop(waker);
    assert_eq!(kept(), 0);
}
