//! Timers dropped, reset or polled away from their runtime.
//!
//! A `Sleep` registers in the store of the runtime that first polls it and
//! keeps only that runtime's id and its key. If it is later dropped, reset
//! or polled where that runtime is not current (on another thread, in
//! another runtime, after the runtime's `block_on` returned), it cannot
//! reach the store: it sends the key here instead. Each runtime has an
//! [`Orphans`] list, registered under its id in a process-wide table while
//! the runtime lives; the runtime removes the keys it finds there at its
//! next turn, so no stale entry stays behind. A key for a runtime that is
//! gone is dropped with nothing to do.
//!
//! Only this misuse path takes the table's lock; a turn costs one relaxed
//! load of the list's `pending` flag. The table is a plain list: a process
//! runs a few runtimes (one per thread at most), and a hash map would cost
//! every program its code for a path only misuse takes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use super::timers::TimerKey;

/// Each live runtime's id and list.
static TABLE: Mutex<Vec<(u64, Weak<List>)>> = Mutex::new(Vec::new());

fn table() -> MutexGuard<'static, Vec<(u64, Weak<List>)>> {
    TABLE.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Debug, Default)]
struct List {
    /// Whether `keys` may be non-empty; set after a push, cleared by `take`.
    pending: AtomicBool,
    keys: Mutex<Vec<TimerKey>>,
}

/// One runtime's list of keys to remove; unregisters itself on drop.
#[derive(Debug)]
pub(crate) struct Orphans {
    id: u64,
    list: Arc<List>,
}

impl Orphans {
    pub(crate) fn register(id: u64) -> Orphans {
        let list = Arc::new(List::default());
        table().push((id, Arc::downgrade(&list)));
        Orphans { id, list }
    }

    #[cfg(test)]
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The keys sent since the last call, if any.
    pub(crate) fn take(&self) -> Option<Vec<TimerKey>> {
        if !self.list.pending.swap(false, Ordering::Acquire) {
            return None;
        }
        Some(std::mem::take(&mut *self.list.keys.lock().unwrap_or_else(PoisonError::into_inner)))
    }
}

impl Drop for Orphans {
    fn drop(&mut self) {
        let mut table = table();
        if let Some(at) = table.iter().position(|(id, _)| *id == self.id) {
            table.swap_remove(at);
        }
    }
}

/// Asks runtime `id` to remove timer `key` at its next turn (nothing to do
/// if that runtime is gone).
pub(crate) fn send(id: u64, key: TimerKey) {
    let list = table().iter().find(|(live, _)| *live == id).and_then(|(_, list)| list.upgrade());
    if let Some(list) = list {
        list.keys.lock().unwrap_or_else(PoisonError::into_inner).push(key);
        list.pending.store(true, Ordering::Release);
    }
}
