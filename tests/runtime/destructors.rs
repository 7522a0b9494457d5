//! Destructors the runtime runs (of futures it drops unrun, or of tasks it
//! drops at shutdown) may use the runtime, and any other: no borrow of the
//! runtime's state is held while they run (issue 18, item 1).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use runtime::{Handle, Runtime};

use crate::support::bounded;

/// Makes, and drops, a runtime of its own when dropped; counts it.
struct MakesARuntime(Arc<AtomicUsize>);

impl Drop for MakesARuntime {
    fn drop(&mut self) {
        // A runtime's drop enters it: the thread-local of the current runtime
        // must not be borrowed here.
        drop(Runtime::new().expect("a runtime for the destructor"));
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Spawns, through a `Handle`, a future holding `MakesARuntime` when dropped.
struct SpawnsThroughAHandle(Handle, Arc<AtomicUsize>);

impl Drop for SpawnsThroughAHandle {
    fn drop(&mut self) {
        let guard = MakesARuntime(self.1.clone());
        drop(self.0.spawn(async move {
            let _guard = guard;
        }));
    }
}

#[test]
fn a_future_handle_spawn_drops_at_once_during_shutdown_may_drop_a_runtime() {
    let dropped = bounded(|| {
        let dropped = Arc::new(AtomicUsize::new(0));
        let rt = Runtime::new().unwrap();
        let counter = dropped.clone();
        rt.block_on(async move {
            let handle = Handle::current();
            // Dropped with the runtime: its destructor spawns on the runtime
            // that is shutting down, which drops the new future at once.
            drop(runtime::spawn(async move {
                let _guard = SpawnsThroughAHandle(handle, counter);
                std::future::pending::<()>().await;
            }));
            runtime::task::yield_now().await;
        });
        drop(rt);
        dropped.load(Ordering::SeqCst)
    });
    assert_eq!(dropped, 1);
}
