//! A FIFO of waiting futures, with removal from anywhere in O(1).
//!
//! Each waiter is a node in a slab, linked into a doubly linked list of
//! slab keys. A notifier *unlinks* a node (it leaves the queue, but stays in
//! the slab) and takes its waker; the waiting future alone *removes* its node
//! from the slab, when it completes or is dropped. So a key stays valid, and
//! never names another waiter, for as long as the future that holds it.
//!
//! Nothing here wakes anyone: the caller collects wakers while it holds its
//! `RefCell` borrow and wakes them after releasing it.

use std::task::Waker;

use slab::Slab;

/// The end of the list.
const NIL: usize = usize::MAX;

#[derive(Debug)]
pub(crate) struct WaitList<T> {
    nodes: Slab<Node<T>>,
    head: usize,
    tail: usize,
    /// Linked nodes only.
    len: usize,
}

#[derive(Debug)]
struct Node<T> {
    prev: usize,
    next: usize,
    /// In the queue. Once unlinked, a node is never linked again.
    linked: bool,
    waker: Option<Waker>,
    value: T,
}

impl<T> WaitList<T> {
    pub(crate) const fn new() -> WaitList<T> {
        WaitList { nodes: Slab::new(), head: NIL, tail: NIL, len: 0 }
    }

    /// Linked waiters.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Queues a waiter at the back; returns its key.
    pub(crate) fn push_back(&mut self, value: T, waker: Option<Waker>) -> usize {
        let key = self.nodes.insert(Node { prev: self.tail, next: NIL, linked: true, waker, value });
        match self.tail {
            NIL => self.head = key,
            tail => self.nodes[tail].next = key,
        }
        self.tail = key;
        self.len += 1;
        key
    }

    /// Adds a node that is not queued: a waiter already served.
    pub(crate) fn insert_unlinked(&mut self, value: T) -> usize {
        self.nodes.insert(Node { prev: NIL, next: NIL, linked: false, waker: None, value })
    }

    /// The first linked waiter.
    pub(crate) fn front(&self) -> Option<usize> {
        (self.head != NIL).then_some(self.head)
    }

    /// The last linked waiter.
    pub(crate) fn back(&self) -> Option<usize> {
        (self.tail != NIL).then_some(self.tail)
    }

    pub(crate) fn is_linked(&self, key: usize) -> bool {
        self.nodes[key].linked
    }

    pub(crate) fn value_mut(&mut self, key: usize) -> &mut T {
        &mut self.nodes[key].value
    }

    /// Keeps `waker` as the one to wake (unless the stored one wakes the
    /// same task); returns the replaced one, to drop after the borrow.
    pub(crate) fn set_waker(&mut self, key: usize, waker: &Waker) -> Option<Waker> {
        replace_waker(&mut self.nodes[key].waker, waker)
    }

    /// Takes the waiter out of the queue (it stays in the slab until
    /// [`remove`](Self::remove)) and returns its waker.
    pub(crate) fn unlink(&mut self, key: usize) -> Option<Waker> {
        let node = &mut self.nodes[key];
        if !node.linked {
            return None;
        }
        node.linked = false;
        let (prev, next) = (node.prev, node.next);
        let waker = node.waker.take();
        match prev {
            NIL => self.head = next,
            p => self.nodes[p].next = next,
        }
        match next {
            NIL => self.tail = prev,
            n => self.nodes[n].prev = prev,
        }
        self.len -= 1;
        waker
    }

    /// Forgets the waiter (unlinking it first if it is still queued).
    /// Returns its value and whether it was still queued; its waker, if
    /// any, goes to `wakers` to be dropped after the borrow.
    pub(crate) fn remove(&mut self, key: usize, wakers: &mut WakeList) -> (T, bool) {
        let linked = self.nodes[key].linked;
        wakers.defer_drop(self.unlink(key));
        (self.nodes.remove(key).value, linked)
    }

    /// Unlinks every waiter, in queue order, and collects their wakers.
    pub(crate) fn unlink_all(&mut self, wakers: &mut WakeList) {
        while let Some(key) = self.front() {
            wakers.push(self.unlink(key));
        }
    }
}

/// Stores `waker` in `slot` unless the stored one wakes the same task;
/// returns the waker it replaced, to drop after the borrow.
pub(crate) fn replace_waker(slot: &mut Option<Waker>, waker: &Waker) -> Option<Waker> {
    match slot {
        Some(w) if w.will_wake(waker) => None,
        _ => slot.replace(waker.clone()),
    }
}

/// Wakers collected under a borrow, to wake (or just drop: a waker's drop
/// may be foreign code too) once it has ended. One of each is kept inline:
/// most operations wake one task at most, and replace one waker at most;
/// the rest spill into vectors, off the fast path.
#[derive(Debug, Default)]
pub(crate) struct WakeList {
    first: Option<Waker>,
    rest: Vec<Waker>,
    stale: Option<Waker>,
    more_stale: Vec<Waker>,
}

impl WakeList {
    pub(crate) const fn new() -> WakeList {
        WakeList { first: None, rest: Vec::new(), stale: None, more_stale: Vec::new() }
    }

    /// Keeps `waker` to wake.
    #[inline]
    pub(crate) fn push(&mut self, waker: Option<Waker>) {
        let Some(waker) = waker else { return };
        match self.first {
            None => self.first = Some(waker),
            Some(_) => self.rest.push(waker),
        }
    }

    /// Keeps `waker` to drop, unwoken, with the others.
    #[inline]
    pub(crate) fn defer_drop(&mut self, waker: Option<Waker>) {
        let Some(waker) = waker else { return };
        if let Some(old) = self.stale.replace(waker) {
            self.more_stale.push(old);
        }
    }

    /// Wakes them all. Call with no `RefCell` of ours borrowed.
    #[inline]
    pub(crate) fn wake_all(self) {
        let WakeList { first, rest, stale, more_stale } = self;
        if let Some(w) = first {
            w.wake();
        }
        if !rest.is_empty() {
            wake_rest(rest);
        }
        drop(stale);
        drop(more_stale);
    }
}

#[cold]
fn wake_rest(rest: Vec<Waker>) {
    for w in rest {
        w.wake();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::task::Wake;

    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }

    fn noop() -> Waker {
        Arc::new(Noop).into()
    }

    #[test]
    fn wait_list_keeps_fifo_order_and_removes_from_the_middle() {
        let mut list = WaitList::new();
        let keys: Vec<usize> = (0..4).map(|i| list.push_back(i, Some(noop()))).collect();
        assert_eq!(list.len(), 4);
        let mut wakers = WakeList::new();
        let (value, linked) = list.remove(keys[1], &mut wakers);
        assert!(wakers.stale.is_some());
        assert_eq!((value, linked), (1, true));
        assert!(list.unlink(keys[0]).is_some());
        assert!(!list.is_linked(keys[0]));
        assert_eq!(list.front(), Some(keys[2]));
        assert_eq!(list.back(), Some(keys[3]));
        assert_eq!(list.remove(keys[0], &mut wakers), (0, false));
        assert!(wakers.stale.is_some());
        let mut wakers = WakeList::new();
        list.unlink_all(&mut wakers);
        assert!(wakers.first.is_some());
        assert_eq!(wakers.rest.len(), 1);
        assert_eq!(list.len(), 0);
        assert_eq!(list.front(), None);
    }
}
