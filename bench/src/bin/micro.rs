//! Scheduler and timer microbenchmarks, the same code on each runtime.
//!
//! ```text
//! micro RUNTIME BENCH N      RUNTIME: runtime | tokio | smol
//!                            BENCH:   spawn | chain | pingpong | mpsc | yield | sleep | timeout | giveup
//! ```
//!
//! - `spawn`: spawn N trivial tasks (in batches of 1,000) and await each handle.
//! - `chain`: N tasks, each spawning the next; the last one signals the main task.
//! - `pingpong`: N round trips between two tasks over two `async_channel::bounded(1)`
//!   channels (the same runtime-agnostic channel everywhere, so only the runtime differs).
//! - `mpsc`: the same ping-pong over each runtime's own bounded mpsc channel:
//!   `runtime::sync::mpsc` on runtime, `tokio::sync::mpsc` on tokio (smol has none).
//! - `yield`: one task calls the runtime's `yield_now` N times.
//! - `sleep`: N tasks sleep concurrently, 100–199 ms each; prints the overshoot past
//!   each deadline and the CPU time per sleep.
//! - `giveup`: N tasks wait in `recv` on one idle UDP socket, then the main task
//!   cancels them one by one, the last spawned first (abort and await the handle;
//!   `Task::cancel` on smol): each gives its waiter back.
//! - `timeout`: N times `timeout(60 s, f)` where `f` is pending once (it wakes itself),
//!   so the timer is registered and then cancelled.
//!
//! Prints one line: `micro rt=.. bench=.. n=.. ns_per_op=.. cpu_ns_per_op=.. [over_*_us=..]`.
//! tokio runs as `Builder::new_current_thread().enable_all()`; smol as a
//! `LocalExecutor` driven by `smol::block_on`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Pending once (after waking itself), then ready: the same for every runtime.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// What a bench returns: overshoots (ns) for `sleep`, nothing otherwise.
type Out = Vec<u64>;

macro_rules! benches {
    () => {
        pub fn spawn_join(n: u64) -> Out {
            block_on(async move {
                let mut handles = Vec::with_capacity(1000);
                let mut left = n;
                let mut sum = 0u64;
                while left > 0 {
                    let k = left.min(1000);
                    for i in 0..k {
                        handles.push(spawn(async move { i }));
                    }
                    for h in handles.drain(..) {
                        sum += join(h).await;
                    }
                    left -= k;
                }
                std::hint::black_box(sum);
                Vec::new()
            })
        }

        fn chain_link(left: u64, done: async_channel::Sender<()>) {
            if left == 0 {
                let _ = done.try_send(());
            } else {
                detach(spawn(async move { chain_link(left - 1, done) }));
            }
        }

        pub fn chain(n: u64) -> Out {
            block_on(async move {
                let (tx, rx) = async_channel::bounded(1);
                chain_link(n, tx);
                rx.recv().await.unwrap();
                Vec::new()
            })
        }

        pub fn pingpong(n: u64) -> Out {
            block_on(async move {
                let (tx1, rx1) = async_channel::bounded::<u64>(1);
                let (tx2, rx2) = async_channel::bounded::<u64>(1);
                let pong = spawn(async move {
                    while let Ok(v) = rx1.recv().await {
                        if tx2.send(v).await.is_err() {
                            break;
                        }
                    }
                });
                let ping = spawn(async move {
                    for i in 0..n {
                        tx1.send(i).await.unwrap();
                        assert_eq!(rx2.recv().await.unwrap(), i);
                    }
                });
                join(ping).await;
                join(pong).await;
                Vec::new()
            })
        }

        pub fn giveups(n: u64) -> Out {
            block_on(async move {
                let socket = std::sync::Arc::new(UdpSocket::bind("127.0.0.1:0").await.expect("bind"));
                let tasks: Vec<_> = (0..n)
                    .map(|_| {
                        let socket = socket.clone();
                        spawn(async move { socket.recv(&mut [0; 8]).await.map(drop) })
                    })
                    .collect();
                yield_now().await; // every task waits in `recv`
                for task in tasks.into_iter().rev() {
                    cancel(task).await; // the last to wait gives up first
                }
                Vec::new()
            })
        }

        pub fn yields(n: u64) -> Out {
            block_on(async move {
                join(spawn(async move {
                    for _ in 0..n {
                        yield_now().await;
                    }
                }))
                .await;
                Vec::new()
            })
        }

        pub fn sleeps(n: u64) -> Out {
            block_on(async move {
                let handles: Vec<_> = (0..n)
                    .map(|i| {
                        spawn(async move {
                            let d = Duration::from_millis(100 + i % 100);
                            let deadline = Instant::now() + d;
                            sleep(d).await;
                            Instant::now().saturating_duration_since(deadline).as_nanos() as u64
                        })
                    })
                    .collect();
                let mut over = Vec::with_capacity(n as usize);
                for h in handles {
                    over.push(join(h).await);
                }
                over
            })
        }

        pub fn timeouts(n: u64) -> Out {
            block_on(async move {
                join(spawn(async move {
                    for _ in 0..n {
                        assert!(timeout(Duration::from_secs(60), YieldOnce(false)).await);
                    }
                }))
                .await;
                Vec::new()
            })
        }
    };
}

