//! tokio's `tests/time_interval.rs`, ported with every assertion kept
//! (tokio's mpsc is futures' here), plus overflow checks of issue 15.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::{SinkExt, Stream, StreamExt};
use runtime::time::{self, Duration, Instant, Interval, MissedTickBehavior};

use crate::support::run;
use crate::time_util::{ms, paused, spawn, Spawn};
use crate::{assert_pending, assert_ready, assert_ready_eq};

// For each time delta, polls the `Interval` and asserts that the result is
// `start` + that delta; then asserts that the `Interval` is pending.
macro_rules! check_interval_poll {
    ($i:ident, $start:ident, $($delta:expr),*$(,)?) => {
        $(
            assert_ready_eq!(poll_next(&mut $i), $start + ms($delta));
        )*
        assert_pending!(poll_next(&mut $i));
    };
    ($i:ident, $start:ident) => {
        check_interval_poll!($i, $start,);
    };
}

#[test]
#[should_panic]
fn interval_zero_duration() {
    let _ = time::interval_at(Instant::now(), ms(0));
}

#[test]
fn burst() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let mut i = spawn(time::interval_at(start, ms(300)));
        check_interval_poll!(i, start, 0);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        time::advance(ms(200)).await;
        check_interval_poll!(i, start, 300);
        time::advance(ms(650)).await;
        check_interval_poll!(i, start, 600, 900);
        time::advance(ms(200)).await;
        check_interval_poll!(i, start);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start, 1200);
        time::advance(ms(250)).await;
        check_interval_poll!(i, start, 1500);
        time::advance(ms(300)).await;
        check_interval_poll!(i, start, 1800);
    });
}

#[test]
fn delay() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let mut i = spawn(time::interval_at(start, ms(300)));
        i.set_missed_tick_behavior(MissedTickBehavior::Delay);
        check_interval_poll!(i, start, 0);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        time::advance(ms(200)).await;
        check_interval_poll!(i, start, 300);
        time::advance(ms(650)).await;
        check_interval_poll!(i, start, 600);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        time::advance(ms(201)).await;
        check_interval_poll!(i, start, 1251);
        time::advance(ms(300)).await;
        check_interval_poll!(i, start, 1551);
        time::advance(ms(300)).await;
        check_interval_poll!(i, start, 1851);
    });
}

#[test]
fn skip() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let mut i = spawn(time::interval_at(start, ms(300)));
        i.set_missed_tick_behavior(MissedTickBehavior::Skip);
        check_interval_poll!(i, start, 0);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        time::advance(ms(200)).await;
        check_interval_poll!(i, start, 300);
        time::advance(ms(650)).await;
        check_interval_poll!(i, start, 600);
        time::advance(ms(250)).await;
        check_interval_poll!(i, start, 1200);
        time::advance(ms(300)).await;
        check_interval_poll!(i, start, 1500);
        time::advance(ms(300)).await;
        check_interval_poll!(i, start, 1800);
    });
}

#[test]
fn reset_doesnt_panic_max_duration() {
    run(|| async {
        let mut interval = time::interval(Duration::MAX);
        interval.reset();
    });
}

#[test]
fn reset_after_doesnt_panic_max_duration() {
    run(|| async {
        let mut interval = time::interval(ms(1));
        interval.reset_after(Duration::MAX);
    });
}

#[test]
fn reset() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let mut i = spawn(time::interval_at(start, ms(300)));
        check_interval_poll!(i, start, 0);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        time::advance(ms(200)).await;
        check_interval_poll!(i, start, 300);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        i.reset();
        time::advance(ms(250)).await;
        check_interval_poll!(i, start);
        time::advance(ms(50)).await;
        check_interval_poll!(i, start, 701);
        time::advance(ms(300)).await;
        check_interval_poll!(i, start, 1001);
    });
}

#[test]
fn reset_immediately() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let mut i = spawn(time::interval_at(start, ms(300)));
        check_interval_poll!(i, start, 0);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        time::advance(ms(200)).await;
        check_interval_poll!(i, start, 300);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        i.reset_immediately();
        check_interval_poll!(i, start, 401);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        time::advance(ms(200)).await;
        check_interval_poll!(i, start, 701);
    });
}

#[test]
fn reset_after() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let mut i = spawn(time::interval_at(start, ms(300)));
        check_interval_poll!(i, start, 0);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        time::advance(ms(200)).await;
        check_interval_poll!(i, start, 300);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        i.reset_after(Duration::from_millis(20));
        time::advance(ms(20)).await;
        check_interval_poll!(i, start, 421);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        time::advance(ms(200)).await;
        check_interval_poll!(i, start, 721);
    });
}

#[test]
fn reset_at() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let mut i = spawn(time::interval_at(start, ms(300)));
        check_interval_poll!(i, start, 0);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        time::advance(ms(200)).await;
        check_interval_poll!(i, start, 300);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        i.reset_at(Instant::now() + Duration::from_millis(40));
        time::advance(ms(40)).await;
        check_interval_poll!(i, start, 441);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        time::advance(ms(200)).await;
        check_interval_poll!(i, start, 741);
    });
}

