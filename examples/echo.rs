//! A TCP echo server: every byte a client sends comes back.
//!
//! ```text
//! cargo run --example echo [ADDR]        # ADDR defaults to 127.0.0.1:7000
//! nc 127.0.0.1 7000                      # type a line, get it back
//! ```
//!
//! One task per connection. The accept loop never gives up and never
//! spins: when `accept` fails (out of fds, `EMFILE`/`ENFILE`, or a
//! connection aborted while queued) it logs, sleeps 100 ms so that closing
//! connections can free fds, and goes on serving.

use std::io;
use std::time::Duration;

use net::{TcpListener, TcpStream};

#[runtime::main]
async fn main() -> io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:7000".into());
    let listener = TcpListener::bind(addr.as_str()).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                runtime::spawn(async move {
                    if let Err(e) = echo(stream).await {
                        eprintln!("{peer}: {e}");
                    }
                });
            }
            Err(e) => {
                eprintln!("accept: {e}; retrying in 100 ms");
                runtime::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Writes back everything it reads, until the client closes its side.
async fn echo(mut stream: TcpStream) -> io::Result<()> {
    let mut buf = vec![0; 16 * 1024];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
    }
}
