//! `#[runtime::main]` and `#[runtime::test]`, and `select!`, `join!` and
//! `try_join!`.
//!
//! This crate is re-exported by `runtime` as `runtime::main` and `runtime::test`;
//! depend on `runtime`, not on it. It has no dependencies: `parse.rs` reads
//! the item with a small token scanner instead of syn, `expand.rs` checks it
//! and writes the expansion with `proc_macro` alone, and `error.rs` turns
//! misuse into a spanned `compile_error!`.

mod error;
mod expand;
mod join;
mod parse;
mod select;
mod tokens;

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
/// Attributes, doc comments, visibility, arguments and the return type are
/// kept. The function must be `async` and not be generic, `const`, `unsafe`
/// or `extern`; `fn main` takes no arguments (read `std::env::args()`
/// inside). As with tokio, any other function may take arguments, and a
/// method its receiver: each call runs on a new runtime.
///
/// ```
/// struct Server { port: u16 }
///
/// impl Server {
///     #[runtime::main]
///     async fn run(self) -> u16 {
///         runtime::task::yield_now().await;
///         self.port
///     }
/// }
///
/// assert_eq!(Server { port: 8080 }.run(), 8080);
/// ```
///
/// # Options
///
/// Written `#[runtime::main(name = value, ...)]`, each at most once:
///
/// - `driver = "epoll"`, `driver = "kqueue"` or `driver = "uring"`: the I/O
///   driver (`Builder::driver`). By default the platform's own.
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

/// Waits on several futures at once and runs the handler of the first to
/// complete (whose output matches its pattern); the others are dropped.
/// tokio's `select!`: the same syntax and rules.
///
/// ```text
/// runtime::select! {
///     [biased;]
///     pattern = future [, if precondition] => handler,
///     ...
///     [else => handler]
/// }
/// ```
///
/// 1. Every precondition is evaluated; a branch whose precondition is
///    `false` is disabled for this `select!`.
/// 2. Every branch's future is made (disabled ones too), and pinned in
///    place: it need not be `Unpin`, so `&mut sleep`, a `join_next()` or
///    any `async` block works.
/// 3. The enabled futures are polled, from a branch chosen at random each
///    time (in the order written with `biased;`). When one completes, its
///    branch is disabled; if its output matches the pattern, the other
///    futures are dropped and the handler runs with the pattern's bindings.
///    Otherwise the others go on.
/// 4. When every branch is disabled, the `else` handler runs; without one,
///    `select!` panics.
///
/// The handlers run in the enclosing function, so `return`, `?`, `break`
/// and `continue` in them act there. At most 64 branches.
///
/// ```
/// use runtime::time::{sleep, Duration};
///
/// runtime::block_on(async {
///     let (tx, mut rx) = runtime::sync::mpsc::channel::<u32>(1);
///     runtime::spawn(async move { tx.send(7).await.unwrap() });
///     let timeout = sleep(Duration::from_secs(5));
///     let got = runtime::select! {
///         Some(n) = rx.recv() => n,
///         _ = timeout => 0,
///     };
///     assert_eq!(got, 7);
/// });
/// ```
#[proc_macro]
pub fn select(input: TokenStream) -> TokenStream {
    select::select(input)
}

/// Waits for every future and returns their outputs as a tuple, in the
/// order written. tokio's `join!`: the futures run concurrently on the
/// calling task; each poll starts from the next future in turn (in the
/// order written with `biased;` first).
///
/// ```
/// runtime::block_on(async {
///     let (a, b) = runtime::join!(async { 1 }, async { "two" });
///     assert_eq!((a, b), (1, "two"));
/// });
/// ```
#[proc_macro]
pub fn join(input: TokenStream) -> TokenStream {
    join::join(input, false)
}

/// Waits for every future, each returning a `Result` with the same error
/// type; returns `Ok` of their outputs as a tuple, or the first error as
/// soon as one fails (the other futures are dropped). tokio's `try_join!`.
///
/// ```
/// runtime::block_on(async {
///     let ok: Result<(u8, u8), &str> = runtime::try_join!(async { Ok(1) }, async { Ok(2) });
///     assert_eq!(ok, Ok((1, 2)));
///     let err: Result<(u8, u8), &str> =
///         runtime::try_join!(async { Ok(1) }, async { Err("no") });
///     assert_eq!(err, Err("no"));
/// });
/// ```
#[proc_macro]
pub fn try_join(input: TokenStream) -> TokenStream {
    join::join(input, true)
}
