//! Dropping a runtime drops its tasks inside its context, and leaks nothing.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use crate::support::{fd_count, isolated};

struct InContext(Rc<Cell<Option<bool>>>);

impl Drop for InContext {
    fn drop(&mut self) {
        // Only inside the runtime's context can a destructor reach it.
        let inside = std::panic::catch_unwind(runtime::metrics).is_ok();
        self.0.set(Some(inside));
    }
}

#[test]
fn drop_runtime_drops_pending_tasks_inside_its_context() {
    let seen = Rc::new(Cell::new(None));
    let rt = runtime::Runtime::new().unwrap();
    let guard = InContext(seen.clone());
    rt.spawn(async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    });
    rt.block_on(runtime::task::yield_now());
    assert_eq!(seen.get(), None);
    drop(rt);
    assert_eq!(seen.get(), Some(true));
}

#[test]
fn drop_runtime_drops_never_polled_tasks() {
    let seen = Rc::new(Cell::new(None));
    let rt = runtime::Runtime::new().unwrap();
    let guard = InContext(seen.clone());
    let handle = rt.spawn(async move {
        let _guard = guard;
    });
    drop(rt);
    assert_eq!(seen.get(), Some(true));
    drop(handle);
}

#[test]
fn drop_runtime_cancels_handles_still_held() {
    let rt = runtime::Runtime::new().unwrap();
    let handle = rt.spawn(std::future::pending::<()>());
    drop(rt);
    assert!(handle.is_finished());
    let err = runtime::block_on(handle).unwrap_err();
    assert!(err.is_cancelled());
}

#[test]
fn drop_runtime_with_io_timers_and_tasks_leaks_no_fds() {
    isolated("drop::drop_runtime_with_io_timers_and_tasks_leaks_no_fds", || {
        // Warm up lazily created process-wide fds before counting.
        drop(runtime::Runtime::new().unwrap());
        let before = fd_count();
        for _ in 0..20 {
            let rt = runtime::Runtime::new().unwrap();
            rt.block_on(async {
                let (r, w) = crate::support::pipe();
                let r = runtime::io::AsyncFd::new(r).unwrap();
                runtime::spawn(async move {
                    let _w = w;
                    let _ = r.readable().await;
                    let _ = r.read_with(|f| std::io::Read::read(&mut &*f, &mut [0u8; 8])).await;
                });
                runtime::spawn(runtime::time::sleep(Duration::from_secs(3600)));
                runtime::task::yield_now().await;
            });
        }
        assert_eq!(fd_count(), before);
    });
}