/// The ping-pong over a runtime's own mpsc channel (`mpsc_channel`), whose
/// API (`send().await -> Result`, `recv().await -> Option`) tokio and ours share.
macro_rules! mpsc_bench {
    () => {
        pub fn mpsc_pingpong(n: u64) -> Out {
            block_on(async move {
                let (tx1, mut rx1) = mpsc_channel::<u64>(1);
                let (tx2, mut rx2) = mpsc_channel::<u64>(1);
                let pong = spawn(async move {
                    while let Some(v) = rx1.recv().await {
                        if tx2.send(v).await.is_err() {
                            break;
                        }
                    }
                });
                let ping = spawn(async move {
                    for i in 0..n {
                        tx1.send(i).await.unwrap();
                        assert_eq!(rx2.recv().await.unwrap(), i);
                    }
                });
                join(ping).await;
                join(pong).await;
                Vec::new()
            })
        }
    };
}

mod on_runtime {
    use super::*;
    use net::UdpSocket;
    use runtime::sync::mpsc::channel as mpsc_channel;

    fn block_on<F: Future>(f: F) -> F::Output {
        runtime::Runtime::new().expect("runtime").block_on(f)
    }
    fn spawn<F: Future + 'static>(f: F) -> runtime::JoinHandle<F::Output> {
        runtime::spawn(f)
    }
    async fn join<T>(h: runtime::JoinHandle<T>) -> T {
        h.await.unwrap()
    }
    fn detach<T>(h: runtime::JoinHandle<T>) {
        drop(h)
    }
    async fn yield_now() {
        runtime::task::yield_now().await
    }
    async fn sleep(d: Duration) {
        runtime::time::sleep(d).await
    }
    async fn timeout<F: Future>(d: Duration, f: F) -> bool {
        runtime::time::timeout(d, f).await.is_ok()
    }
    async fn cancel<T>(h: runtime::JoinHandle<T>) {
        h.abort();
        assert!(h.await.is_err());
    }
    benches!();
    mpsc_bench!();
}

mod on_tokio {
    use super::*;
    use tokio::net::UdpSocket;
    use tokio::sync::mpsc::channel as mpsc_channel;

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio").block_on(f)
    }
    fn spawn<F>(f: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        tokio::spawn(f)
    }
    async fn join<T>(h: tokio::task::JoinHandle<T>) -> T {
        h.await.unwrap()
    }
    fn detach<T>(h: tokio::task::JoinHandle<T>) {
        drop(h)
    }
    async fn yield_now() {
        tokio::task::yield_now().await
    }
    async fn sleep(d: Duration) {
        tokio::time::sleep(d).await
    }
    async fn timeout<F: Future>(d: Duration, f: F) -> bool {
        tokio::time::timeout(d, f).await.is_ok()
    }
    async fn cancel<T>(h: tokio::task::JoinHandle<T>) {
        h.abort();
        assert!(h.await.is_err());
    }
    benches!();
    mpsc_bench!();
}

