//! A TCP echo server: every byte a client sends comes back.
//!
//! ```text
//! cargo run --example echo [ADDR] [--threads N]   # ADDR defaults to 127.0.0.1:7000
//! nc 127.0.0.1 7000                                # type a line, get it back
//! ```
//!
//! `--threads N` (default 1) runs N runtimes, one per thread, each with its
//! own listener on the port (`common/threads.rs`).
//!
//! One task per connection. The accept loop never gives up and never
//! spins: when `accept` fails (out of fds, `EMFILE`/`ENFILE`, or a
//! connection aborted while queued) it logs, sleeps 100 ms so that closing
//! connections can free fds, and goes on serving.
//!
//! A connection whose client sends nothing, or reads nothing back, for
//! [`IDLE_TIMEOUT`] is closed, so idle clients cannot use up the fds.
//!
//! SIGINT or SIGTERM (`common/shutdown.rs`): the server stops accepting,
//! lets open connections finish for up to `SHUTDOWN_GRACE` (10 s), closes
//! the rest and exits with status 0.

#[path = "common/shutdown.rs"]
mod shutdown;
#[path = "common/threads.rs"]
mod threads;

use std::io;
use std::rc::Rc;
use std::time::Duration;

use shutdown::{Open, Shutdown};
use threads::{Args, Listen};

use net::TcpStream;
use runtime::time::timeout;

/// How long a connection may wait for the client to send or to read;
/// then it is closed. Environment `IDLE_TIMEOUT_MS` overrides it.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Each connection's buffer: the most read (and written back) at once.
const BUF_SIZE: usize = 16 * 1024;

fn main() -> io::Result<()> {
    Args::parse("127.0.0.1:7000").run(serve)
}

/// One runtime's server: accepts until SIGINT or SIGTERM, then drains.
async fn serve(addr: String, listen: Listen) -> io::Result<()> {
    let mut stop = Shutdown::listen()?;
    let listener = listen.bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    let idle = env_duration("IDLE_TIMEOUT_MS", IDLE_TIMEOUT);
    let open = Rc::new(Open::default());
    while let Some(accepted) = stop.until(listener.accept()).await {
        match accepted {
            Ok((stream, peer)) => {
                let tracked = open.track();
                runtime::spawn(async move {
                    if let Err(e) = echo(stream, idle).await {
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

/// Writes back everything it reads, until the client closes its side or
/// stalls for `idle` (an `Elapsed` becomes a `TimedOut` error).
async fn echo(mut stream: TcpStream, idle: Duration) -> io::Result<()> {
    let mut buf = vec![0; BUF_SIZE];
    loop {
        let n = timeout(idle, stream.read(&mut buf)).await??;
        if n == 0 {
            return Ok(());
        }
        timeout(idle, stream.write_all(&buf[..n])).await??;
    }
}
