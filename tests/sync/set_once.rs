//! Ported from tokio 1.54 `tests/sync_set_once.rs` (MIT), every assertion
//! kept. Left out: `set_and_wait_multiple_threads` and `set_and_wait_threads`,
//! which set the value from other OS threads (a `SetOnce` here is `!Sync`).
//! tokio's `static`s become leaked (`&'static`) or local cells, as these are
//! not `Sync`; `#[tokio::test]`s run through `support::run`.

use runtime::sync::SetOnce;

use std::sync::{
    atomic::{AtomicU32, Ordering},
    Arc,
};

#[derive(Clone)]
struct DropCounter {
    drops: Arc<AtomicU32>,
}

impl DropCounter {
    fn new() -> Self {
        DropCounter { drops: Arc::new(AtomicU32::new(0)) }
    }

    fn assert_num_drops(&self, value: u32) {
        assert_eq!(value, self.drops.load(Ordering::Relaxed));
    }
}

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::Relaxed);
    }
}

fn leaked<T>() -> &'static SetOnce<T> {
    Box::leak(Box::new(SetOnce::const_new()))
}

#[test]
fn drop_cell() {
    let fooer = DropCounter::new();
    let fooer_cl = fooer.clone();

    {
        let once_cell = SetOnce::new();
        let prev = once_cell.set(fooer_cl);
        assert!(prev.is_ok())
    }

    fooer.assert_num_drops(1);
}

#[test]
fn drop_cell_new_with() {
    let fooer = DropCounter::new();

    {
        let once_cell = SetOnce::new_with(Some(fooer.clone()));
        assert!(once_cell.initialized());
    }

    fooer.assert_num_drops(1);
}

#[test]
fn drop_into_inner() {
    let fooer = DropCounter::new();

    let once_cell = SetOnce::new();
    assert!(once_cell.set(fooer.clone()).is_ok());
    let val = once_cell.into_inner();
    fooer.assert_num_drops(0);
    drop(val);
    fooer.assert_num_drops(1);
}

#[test]
fn drop_into_inner_new_with() {
    let fooer = DropCounter::new();

    let once_cell = SetOnce::new_with(Some(fooer.clone()));
    let val = once_cell.into_inner();
    fooer.assert_num_drops(0);
    drop(val);
    fooer.assert_num_drops(1);
}

#[test]
fn from() {
    let cell = SetOnce::from(2);
    assert_eq!(*cell.get().unwrap(), 2);
}

#[test]
fn set_and_get() {
    let once: SetOnce<u32> = SetOnce::const_new();

    once.set(5).unwrap();
    let value = once.get().unwrap();
    assert_eq!(*value, 5);
}

#[test]
fn set_and_wait() {
    crate::support::run(|| async {
        let once: &'static SetOnce<u32> = leaked();

        runtime::spawn(async { once.set(5) });

        let value = once.wait().await;
        assert_eq!(*value, 5);
    })
}

#[test]
fn get_uninit() {
    let once: SetOnce<u32> = SetOnce::const_new();
    let uninit = once.get();
    assert!(uninit.is_none());
}

#[test]
fn set_twice() {
    let once: SetOnce<u32> = SetOnce::const_new();

    let first = once.set(5);
    assert_eq!(first, Ok(()));
    let second = once.set(6);
    assert!(second.is_err());
}

#[test]
fn is_none_initializing() {
    let once: SetOnce<u32> = SetOnce::const_new();

    assert_eq!(once.get(), None);

    once.set(20).unwrap();

    assert!(once.set(10).is_err());
}

#[test]
fn is_some_initializing() {
    crate::support::run(|| async {
        let once: &'static SetOnce<u32> = leaked();

        runtime::spawn(async { once.set(20) });

        assert_eq!(*once.wait().await, 20);
    })
}

#[test]
fn into_inner_int_empty_setonce() {
    let once = SetOnce::<u32>::new();

    let val = once.into_inner();

    assert!(val.is_none());
}