mod on_smol {
    use super::*;
    use smol::net::UdpSocket;
    use smol::LocalExecutor;

    thread_local! {
        static EX: &'static LocalExecutor<'static> = Box::leak(Box::new(LocalExecutor::new()));
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        EX.with(|ex| smol::block_on(ex.run(f)))
    }
    fn spawn<F: Future + 'static>(f: F) -> smol::Task<F::Output> {
        EX.with(|ex| ex.spawn(f))
    }
    async fn join<T>(h: smol::Task<T>) -> T {
        h.await
    }
    fn detach<T>(h: smol::Task<T>) {
        h.detach() // dropping a smol Task would cancel it
    }
    async fn yield_now() {
        smol::future::yield_now().await
    }
    async fn sleep(d: Duration) {
        smol::Timer::after(d).await;
    }
    async fn timeout<F: Future>(d: Duration, f: F) -> bool {
        smol::future::or(
            async {
                f.await;
                true
            },
            async {
                smol::Timer::after(d).await;
                false
            },
        )
        .await
    }
    async fn cancel<T>(h: smol::Task<T>) {
        assert!(h.cancel().await.is_none());
    }
    benches!();
}

fn cpu_secs() -> f64 {
    // SAFETY: getrusage fills the struct we pass.
    unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut ru);
        let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
        t(ru.ru_utime) + t(ru.ru_stime)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: micro runtime|tokio|smol spawn|chain|pingpong|mpsc|yield|sleep|timeout|giveup N");
        std::process::exit(2);
    }
    let (rt, bench) = (args[1].as_str(), args[2].as_str());
    let n: u64 = args[3].parse().expect("N");
    macro_rules! pick {
        ($m:ident) => {
            pick!($m, "mpsc" => $m::mpsc_pingpong)
        };
        ($m:ident, $($extra:tt)*) => {
            match bench {
                $($extra)*,
                "spawn" => $m::spawn_join as fn(u64) -> Out,
                "chain" => $m::chain,
                "pingpong" => $m::pingpong,
                "yield" => $m::yields,
                "sleep" => $m::sleeps,
                "timeout" => $m::timeouts,
                "giveup" => $m::giveups,
                _ => {
                    eprintln!("unknown bench {bench}");
                    std::process::exit(2)
                }
            }
        };
    }
    let f = match rt {
        "runtime" => pick!(on_runtime),
        "tokio" => pick!(on_tokio),
        "smol" => pick!(on_smol, "mpsc" => {
            eprintln!("smol has no mpsc channel of its own");
            std::process::exit(2)
        }),
        _ => {
            eprintln!("unknown runtime {rt}");
            std::process::exit(2)
        }
    };
    let c0 = cpu_secs();
    let t0 = Instant::now();
    let mut over = f(n);
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_secs() - c0;
    let mut line = format!(
        "micro rt={rt} bench={bench} n={n} ns_per_op={:.1} cpu_ns_per_op={:.1}",
        wall * 1e9 / n as f64,
        cpu * 1e9 / n as f64
    );
    if !over.is_empty() {
        over.sort_unstable();
        let pct = |p: f64| over[((over.len() - 1) as f64 * p) as usize] as f64 / 1e3;
        let mean = over.iter().sum::<u64>() as f64 / over.len() as f64 / 1e3;
        line += &format!(
            " over_mean_us={mean:.1} over_p50_us={:.1} over_p99_us={:.1} over_max_us={:.1}",
            pct(0.5),
            pct(0.99),
            pct(1.0)
        );
    }
    println!("{line}");
}
