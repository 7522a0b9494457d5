//! The timer store gives its memory back after a burst (issue 18, item 4).
//! Its own test binary, for its counting global allocator, and one test,
//! so no other test's allocations are counted.
//!
//! Before the fix the store's slab never shrank: 200,000 sleeps, registered
//! and then dropped, left about 11 MB behind for the runtime's life.

// A counting `#[global_allocator]` must implement the unsafe `GlobalAlloc`:
// the only unsafe code here, each block forwarding to `System` unchanged.
#![allow(unsafe_code)]

#[path = "../support/mod.rs"]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::task::Poll;

use runtime::time::{self, Duration, Instant, Sleep};

/// Bytes allocated and not yet freed, process-wide.
static LIVE: AtomicIsize = AtomicIsize::new(0);

struct Counting;

// SAFETY: every method forwards to `System` with the caller's arguments,
// which meet `GlobalAlloc`'s contract; the counter has no effect on them.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Relaxed);
        // SAFETY: forwarded as received (see the impl's comment).
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Relaxed);
        // SAFETY: forwarded as received (see the impl's comment).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
        // SAFETY: forwarded as received (see the impl's comment).
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const BURST: usize = 200_000;

/// Registers `BURST` sleeps (each polled once), then drops them; a few
/// armed in the middle of the burst outlive it.
#[test]
fn timers_give_memory_back_after_a_burst_of_sleeps() {
    support::run(|| async {
        // A first registration, so the store's small fixed parts count in
        // the base.
        let warm = Box::pin(time::sleep(Duration::from_secs(3600)));
        let mut warm = Some(warm);
        poll_fn(|cx| {
            let _ = warm.as_mut().map(|s| s.as_mut().poll(cx));
            Poll::Ready(())
        })
        .await;
        drop(warm);
        let base = LIVE.load(Relaxed);

        let far = Instant::now() + Duration::from_secs(3600);
        let mut sleeps: Vec<Pin<Box<Sleep>>> = (0..BURST).map(|_| Box::pin(time::sleep_until(far))).collect();
        poll_fn(|cx| {
            for sleep in &mut sleeps {
                assert!(sleep.as_mut().poll(cx).is_pending());
            }
            Poll::Ready(())
        })
        .await;
        let peak = LIVE.load(Relaxed) - base;
        let survivors: Vec<_> = (0..BURST).rev().step_by(BURST / 8).map(|i| sleeps.swap_remove(i)).collect();
        drop(sleeps);
        let kept = LIVE.load(Relaxed) - base;
        assert!(kept < 128 * 1024, "{kept} bytes kept after the burst (at its peak: {peak})");

        // The survivors still work: pulled in, they complete.
        let now = Instant::now();
        for mut sleep in survivors {
            sleep.as_mut().reset(now);
            sleep.await;
        }
    });
}
