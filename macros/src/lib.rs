//! `#[runtime::main]` and `#[runtime::test]`.
//!
//! This crate is re-exported by `runtime` as `runtime::main` and `runtime::test`;
//! depend on `runtime`, not on it. It has no dependencies: `parse.rs` reads
//! the item with a small token scanner instead of syn, `expand.rs` checks it
//! and writes the expansion with `proc_macro` alone, and `error.rs` turns
//! misuse into a spanned `compile_error!`.

mod error;
mod expand;
mod parse;

use proc_macro::TokenStream;

/// Which attribute is being expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Main,
    Test,
}

impl Kind {
    /// The attribute as users write it, for error messages.
    fn attr(self) -> &'static str {
        match self {
            Kind::Main => "`#[runtime::main]`",
            Kind::Test => "`#[runtime::test]`",
        }
    }
}

/// Runs an `async fn` on a new runtime (runs `async fn main` as the program).
///
/// ```no_run
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let listener = net::TcpListener::bind("127.0.0.1:8080").await?;
///     // ...
///     Ok(())
/// }
/// ```
///
/// becomes a plain `fn main() -> std::io::Result<()>` whose body builds a
/// [`Builder`] and calls `block_on` on the original body:
///
/// ```text
/// fn main() -> std::io::Result<()> {
///     let body = async move { /* the body as written */ };
///     ::runtime::Builder::new()
///         .build()
///         .expect("failed to start the runtime")
///         .block_on(body)
/// }
/// ```
///
/// Attributes, doc comments, visibility and the return type are kept. The
/// function must be `async`, take no arguments (read `std::env::args()`
/// inside) and not be generic, `const`, `unsafe` or `extern`.
///
/// # Options
///
/// Written `#[runtime::main(name = value, ...)]`, each at most once:
///
/// - `driver = "epoll"` or `driver = "kqueue"`: the I/O driver
///   (`Builder::driver`). By default the platform's own.
/// - `event_capacity = N`: how many events one reactor turn can take in
///   (`Builder::event_capacity`).
/// - `unhandled_panic = "ignore"` or `unhandled_panic = "shutdown_runtime"`:
///   what a panic in a task nobody awaits does (`Builder::unhandled_panic`).
///   By default `"ignore"`.
/// - `start_paused = true`: the runtime's clock starts paused
///   (`Builder::start_paused`, see `runtime::time::pause`). By default `false`.
/// - `flavor = "current_thread"`: accepted so that tokio code ports as is;
///   it is what this runtime always does.
///
/// ```no_run
/// #[runtime::main(driver = "epoll", event_capacity = 4096)]
/// async fn main() {
///     // ...
/// }
/// ```
///
/// The runtime runs every task on the current thread, so any other
/// `flavor`, and `worker_threads`, are errors that say so (for many cores,
/// the `flavor` error points to `runtime::Pool`: one runtime per thread).
///
/// [`Builder`]: https://docs.rs/runtime/latest/runtime/struct.Builder.html
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::entry(Kind::Main, args, item)
}

/// Makes an `async fn` a `#[test]` that runs on its own new runtime.
///
/// ```no_run
/// #[runtime::test]
/// async fn echo_round_trip() -> std::io::Result<()> {
///     let (mut a, mut b) = net::UnixStream::pair()?;
///     a.write_all(b"ping").await?;
///     let mut buf = [0; 4];
///     b.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"ping");
///     Ok(())
/// }
/// ```
///
/// expands like [`macro@main`], with `#[::core::prelude::v1::test]` added to
/// the function. Other attributes stay, so `#[should_panic]`, `#[ignore]` and
/// `#[cfg(...)]` work as on any test; do not add `#[test]` yourself.
///
/// The options are those of [`macro@main`], with one different default: a
/// test's runtime is built with `unhandled_panic = "shutdown_runtime"`, so a
/// panic in a background task fails the test instead of being printed and
/// forgotten. Write `unhandled_panic = "ignore"` to get the `main` behaviour.
///
/// ```no_run
/// #[runtime::test(driver = "kqueue", unhandled_panic = "ignore")]
/// async fn survives_a_panicking_task() {
///     let task = runtime::spawn(async { panic!("boom") });
///     assert!(task.await.unwrap_err().is_panic());
/// }
/// ```
///
/// With `start_paused = true` a test of long timeouts runs at once: the
/// clock jumps to the next timer whenever every task waits.
///
/// ```no_run
/// use runtime::time::{self, Duration, Instant};
///
/// #[runtime::test(flavor = "current_thread", start_paused = true)]
/// async fn an_hour_passes_at_once() {
///     let start = Instant::now();
///     let slow = time::sleep(Duration::from_secs(7200));
///     assert!(time::timeout(Duration::from_secs(3600), slow).await.is_err());
///     assert_eq!(start.elapsed(), Duration::from_secs(3600));
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::entry(Kind::Test, args, item)
}
