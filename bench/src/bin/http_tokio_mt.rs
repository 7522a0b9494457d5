//! HTTP/1.1 keep-alive hello server on tokio's multi-thread runtime with
//! `BENCH_THREADS` workers (default 1): one listener, work stealing. Each
//! worker counts the requests it answered; on SIGTERM/SIGINT the server
//! prints `spread conns=a,b,.. reqs=c,d,..` (connections by the worker that
//! accepted them, which with one listener task is mostly one) and exits.

use std::cell::Cell;
use std::io;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use bench::{HttpConn, HELLO};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{signal, SignalKind};

const MAX_WORKERS: usize = 64;

/// One counter per worker, each on its own cache line.
#[repr(align(128))]
struct Counter(AtomicU64);

static REQS: [Counter; MAX_WORKERS] = [const { Counter(AtomicU64::new(0)) }; MAX_WORKERS];
static CONNS: [Counter; MAX_WORKERS] = [const { Counter(AtomicU64::new(0)) }; MAX_WORKERS];
static NEXT_WORKER: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static WORKER: Cell<usize> = const { Cell::new(0) };
}

fn worker() -> usize {
    WORKER.with(Cell::get)
}

fn main() -> io::Result<()> {
    let threads: usize = std::env::var("BENCH_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.clamp(1, MAX_WORKERS))
        .on_thread_start(|| WORKER.with(|w| w.set(NEXT_WORKER.fetch_add(1, Ordering::Relaxed) % MAX_WORKERS)))
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = TcpListener::bind(bench::listen_addr()).await?;
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        println!("listening on {}", listener.local_addr()?);
        loop {
            tokio::select! {
                _ = term.recv() => break,
                _ = int.recv() => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        CONNS[worker()].0.fetch_add(1, Ordering::Relaxed);
                        drop(tokio::spawn(serve(stream)));
                    }
                    Err(e) => eprintln!("accept: {e}"),
                },
            }
        }
        io::Result::Ok(())
    })?;
    // Workers get indexes 0..threads first (blocking threads come later).
    let show = |counters: &[Counter]| {
        counters[..threads].iter().map(|c| c.0.load(Ordering::Relaxed).to_string()).collect::<Vec<_>>().join(",")
    };
    println!("spread conns={} reqs={}", show(&CONNS), show(&REQS));
    rt.shutdown_background();
    Ok(())
}

async fn serve(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut conn = HttpConn::default();
    while let Some(spare) = conn.spare() {
        let n = stream.read(spare).await?;
        if n == 0 {
            return Ok(());
        }
        let answers = conn.answers(n);
        if !answers.is_empty() {
            REQS[worker()].0.fetch_add((answers.len() / HELLO.len()) as u64, Ordering::Relaxed);
            stream.write_all(answers).await?;
        }
    }
    Ok(())
}
