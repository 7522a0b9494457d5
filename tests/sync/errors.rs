//! Ported from tokio 1.54 `tests/sync_errors.rs` (MIT): the single-thread parts, every assertion kept.

fn is_error<T: std::error::Error + Send + Sync>() {}

#[test]
fn mpsc_error_bound() {
    use runtime::sync::mpsc::error;

    is_error::<error::SendError<()>>();
    is_error::<error::TrySendError<()>>();
}

#[test]
fn oneshot_error_bound() {
    use runtime::sync::oneshot::error;

    is_error::<error::RecvError>();
    is_error::<error::TryRecvError>();
}

#[test]
fn watch_error_bound() {
    use runtime::sync::watch::error;

    is_error::<error::SendError<()>>();
}

// Beyond tokio's file: the other error types are errors too.
#[test]
fn other_error_bounds() {
    is_error::<runtime::sync::mpsc::error::TryRecvError>();
    is_error::<runtime::sync::mpsc::error::SendTimeoutError<()>>();
    is_error::<runtime::sync::watch::error::RecvError>();
    is_error::<runtime::sync::AcquireError>();
    is_error::<runtime::sync::TryAcquireError>();
    is_error::<runtime::sync::TryLockError>();
}
