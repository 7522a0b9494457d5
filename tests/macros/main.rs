//! `#[runtime::main]` and `#[runtime::test]`: the compile-fail messages
//! (pinned by trybuild in `ui/`) and a few tests that run their expansion on
//! the real runtime.

use std::io;

#[test]
fn macros_compile_fail_messages() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/macros/ui/*.rs");
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
