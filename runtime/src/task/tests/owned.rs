//! Tests of the owned list (`raw/owned.rs`), the intrusive ring through the
//! task headers: linking, unlinking once, popping oldest first, and that
//! the runtime's shutdown drops every future still in it. No system calls
//! beyond the driver's, so they run under Miri:
//! `cargo +nightly miri test -p runtime --lib task::`.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use crate::task::raw::{allocate, OwnedTasks, TaskRef};
use crate::task::waker::Schedule;
use crate::Runtime;

/// A scheduler that takes nothing: the tests below never wake a task.
struct Nowhere;

impl Schedule for Nowhere {
    fn schedule_local(&self, task: TaskRef) -> Result<(), TaskRef> {
        Err(task)
    }
    fn schedule_remote(&self, task: TaskRef) -> Result<(), TaskRef> {
        Err(task)
    }
    fn report_unhandled_panic(&self) {}
}

/// Records its name in `log` when dropped.
struct Named(&'static str, Rc<RefCell<Vec<&'static str>>>);

impl Drop for Named {
    fn drop(&mut self) {
        self.1.borrow_mut().push(self.0);
    }
}

/// A pending task named `name`: its owned-list reference (the other two dropped).
fn task(name: &'static str, log: &Rc<RefCell<Vec<&'static str>>>) -> TaskRef {
    let named = Named(name, log.clone());
    let (owned, queued, join) = allocate(
        async move {
            let _named = named;
            std::future::pending::<()>().await
        },
        Arc::new(Nowhere),
    );
    drop((queued, join));
    owned
}

#[test]
fn task_owned_list_unlinks_once_and_pops_oldest_first() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let (a, b, c) = (task("a", &log), task("b", &log), task("c", &log));
    let b_again = b.clone_ref();
    let mut list = OwnedTasks::new();
    for t in [a, b, c] {
        list.insert(t);
    }
    assert_eq!(list.len(), 3);

    let removed = list.try_remove(&b_again).expect("b is linked");
    assert_eq!(list.len(), 2);
    assert!(list.try_remove(&b_again).is_none(), "b is unlinked, and stays so");
    assert_eq!(list.len(), 2);
    assert_eq!(removed.cancel(), crate::task::raw::RunOutcome::Complete { unhandled_panic: false });
    assert_eq!(*log.borrow(), ["b"]);
    drop((removed, b_again));

    for expected in ["a", "c"] {
        let t = list.pop().expect("a task is left");
        let _ = t.cancel();
        assert_eq!(log.borrow().last(), Some(&expected));
    }
    assert!(list.pop().is_none());
    assert_eq!(list.len(), 0);
}

#[test]
fn task_owned_list_dropped_with_tasks_frees_them() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut list = OwnedTasks::new();
    list.insert(task("a", &log));
    list.insert(task("b", &log));
    drop(list);
    // The last references went with the list: each cell, future included, was freed.
    assert_eq!(log.borrow().len(), 2);
}

#[test]
fn task_owned_list_counts_live_tasks_and_shutdown_drops_the_rest() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let rt = Runtime::new().unwrap();
    let names = ["p", "q", "r"];
    let handles: Vec<_> = names
        .iter()
        .map(|&name| {
            let named = Named(name, log.clone());
            rt.spawn(async move {
                let _named = named;
                std::future::pending::<()>().await
            })
        })
        .collect();
    let done = rt.spawn(async { 5 });
    assert_eq!(rt.metrics().tasks_alive, 4);
    assert_eq!(rt.block_on(done).unwrap(), 5);
    assert_eq!(rt.metrics().tasks_alive, 3, "a finished task leaves the list");
    assert!(log.borrow().is_empty());
    drop(rt);
    assert_eq!(*log.borrow(), names, "shutdown drops the futures in the order they were spawned");
    for h in handles {
        assert!(h.is_finished());
    }
}
