//! tokio's `tests/time_pause.rs`, ported with every assertion kept (the
//! multi-thread cases do not apply: there is one thread). This runtime's
//! own checks of the clock are in `time_clock.rs`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use runtime::time::{self, Duration, Instant, Sleep};

use crate::support::run;
use crate::time_util::{ms, paused, spawn, Spawn};
use crate::{assert_elapsed, assert_pending, assert_ready, assert_ready_eq};

#[test]
fn pause_time_in_main() {
    run(|| async {
        runtime::time::pause();
    });
}

#[test]
fn pause_time_in_task() {
    run(|| async {
        let t = runtime::spawn(async {
            runtime::time::pause();
        });
        t.await.unwrap();
    });
}

#[test]
fn paused_time_is_deterministic() {
    let run_1 = paused_time_stress_run();
    let run_2 = paused_time_stress_run();
    assert_eq!(run_1, run_2);
}

/// A seeded xorshift in place of tokio's `StdRng::seed_from_u64(1)`.
struct Rng(u64);

impl Rng {
    fn below(&mut self, limit: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Duration::from_nanos(self.0 % limit.as_nanos() as u64)
    }
}

fn paused_time_stress_run() -> Vec<Duration> {
    paused(|| async {
        let mut rng = Rng(1);
        let mut times = vec![];
        let start = Instant::now();
        for _ in 0..10_000 {
            let sleep = rng.below(Duration::from_secs(1));
            time::sleep(sleep).await;
            times.push(start.elapsed());
        }
        times
    })
}

#[test]
fn advance_after_poll() {
    paused(|| async {
        time::sleep(ms(1)).await;
        let start = Instant::now();
        let mut sleep = spawn(time::sleep_until(start + ms(300)));
        assert_pending!(sleep.poll());
        let before = Instant::now();
        time::advance(ms(100)).await;
        assert_elapsed!(before, ms(100));
        assert_pending!(sleep.poll());
    });
}

#[test]
fn sleep_no_poll() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let mut sleep = spawn(time::sleep_until(start + ms(300)));
        let before = Instant::now();
        time::advance(ms(100)).await;
        assert_elapsed!(before, ms(100));
        assert_pending!(sleep.poll());
    });
}

enum State {
    Begin,
    AwaitingAdvance(Pin<Box<dyn Future<Output = ()>>>),
    AfterAdvance,
}

struct Tester {
    sleep: Pin<Box<Sleep>>,
    state: State,
    before: Option<Instant>,
    poll: bool,
}

impl Future for Tester {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.state {
            State::Begin => {
                if self.poll {
                    assert_pending!(self.sleep.as_mut().poll(cx));
                }
                self.before = Some(Instant::now());
                let advance_fut = Box::pin(time::advance(ms(100)));
                self.state = State::AwaitingAdvance(advance_fut);
                self.poll(cx)
            }
            State::AwaitingAdvance(ref mut advance_fut) => match advance_fut.as_mut().poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(()) => {
                    self.state = State::AfterAdvance;
                    self.poll(cx)
                }
            },
            State::AfterAdvance => {
                assert_elapsed!(self.before.unwrap(), ms(100));
                assert_pending!(self.sleep.as_mut().poll(cx));
                Poll::Ready(())
            }
        }
    }
}

#[test]
fn sleep_same_task() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let sleep = Box::pin(time::sleep_until(start + ms(300)));
        Tester { sleep, state: State::Begin, before: None, poll: true }.await;
    });
}

#[test]
fn sleep_same_task_no_poll() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let sleep = Box::pin(time::sleep_until(start + ms(300)));
        Tester { sleep, state: State::Begin, before: None, poll: false }.await;
    });
}

#[test]
fn interval() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let mut i = spawn(time::interval_at(start, ms(300)));

        assert_ready_eq!(poll_next(&mut i), start);
        assert_pending!(poll_next(&mut i));

        let before = Instant::now();
        time::advance(ms(100)).await;
        assert_elapsed!(before, ms(100));
        assert_pending!(poll_next(&mut i));

        let before = Instant::now();
        time::advance(ms(200)).await;
        assert_elapsed!(before, ms(200));
        assert_ready_eq!(poll_next(&mut i), start + ms(300));
        assert_pending!(poll_next(&mut i));

        let before = Instant::now();
        time::advance(ms(400)).await;
        assert_elapsed!(before, ms(400));
        assert_ready_eq!(poll_next(&mut i), start + ms(600));
        assert_pending!(poll_next(&mut i));

        let before = Instant::now();
        time::advance(ms(500)).await;
        assert_elapsed!(before, ms(500));
        assert_ready_eq!(poll_next(&mut i), start + ms(900));
        assert_ready_eq!(poll_next(&mut i), start + ms(1200));
        assert_pending!(poll_next(&mut i));
    });
}

