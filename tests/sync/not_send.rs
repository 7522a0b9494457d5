//! The shared `sync` types are `!Send`, checked at compile time: if one of
//! them became `Send`, the call below would be ambiguous and fail to compile.

use runtime::sync::{mpsc, oneshot, watch};
use runtime::task::{AbortHandle, JoinSet};

trait AmbiguousIfSend<A> {
    fn some_item() {}
}
impl<T: ?Sized> AmbiguousIfSend<()> for T {}
impl<T: ?Sized + Send> AmbiguousIfSend<u8> for T {}

macro_rules! assert_not_send {
    ($($t:ty),* $(,)?) => {$(
        let _ = <$t as AmbiguousIfSend<_>>::some_item;
    )*};
}

#[test]
fn sync_channel_types_are_not_send() {
    assert_not_send!(
        mpsc::Sender<u8>,
        mpsc::Receiver<u8>,
        mpsc::WeakSender<u8>,
        mpsc::OwnedPermit<u8>,
        mpsc::UnboundedSender<u8>,
        mpsc::UnboundedReceiver<u8>,
        oneshot::Sender<u8>,
        oneshot::Receiver<u8>,
        watch::Sender<u8>,
        watch::Receiver<u8>,
        JoinSet<u8>,
        AbortHandle,
    );
}
