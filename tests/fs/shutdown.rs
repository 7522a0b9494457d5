//! A write handed to the blocking pool survives the runtime's drop, as
//! tokio's (its file writes are "mandatory" blocking jobs).

use std::sync::mpsc;

use futures::AsyncWriteExt;
use runtime::fs::File;
use runtime::Builder;
use tempfile::tempdir;

use crate::support::bounded;

#[test]
fn write_queued_at_runtime_drop_still_reaches_the_disk() {
    let dir = tempdir().unwrap();
    let path = dir.path().join("data");
    let written = path.clone();
    bounded(move || {
        let rt = Builder::new().max_blocking_threads(1).build().unwrap();
        rt.block_on(async {
            let mut file = File::create(&written).await.unwrap();
            // Hold the only blocking thread until the runtime drops its tasks
            // (then the sender, kept by a task that never ends, goes away).
            let (tx, rx) = mpsc::channel::<()>();
            let (started_tx, started_rx) = mpsc::channel();
            drop(runtime::spawn_blocking(move || {
                let _ = started_tx.send(());
                let _ = rx.recv();
            }));
            runtime::spawn(async move {
                let _tx = tx;
                std::future::pending::<()>().await;
            });
            // The blocker runs on its own thread; waiting for it here is brief.
            started_rx.recv().unwrap();
            // Queued behind the blocker: not on a thread when the runtime closes its pool.
            file.write_all(b"must not be lost").await.unwrap();
        });
        drop(rt);
    });
    assert_eq!(std::fs::read(&path).unwrap(), b"must not be lost");
}
