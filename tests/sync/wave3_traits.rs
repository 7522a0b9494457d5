//! `Debug` output (tokio's) and the thread-safety markers of the third-wave
//! sync types: the channel handles and guards are `!Send`, the shared
//! types `!Sync` (for tasks of one thread).

use runtime::sync::{broadcast, Barrier, OnceCell, RwLock, RwLockReadGuard, RwLockWriteGuard, SetOnce};
use runtime::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard};

trait AmbiguousIfSend<A> {
    fn some_item() {}
}
impl<T: ?Sized> AmbiguousIfSend<()> for T {}
impl<T: ?Sized + Send> AmbiguousIfSend<u8> for T {}

trait AmbiguousIfSync<A> {
    fn some_item() {}
}
impl<T: ?Sized> AmbiguousIfSync<()> for T {}
impl<T: ?Sized + Sync> AmbiguousIfSync<u8> for T {}

macro_rules! assert_not_send {
    ($($t:ty),* $(,)?) => {$(
        let _ = <$t as AmbiguousIfSend<_>>::some_item;
    )*};
}

macro_rules! assert_not_sync {
    ($($t:ty),* $(,)?) => {$(
        let _ = <$t as AmbiguousIfSync<_>>::some_item;
    )*};
}

#[test]
fn handles_and_guards_are_not_send_and_shared_types_not_sync() {
    assert_not_send!(
        broadcast::Sender<u8>,
        broadcast::Receiver<u8>,
        broadcast::WeakSender<u8>,
        RwLockReadGuard<'static, u8>,
        RwLockWriteGuard<'static, u8>,
        OwnedRwLockReadGuard<u8>,
        OwnedRwLockWriteGuard<u8>,
    );
    assert_not_sync!(RwLock<u8>, Barrier, OnceCell<u8>, SetOnce<u8>);
}

#[test]
fn debug_is_tokios() {
    let (tx, rx) = broadcast::channel::<String>(2);
    assert_eq!(
        format!("{tx:?} {rx:?} {:?}", tx.downgrade()),
        "broadcast::Sender broadcast::Receiver broadcast::WeakSender"
    );

    let lock = RwLock::new(5);
    assert_eq!(format!("{lock:?}"), "RwLock { data: 5 }");
    let w = lock.try_write().unwrap();
    assert_eq!(format!("{lock:?} {w:?} {w}"), "RwLock { data: <locked> } 5 5");
    let r = w.downgrade();
    assert_eq!(format!("{lock:?} {r:?}"), "RwLock { data: 5 } 5");

    let cell = OnceCell::new();
    assert_eq!(format!("{cell:?}"), "OnceCell { value: None }");
    cell.set(1).unwrap();
    assert_eq!(format!("{cell:?}"), "OnceCell { value: Some(1) }");
    assert_eq!(format!("{:?}", SetOnce::from("x")), r#"SetOnce { value: Some("x") }"#);

    let barrier = Barrier::new(1);
    assert_eq!(format!("{barrier:?}"), "Barrier { arrived: 0, generation: 0, n: 1 }");
}

#[test]
fn errors_display_as_tokios() {
    use broadcast::error::{RecvError, SendError, TryRecvError};
    use runtime::sync::{SetError, SetOnceError};

    assert_eq!(SendError(1).to_string(), "channel closed");
    assert_eq!(RecvError::Closed.to_string(), "channel closed");
    assert_eq!(RecvError::Lagged(3).to_string(), "channel lagged by 3");
    assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
    assert_eq!(TryRecvError::Lagged(2).to_string(), "channel lagged by 2");
    assert_eq!(SetError::AlreadyInitializedError(1).to_string(), "AlreadyInitializedError");
    assert_eq!(SetError::InitializingError(1).to_string(), "InitializingError");
    assert_eq!(SetOnceError(1).to_string(), "SetOnceError");
}
