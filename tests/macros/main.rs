//! `#[runtime::main]` and `#[runtime::test]`: the compile-fail messages
//! (pinned by trybuild in `ui/`) and a few tests that run their expansion on
//! the real runtime.

use std::io;

#[path = "../support/mod.rs"]
mod support;
#[macro_use]
#[allow(dead_code)]
#[path = "../support/task.rs"]
mod task_support;

mod join;
mod methods;
mod select;

#[test]
fn macros_compile_fail_messages() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/macros/ui/*.rs");
    t.pass("tests/macros/pass/*.rs");
}

#[runtime::test]
async fn test_macro_runs_body() {
    let value = async { 21 }.await;
    assert_eq!(value * 2, 42);
}

#[runtime::test]
async fn test_macro_returns_result() -> Result<(), io::Error> {
    let text = async { "42" }.await;
    let n: u32 = text.parse().map_err(io::Error::other)?;
    assert_eq!(n, 42);
    Ok(())
}

/// Attributes after the macro are kept: this one must panic to pass.
#[runtime::test]
#[should_panic(expected = "inside the runtime")]
async fn test_macro_keeps_should_panic() {
    async {}.await;
    panic!("inside the runtime");
}

#[runtime::test(driver = "epoll", event_capacity = 64)]
async fn test_macro_accepts_options() {
    assert_eq!(async { 1 + 1 }.await, 2);
}

#[runtime::test(unhandled_panic = "ignore")]
async fn test_macro_early_return() -> io::Result<()> {
    if async { true }.await {
        return Ok(());
    }
    unreachable!("returned above")
}

/// tokio's spelling of this runtime's only flavor, and a paused clock: the
/// hour-long timeout elapses at once.
#[runtime::test(flavor = "current_thread", start_paused = true)]
async fn test_macro_start_paused_and_flavor() {
    use runtime::time::{self, Duration, Instant};
    let real = std::time::Instant::now();
    let start = Instant::now();
    let slow = time::sleep(Duration::from_secs(7200));
    assert!(time::timeout(Duration::from_secs(3600), slow).await.is_err());
    assert_eq!(start.elapsed(), Duration::from_secs(3600));
    assert!(real.elapsed() < std::time::Duration::from_secs(10));
}

/// `start_paused = false` is the default: the clock runs.
#[runtime::test(start_paused = false)]
async fn test_macro_start_paused_false_runs_the_clock() {
    use runtime::time::{self, Duration, Instant};
    let start = Instant::now();
    time::sleep(Duration::from_millis(2)).await;
    assert!(start.elapsed() >= Duration::from_millis(2));
    time::pause(); // not paused yet, so this does not panic
}

/// tokio's `time_pause.rs` runs a helper this way: `main` on a plain
/// function that returns a value, each call on a fresh paused runtime.
#[runtime::main(flavor = "current_thread", start_paused = true)]
async fn paused_sleeps() -> Vec<runtime::time::Duration> {
    use runtime::time::{self, Duration, Instant};
    let start = Instant::now();
    let mut times = Vec::new();
    for ms in [5, 500, 50_000] {
        time::sleep(Duration::from_millis(ms)).await;
        times.push(start.elapsed());
    }
    times
}

#[test]
fn main_macro_on_a_helper_with_start_paused() {
    use runtime::time::Duration;
    let ms = Duration::from_millis;
    let expected = vec![ms(5), ms(505), ms(50_505)];
    assert_eq!(paused_sleeps(), expected);
    assert_eq!(paused_sleeps(), expected);
}
