//! Streams: [`StreamMap`], tokio-stream's keyed set of streams.
//!
//! The stream traits themselves are `futures_core::Stream` (and the
//! combinators of `futures` or `futures-lite` work on every stream here:
//! `Interval`, `incoming()`, signals, and this map).

use std::borrow::Borrow;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::macro_support::select_start;

/// Streams under keys, read as one stream of `(key, item)`: tokio-stream's
/// `StreamMap`, with its methods and behaviour.
///
/// Each poll starts at a random entry (so no stream starves the others) and
/// returns the first item found. A stream that ends is removed; the map's
/// stream ends when the map is empty. Inserting under a key that is taken
/// replaces that stream. Streams must be `Unpin` (`Box::pin` one that is
/// not); keys are cloned into each item.
///
/// ```
/// use futures::StreamExt;
/// use runtime::stream::StreamMap;
///
/// runtime::block_on(async {
///     let mut map = StreamMap::new();
///     map.insert("evens", futures::stream::iter(vec![0, 2]));
///     map.insert("odds", futures::stream::iter(vec![1]));
///     let mut got: Vec<(&str, i32)> = map.collect().await;
///     got.sort();
///     assert_eq!(got, [("evens", 0), ("evens", 2), ("odds", 1)]);
/// });
/// ```
#[derive(Debug)]
pub struct StreamMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> StreamMap<K, V> {
    /// An empty map; allocates nothing until the first insert.
    pub fn new() -> StreamMap<K, V> {
        StreamMap { entries: Vec::new() }
    }

    /// An empty map with room for `capacity` streams.
    pub fn with_capacity(capacity: usize) -> StreamMap<K, V> {
        StreamMap { entries: Vec::with_capacity(capacity) }
    }

    /// The entries, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &(K, V)> {
        self.entries.iter()
    }

    /// The entries, mutably, in no particular order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut (K, V)> {
        self.entries.iter_mut()
    }

    /// The keys, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The streams, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The streams, mutably, in no particular order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// How many streams the map holds room for.
    pub fn capacity(&self) -> usize {
        self.entries.capacity()
    }

    /// How many streams the map holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map holds no stream.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops every stream; keeps the allocation.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Adds `stream` under `key`; returns the stream it replaces, if the
    /// key was taken.
    pub fn insert(&mut self, key: K, stream: V) -> Option<V>
    where
        K: Eq,
    {
        let old = self.remove(&key);
        self.entries.push((key, stream));
        old
    }

    /// Takes out the stream under `key`, if any.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        let index = self.entries.iter().position(|(k, _)| k.borrow() == key)?;
        Some(self.entries.swap_remove(index).1)
    }

    /// Whether a stream is under `key`.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        self.entries.iter().any(|(k, _)| k.borrow() == key)
    }
}

impl<K, V> StreamMap<K, V>
where
    K: Clone + Unpin,
    V: Stream + Unpin,
{
    /// Receives up to `limit` items into `buffer`, waiting for the first:
    /// `0` once the map is empty (or `limit` is 0), else how many it added.
    pub async fn next_many(&mut self, buffer: &mut Vec<(K, V::Item)>, limit: usize) -> usize {
        poll_fn(|cx| self.poll_next_many(cx, buffer, limit)).await
    }

    /// The poll form of [`next_many`](Self::next_many): `Pending` while
    /// every stream is, after registering `cx`'s waker with each.
    pub fn poll_next_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<(K, V::Item)>,
        limit: usize,
    ) -> Poll<usize> {
        let mut added = 0;
        while added < limit {
            match self.poll_one_round(cx, buffer, limit - added) {
                0 => break,
                n => added += n,
            }
        }
        if added > 0 || self.entries.is_empty() || limit == 0 {
            Poll::Ready(added)
        } else {
            Poll::Pending
        }
    }

    /// Polls each stream at most once, from a random one, taking items
    /// until `room` is used up; removes the streams that ended. Returns
    /// how many items it took.
    fn poll_one_round(&mut self, cx: &mut Context<'_>, buffer: &mut Vec<(K, V::Item)>, room: usize) -> usize {
        let mut added = 0;
        if room > 0 {
            self.poll_round(cx, |item| {
                buffer.push(item);
                added += 1;
                added == room
            });
        }
        added
    }

    /// The one polling loop: each stream at most once, from a random one;
    /// every item goes to `take`, which says whether to stop. Streams that
    /// ended on the way are removed after the loop.
    fn poll_round(&mut self, cx: &mut Context<'_>, mut take: impl FnMut((K, V::Item)) -> bool) {
        let n = self.entries.len();
        if n == 0 {
            return;
        }
        let start = select_start(n as u32) as usize;
        let mut ended = Vec::new();
        for k in 0..n {
            let i = (start + k) % n;
            let (key, stream) = &mut self.entries[i];
            match Pin::new(stream).poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    if take((key.clone(), item)) {
                        break;
                    }
                }
                Poll::Ready(None) => ended.push(i),
                Poll::Pending => {}
            }
        }
        // Highest first, so each `swap_remove` leaves the lower ones in place.
        ended.sort_unstable_by(|a, b| b.cmp(a));
        for i in ended {
            self.entries.swap_remove(i);
        }
    }
}

impl<K, V> Default for StreamMap<K, V> {
    fn default() -> StreamMap<K, V> {
        StreamMap::new()
    }
}

impl<K, V> Stream for StreamMap<K, V>
where
    K: Clone + Unpin,
    V: Stream + Unpin,
{
    type Item = (K, V::Item);

    /// The first item of any stream, from a random one on: streams that
    /// ended on the way are removed; `None` once the map is empty.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<(K, V::Item)>> {
        let this = self.get_mut();
        let mut found = None;
        this.poll_round(cx, |item| {
            found = Some(item);
            true
        });
        match found {
            Some(item) => Poll::Ready(Some(item)),
            None if this.entries.is_empty() => Poll::Ready(None),
            None => Poll::Pending,
        }
    }

    /// The sum of the streams' hints (no upper bound if one has none).
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.iter().fold((0, Some(0)), |(lo, hi), (_, stream)| {
            let (l, h) = stream.size_hint();
            (lo.saturating_add(l), hi.zip(h).and_then(|(a, b)| a.checked_add(b)))
        })
    }
}

impl<K: Eq, V> FromIterator<(K, V)> for StreamMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> StreamMap<K, V> {
        let mut map = StreamMap::new();
        map.extend(iter);
        map
    }
}

impl<K: Eq, V> Extend<(K, V)> for StreamMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (key, stream) in iter {
            self.insert(key, stream);
        }
    }
}
