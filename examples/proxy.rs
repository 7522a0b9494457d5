//! A TCP proxy: each client connection is joined to a new connection to the
//! target, and bytes flow both ways at once.
//!
//! ```text
//! cargo run --example echo &                         # a target on 127.0.0.1:7000
//! cargo run --example proxy [LISTEN] [TARGET]        # defaults 127.0.0.1:7002 127.0.0.1:7000
//! nc 127.0.0.1 7002
//! ```
//!
//! Each direction is a copy loop on one half of each stream (`into_split`),
//! in its own task. When one side finishes sending, the proxy passes the
//! half-close on (`shutdown(Write)`) and the other direction goes on until
//! it finishes too. An error ends its direction, whose dropped write half
//! shuts down in turn; an error downstream also aborts the upstream task.
//!
//! Deadlines: the target must accept within [`CONNECT_TIMEOUT`], and a
//! connection on which no byte has moved either way for [`IDLE_TIMEOUT`]
//! (or whose reader has stopped reading for that long) is closed.
//!
//! SIGINT or SIGTERM (`common/shutdown.rs`): the proxy stops accepting,
//! lets open connections finish for up to `SHUTDOWN_GRACE` (10 s), closes
//! the rest and exits with status 0.

#[path = "common/shutdown.rs"]
mod shutdown;

use std::cell::Cell;
use std::io;
use std::rc::Rc;
use std::time::Duration;

use net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use net::{TcpListener, TcpStream};
use runtime::time::{timeout, Instant};
use shutdown::{Open, Shutdown};

/// How long connecting to the target may take. Environment
/// `CONNECT_TIMEOUT_MS` overrides it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may go without a byte moving either way, or a
/// write may stall. `IDLE_TIMEOUT_MS` overrides it.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// Each direction's buffer: the most read (and forwarded) at once.
const BUF_SIZE: usize = 64 * 1024;

/// The deadlines in force (the constants, or the environment's).
#[derive(Debug, Clone, Copy)]
struct Timeouts {
    connect: Duration,
    idle: Duration,
}

#[runtime::main]
async fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let listen = args.next().unwrap_or_else(|| "127.0.0.1:7002".into());
    let target = args.next().unwrap_or_else(|| "127.0.0.1:7000".into());
    let mut stop = Shutdown::listen()?;
    let listener = TcpListener::bind(listen.as_str()).await?;
    println!("listening on {}", listener.local_addr()?);
    let timeouts = Timeouts {
        connect: env_duration("CONNECT_TIMEOUT_MS", CONNECT_TIMEOUT),
        idle: env_duration("IDLE_TIMEOUT_MS", IDLE_TIMEOUT),
    };
    let open = Rc::new(Open::default());
    while let Some(accepted) = stop.until(listener.accept()).await {
        match accepted {
            Ok((client, peer)) => {
                let target = target.clone();
                let tracked = open.track();
                runtime::spawn(async move {
                    if let Err(e) = proxy(client, &target, timeouts).await {
                        eprintln!("{peer}: {e}");
                    }
                    drop(tracked);
                });
            }
            Err(e) => {
                eprintln!("accept: {e}; retrying in 100 ms");
                runtime::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    drop(listener);
    shutdown::finish(&open).await;
    Ok(())
}

/// `default`, or the environment variable `name` in milliseconds.
fn env_duration(name: &str, default: Duration) -> Duration {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).map_or(default, Duration::from_millis)
}

/// Joins `client` to a new connection to `target` until both directions end.
async fn proxy(client: TcpStream, target: &str, timeouts: Timeouts) -> io::Result<()> {
    let server = timeout(timeouts.connect, TcpStream::connect(target))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, format!("connect to {target}: timed out")))??;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let (client_rd, client_wr) = client.into_split();
    let (server_rd, server_wr) = server.into_split();
    let activity = Rc::new(Cell::new(Instant::now()));
    let upstream = runtime::spawn(copy(client_rd, server_wr, activity.clone(), timeouts.idle));
    let downstream = copy(server_rd, client_wr, activity, timeouts.idle).await;
    if downstream.is_err() {
        // Dropping the other direction's halves closes both connections.
        upstream.abort();
    }
    let upstream = upstream.await.unwrap_or(Ok(0));
    downstream.and(upstream).map(drop)
}

/// Copies `from` into `to` until `from` ends, then shuts down `to`'s
/// sending side so the peer sees the end too. `activity` is when a byte
/// last moved in either direction: a read waits until `idle` has passed
/// since then, a write at most `idle`.
async fn copy(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    activity: Rc<Cell<Instant>>,
    idle: Duration,
) -> io::Result<u64> {
    let mut buf = vec![0; BUF_SIZE];
    let mut total = 0;
    loop {
        // Waits until `idle` has passed with no byte moving either way.
        let n = loop {
            let quiet = activity.get().elapsed();
            if quiet >= idle {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "idle"));
            }
            if let Ok(read) = timeout(idle - quiet, from.read(&mut buf)).await {
                break read?;
            }
        };
        if n == 0 {
            to.shutdown()?;
            return Ok(total);
        }
        timeout(idle, to.write_all(&buf[..n])).await??;
        activity.set(Instant::now());
        total += n as u64;
    }
}