#[test]
fn test_time_advance_sub_ms() {
    paused(|| async {
        let now = Instant::now();
        let dur = Duration::from_micros(51_592);
        time::advance(dur).await;
        assert_eq!(now.elapsed(), dur);

        let now = Instant::now();
        let dur = Duration::from_micros(1);
        time::advance(dur).await;
        assert_eq!(now.elapsed(), dur);
    });
}

#[test]
fn test_time_advance_3ms_and_change() {
    paused(|| async {
        let now = Instant::now();
        let dur = Duration::from_micros(3_141_592);
        time::advance(dur).await;
        assert_eq!(now.elapsed(), dur);

        let now = Instant::now();
        let dur = Duration::from_micros(3_123_456);
        time::advance(dur).await;
        assert_eq!(now.elapsed(), dur);
    });
}

#[test]
fn regression_3710_with_submillis_advance() {
    paused(|| async {
        let start = Instant::now();
        time::advance(Duration::from_millis(1)).await;
        let mut sleep = spawn(time::sleep_until(start + Duration::from_secs(60)));
        assert_pending!(sleep.poll());

        let before = Instant::now();
        let dur = Duration::from_micros(51_592);
        time::advance(dur).await;
        assert_eq!(before.elapsed(), dur);
        assert_pending!(sleep.poll());
    });
}

#[test]
fn exact_1ms_advance() {
    paused(|| async {
        let now = Instant::now();
        let dur = Duration::from_millis(1);
        time::advance(dur).await;
        assert_eq!(now.elapsed(), dur);

        let now = Instant::now();
        let dur = Duration::from_millis(1);
        time::advance(dur).await;
        assert_eq!(now.elapsed(), dur);
    });
}

#[test]
fn advance_once_with_timer() {
    paused(|| async {
        let mut sleep = spawn(time::sleep(Duration::from_millis(1)));
        assert_pending!(sleep.poll());

        time::advance(Duration::from_micros(250)).await;
        assert_pending!(sleep.poll());

        time::advance(Duration::from_micros(1500)).await;
        assert!(sleep.is_woken());
        assert_ready!(sleep.poll());
    });
}

#[test]
fn advance_multi_with_timer() {
    paused(|| async {
        let mut sleep = spawn(time::sleep(Duration::from_millis(1)));
        assert_pending!(sleep.poll());

        time::advance(Duration::from_micros(250)).await;
        assert_pending!(sleep.poll());
        time::advance(Duration::from_micros(250)).await;
        assert_pending!(sleep.poll());
        time::advance(Duration::from_micros(250)).await;
        assert_pending!(sleep.poll());
        time::advance(Duration::from_micros(250)).await;
        assert!(sleep.is_woken());
        assert_ready!(sleep.poll());
    });
}

fn poll_next(interval: &mut Spawn<time::Interval>) -> Poll<Instant> {
    interval.enter(|cx, mut interval| interval.poll_tick(cx))
}

#[test]
fn paused_time_join_unix_datagram_and_sleep() {
    paused(|| async {
        let time = Instant::now();
        let (sock1, sock2) = net::UnixDatagram::pair().unwrap();
        let mut buf = [0u8; 1];
        futures::join!(
            async {
                sock1.send(&[1u8]).await.unwrap();
                time::sleep(Duration::from_millis(100)).await;
            },
            async {
                sock2.recv(&mut buf).await.unwrap();
                assert_eq!(time.elapsed(), Duration::ZERO);
            },
        );
    });
}

#[test]
fn paused_time_spawn_unix_datagram_and_sleep() {
    paused(|| async {
        let time = Instant::now();
        let (sock1, sock2) = net::UnixDatagram::pair().unwrap();
        sock1.send(&[1u8]).await.unwrap();
        let h = runtime::spawn(async move {
            let mut buf = [0u8; 1];
            sock2.recv(&mut buf).await.unwrap();
            assert_eq!(time.elapsed(), Duration::ZERO);
        });
        time::sleep(Duration::from_millis(100)).await;
        h.await.unwrap();
        assert_eq!(time.elapsed(), Duration::from_millis(100));
    });
}
