//! Recovery for a kqueue that loses events when its event list fills.
//!
//! libkqueue asks epoll for as many events as the list holds (at most
//! `MAX_KEVENT`, 512), but turns an event of an fd watched by both filters
//! into two kevents; when the list fills, it drops the rest of what epoll
//! returned. Those were edges: nothing reports them again. So after a wait
//! that filled the list, every registered source is reported ready both
//! ways, and each task retries its operation (a spurious wake costs a
//! `WouldBlock`; a lost one, a hang). The kernels' kqueues (and the
//! emulation) keep what does not fit queued for the next wait: there this
//! is off and keeps no table.

use std::collections::HashMap;
use std::os::fd::RawFd;

use super::sys::LOSSY_LIST;
use crate::driver::{Event, Readiness};

/// The registered sources, kept only where events can be lost.
#[derive(Debug)]
pub(super) struct Registered(Option<HashMap<(RawFd, i64), u64>>);

impl Registered {
    pub(super) fn new() -> Registered {
        Registered(LOSSY_LIST.map(|_| HashMap::new()))
    }

    /// `key`: an fd with filter 0, or an ident with its own filter (a pid
    /// with `EVFILT_PROC`).
    pub(super) fn insert(&mut self, key: (RawFd, i64), token: u64) {
        if let Some(map) = &mut self.0 {
            map.insert(key, token);
        }
    }

    pub(super) fn remove(&mut self, key: (RawFd, i64)) {
        if let Some(map) = &mut self.0 {
            map.remove(&key);
        }
    }

    /// After a wait that returned `n` entries in a list of `len`: if it may
    /// have lost events, reports every source ready both ways.
    pub(super) fn after_wait(&self, n: usize, len: usize, events: &mut Vec<Event>) {
        let (Some(map), Some(cap)) = (&self.0, LOSSY_LIST) else { return };
        if n >= len.min(cap) {
            let both = Readiness::READABLE.union(Readiness::WRITABLE);
            events.extend(map.values().map(|&token| Event { token, readiness: both, error: 0, socket_error: 0 }));
        }
    }
}
