//! The guards' `unsafe` (Deref into the cell, mapped pointers, the owned
//! `Arc` moved out, downgrades), exercised without a runtime so Miri can
//! run it.

// The owned forms take `Arc<Self>` as tokio's do, though `RwLock` is `!Sync`.
#![allow(clippy::arc_with_non_send_sync)]

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use super::*;

struct Noop;
impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

fn ready<F: Future>(f: F) -> F::Output {
    let waker = Waker::from(Arc::new(Noop));
    match pin!(f).poll(&mut Context::from_waker(&waker)) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("pending"),
    }
}

#[test]
fn borrowed_guards_map_downgrade_and_unlock() {
    let lock = RwLock::new((1, vec![b'a']));
    {
        let w = ready(lock.write());
        let mut bytes = RwLockWriteGuard::map(w, |v| &mut v.1);
        bytes.push(b'b');
        assert!(lock.try_read().is_err());
        let mut first = RwLockMappedWriteGuard::map(bytes, |b| &mut b[0]);
        *first = b'x';
        assert_eq!(format!("{first:?} {first}"), "120 120");
        let first = RwLockMappedWriteGuard::try_map(first, |_| None::<&mut u8>).unwrap_err();
        assert_eq!(*first, b'x');
    }
    let w = lock.try_write().unwrap();
    let w = RwLockWriteGuard::try_map(w, |_| None::<&mut u8>).unwrap_err();
    let w = RwLockWriteGuard::try_downgrade_map(w, |_| None::<&u8>).unwrap_err();
    let r = RwLockWriteGuard::downgrade_map(w, |v| &v.1);
    let r2 = lock.try_read().unwrap();
    assert_eq!(*r, b"xb");
    let r2 = RwLockReadGuard::map(r2, |v| &v.0);
    let r2 = RwLockReadGuard::try_map(r2, |_| None::<&u8>).unwrap_err();
    assert_eq!(*r2, 1);
    assert!(lock.try_write().is_err());
    drop((r, r2));
    let mut w = lock.try_write().unwrap();
    w.0 = 2;
    let r = w.downgrade();
    assert_eq!(r.0, 2);
    drop(r);
    let w = RwLockWriteGuard::into_mapped(lock.try_write().unwrap());
    assert!(lock.try_write().is_err());
    drop(w);
    assert_eq!(format!("{lock:?}"), r#"RwLock { data: (2, [120, 98]) }"#);
    assert_eq!(lock.into_inner().0, 2);
}

#[test]
fn owned_guards_map_keep_the_arc_and_unlock() {
    let lock = Arc::new(RwLock::new((1, String::from("a"))));
    {
        let w = ready(lock.clone().write_owned());
        assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&w), &lock));
        let mut s = OwnedRwLockWriteGuard::map(w, |v| &mut v.1);
        s.push('b');
        let s = OwnedRwLockMappedWriteGuard::try_map(s, |_| None::<&mut u8>).unwrap_err();
        let mut n = OwnedRwLockMappedWriteGuard::map(s, |s| s);
        n.make_ascii_lowercase();
        assert!(Arc::ptr_eq(OwnedRwLockMappedWriteGuard::rwlock(&n), &lock));
        assert!(lock.try_read().is_err());
    }
    let w = lock.clone().try_write_owned().unwrap();
    let w = OwnedRwLockWriteGuard::try_map(w, |_| None::<&mut u8>).unwrap_err();
    let w = OwnedRwLockWriteGuard::try_downgrade_map(w, |_| None::<&u8>).unwrap_err();
    let r = OwnedRwLockWriteGuard::downgrade_map(w, |v| v.1.as_str());
    assert_eq!(&*r, "ab");
    let r2 = ready(lock.clone().read_owned());
    let r2 = OwnedRwLockReadGuard::try_map(r2, |_| None::<&u8>).unwrap_err();
    let r2 = OwnedRwLockReadGuard::map(r2, |v| &v.0);
    assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&r2), &lock));
    assert_eq!((*r2, format!("{r2:?} {r2}")), (1, "1 1".into()));
    drop((r, r2));
    let r = lock.clone().try_write_owned().unwrap().downgrade();
    assert!(lock.clone().try_read_owned().is_ok());
    drop(r);
    let m = OwnedRwLockWriteGuard::into_mapped(lock.clone().try_write_owned().unwrap());
    drop(m);
    assert_eq!(Arc::strong_count(&lock), 1, "every guard gave its Arc back");
    assert!(lock.try_write().is_ok());
}
