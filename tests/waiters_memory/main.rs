//! A waiter that gives up (a timeout, a `select!`, an abort) keeps nothing
//! in the reactor: its waker, and with it its finished task's allocation,
//! leaves the slot when the waiting future is dropped, not at the next edge
//! (which on an idle socket never comes). tokio keeps nothing either.
//!
//! Its own test binary, for its counting `#[global_allocator]`: live bytes
//! are compared between two identical rounds of 20,000 cancelled waits, so
//! the capacity the first round leaves in the runtime's own stores (task
//! slab, run queue, timers) is not counted; only what each round adds.
//! One `#[test]`, so no other test allocates meanwhile.

#![allow(unsafe_code)] // the counting allocator

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

use net::UdpSocket;
use runtime::time::timeout;

#[path = "../support/mod.rs"]
mod support;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed to `System` unchanged; only a counter is kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const WAITERS: usize = 20_000;
/// What a round may add: far below one task per waiter (each task is some
/// hundreds of bytes, so 20,000 kept would be megabytes).
const SLACK: isize = 64 * 1024;

/// Runs `round` twice and returns the live bytes the second run added.
async fn growth_of_second_round<F: Future<Output = ()>>(mut round: impl FnMut() -> F) -> isize {
    round().await;
    let before = LIVE.load(Ordering::Relaxed);
    round().await;
    LIVE.load(Ordering::Relaxed) - before
}

/// 20,000 tasks each give up a `recv` on one idle socket by `timeout`.
async fn timed_out_recvs(socket: &'static UdpSocket) {
    let tasks: Vec<_> = (0..WAITERS)
        .map(|_| {
            runtime::spawn(async move {
                let mut buf = [0; 16];
                assert!(timeout(Duration::from_millis(1), socket.recv(&mut buf)).await.is_err());
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

/// 20,000 tasks wait in `recv` on one idle socket and are aborted.
async fn aborted_recvs(socket: &'static UdpSocket) {
    let tasks: Vec<_> = (0..WAITERS)
        .map(|_| {
            runtime::spawn(async move {
                let mut buf = [0; 16];
                let _ = socket.recv(&mut buf).await;
            })
        })
        .collect();
    runtime::task::yield_now().await; // every task registers its waker
    for task in &tasks {
        task.abort();
    }
    for task in tasks {
        assert!(task.await.unwrap_err().is_cancelled());
    }
}

/// 20,000 `select!`s of a `recv` on one idle socket and a ready branch, in
/// one task: each poll registers the `recv`, then drops it.
async fn selected_away_recvs(socket: &'static UdpSocket) {
    for _ in 0..WAITERS {
        let mut buf = [0; 16];
        runtime::select! {
            biased;
            _ = runtime::task::yield_now() => {}
            _ = socket.recv(&mut buf) => panic!("nothing was sent"),
        }
    }
}

#[test]
fn waiters_that_give_up_keep_nothing_in_the_reactor() {
    support::run(|| async {
        let socket: &'static UdpSocket = Box::leak(Box::new(UdpSocket::bind("127.0.0.1:0").await.unwrap()));
        let grew = growth_of_second_round(|| timed_out_recvs(socket)).await;
        assert!(grew < SLACK, "20,000 timed-out recvs kept {grew} bytes");
        let grew = growth_of_second_round(|| aborted_recvs(socket)).await;
        assert!(grew < SLACK, "20,000 aborted recvs kept {grew} bytes");
        let grew = growth_of_second_round(|| selected_away_recvs(socket)).await;
        assert!(grew < SLACK, "20,000 recvs dropped by select! kept {grew} bytes");
    });
}