#[test]
fn reset_at_bigger_than_interval() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let mut i = spawn(time::interval_at(start, ms(300)));
        check_interval_poll!(i, start, 0);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        time::advance(ms(200)).await;
        check_interval_poll!(i, start, 300);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start);
        i.reset_at(Instant::now() + Duration::from_millis(1000));
        // Validate the interval does not tick until 1000ms have passed
        time::advance(ms(300)).await;
        check_interval_poll!(i, start);
        time::advance(ms(300)).await;
        check_interval_poll!(i, start);
        time::advance(ms(300)).await;
        check_interval_poll!(i, start);
        time::advance(ms(100)).await;
        check_interval_poll!(i, start, 1401);
        time::advance(ms(300)).await;
        check_interval_poll!(i, start, 1701);
    });
}

fn poll_next(interval: &mut Spawn<time::Interval>) -> Poll<Instant> {
    interval.enter(|cx, mut interval| interval.poll_tick(cx))
}

/// Counts ticks of an interval used as a stream and yields every fourth; with
/// `wake_on_pending` false it relies on `poll_tick` alone to wake it, which
/// must not happen after a `Ready` (the waker is not kept then).
struct IntervalStreamer {
    counter: u32,
    timer: Interval,
    wake_on_pending: bool,
}

impl Stream for IntervalStreamer {
    type Item = u32;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = Pin::into_inner(self);
        if this.counter > 12 {
            return Poll::Ready(None);
        }
        match this.timer.poll_tick(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(_) => {
                this.counter += 1;
                if this.counter.is_multiple_of(4) {
                    Poll::Ready(Some(this.counter))
                } else {
                    if this.wake_on_pending {
                        cx.waker().wake_by_ref();
                    }
                    Poll::Pending
                }
            }
        }
    }
}

async fn collect_streamer(wake_on_pending: bool) -> Vec<u32> {
    let stream = IntervalStreamer { counter: 0, timer: time::interval(Duration::from_millis(10)), wake_on_pending };
    let (mut res_tx, mut res_rx) = futures::channel::mpsc::channel(12);
    // Wrapped in a timeout so that it finishes even if the stream stalls.
    runtime::spawn(time::timeout(Duration::from_millis(150), async move {
        futures::pin_mut!(stream);
        while let Some(item) = stream.next().await {
            res_tx.send(item).await.ok();
        }
    }));
    let mut items = Vec::new();
    while let Some(result) = res_rx.next().await {
        items.push(result);
    }
    items
}

#[test]
fn stream_with_interval_poll_tick_self_waking() {
    let items = paused(|| collect_streamer(true));
    // We expect the stream to yield normally and thus three items.
    assert_eq!(items, vec![4, 8, 12]);
}

#[test]
fn stream_with_interval_poll_tick_no_waking() {
    let items = paused(|| collect_streamer(false));
    // The stream stalls: it does not reschedule itself on `Pending`, and
    // `Interval` does not wake the task after returning `Ready`.
    assert_eq!(items, Vec::<u32>::new());
}

#[test]
fn interval_doesnt_panic_max_duration_when_polling() {
    paused(|| async {
        let mut timer = spawn(time::interval(Duration::MAX));
        assert_ready!(timer.enter(|cx, mut timer| timer.poll_tick(cx)));
    });
}

/// `Interval` is a `futures_core::Stream` of the instants it ticks at.
#[test]
fn interval_is_a_stream() {
    paused(|| async {
        let start = Instant::now();
        let ticks: Vec<Instant> = time::interval(ms(10)).take(3).collect().await;
        assert_eq!(ticks, vec![start, start + ms(10), start + ms(20)]);
    });
}

/// Every missed-tick rule and reset saturates instead of overflowing, even
/// after a tick of a period that is all but `Duration::MAX`.
#[test]
fn interval_overflow_saturates_everywhere() {
    paused(|| async {
        for behavior in [MissedTickBehavior::Burst, MissedTickBehavior::Delay, MissedTickBehavior::Skip] {
            let first = Instant::now();
            let mut i = time::interval_at(first, Duration::MAX - Duration::from_nanos(1));
            i.set_missed_tick_behavior(behavior);
            // The first tick is taken 10 ms late: the missed-tick rule runs.
            time::advance(ms(10)).await;
            assert_eq!(i.tick().await, first);
            let mut next = spawn(i);
            assert_pending!(next.enter(|cx, mut i| i.poll_tick(cx)));
            let mut i = next.into_inner();
            assert!(i.period() <= Duration::from_secs(86400 * 365 * 31));
            i.reset();
            i.reset_after(Duration::MAX);
            i.reset_immediately();
            assert!(i.tick().await >= first);
        }
        let mut sleep = Box::pin(time::sleep(Duration::MAX));
        assert!(sleep.deadline() > Instant::now() + Duration::from_secs(86400 * 365 * 29));
        sleep.as_mut().reset(Instant::now() + ms(1));
        sleep.await;
        assert!(time::timeout(Duration::MAX, async { 5 }).await == Ok(5));
        let mut far = spawn(time::timeout(Duration::MAX, std::future::pending::<()>()));
        assert_pending!(far.poll());
    });
}
