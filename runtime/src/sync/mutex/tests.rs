//! The guards' `unsafe` (Deref into the cell, mapped pointers, the owned
//! `Arc` moved out), exercised without a runtime so Miri can run it.

// The owned forms take `Arc<Self>` as tokio's do, though `Mutex` is `!Sync`.
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
fn mutex_guards_map_and_unlock() {
    let m = Mutex::new((1, vec![b'a']));
    {
        let g = ready(m.lock());
        let mut bytes = MutexGuard::map(g, |v| &mut v.1);
        bytes.push(b'b');
        assert!(m.try_lock().is_err());
        let mut first = MappedMutexGuard::map(bytes, |b| &mut b[0]);
        *first = b'x';
        assert_eq!(format!("{first:?} {first}"), "120 120");
        let first = MappedMutexGuard::try_map(first, |_| None::<&mut u8>).unwrap_err();
        assert_eq!(*first, b'x');
    }
    let g = m.try_lock().unwrap();
    assert_eq!(g.1, b"xb");
    let g = MutexGuard::try_map(g, |v| if v.0 == 2 { Some(&mut v.0) } else { None }).unwrap_err();
    assert!(MutexGuard::mutex(&g).try_lock().is_err());
    drop(g);
    assert_eq!(m.into_inner().0, 1);
}

#[test]
fn owned_guards_map_keep_the_arc_and_unlock() {
    let m = Arc::new(Mutex::new(vec![1, 2, 3]));
    let g = ready(m.clone().lock_owned());
    assert_eq!(Arc::strong_count(&m), 2);
    let mut last = OwnedMutexGuard::map(g, |v| v.last_mut().unwrap());
    *last = 30;
    assert!(m.try_lock().is_err());
    let last = OwnedMappedMutexGuard::try_map(last, |_| None::<&mut u8>).unwrap_err();
    assert!(Arc::ptr_eq(OwnedMappedMutexGuard::mutex(&last), &m));
    drop(last);
    assert_eq!(Arc::strong_count(&m), 1);
    let g = m.clone().try_lock_owned().unwrap();
    assert_eq!(*g, [1, 2, 30]);
    assert_eq!(format!("{g:?}"), "[1, 2, 30]");
    assert_eq!(format!("{m:?}"), "Mutex { data: <locked> }");
    drop(g);
    assert_eq!(format!("{m:?}"), "Mutex { data: [1, 2, 30] }");
}
