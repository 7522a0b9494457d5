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

use std::io;
use std::time::Duration;

use net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use net::{TcpListener, TcpStream};

#[runtime::main]
async fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let listen = args.next().unwrap_or_else(|| "127.0.0.1:7002".into());
    let target = args.next().unwrap_or_else(|| "127.0.0.1:7000".into());
    let listener = TcpListener::bind(listen.as_str()).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        match listener.accept().await {
            Ok((client, peer)) => {
                let target = target.clone();
                runtime::spawn(async move {
                    if let Err(e) = proxy(client, &target).await {
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

/// Joins `client` to a new connection to `target` until both directions end.
async fn proxy(client: TcpStream, target: &str) -> io::Result<()> {
    let server = TcpStream::connect(target).await?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let (client_rd, client_wr) = client.into_split();
    let (server_rd, server_wr) = server.into_split();
    let upstream = runtime::spawn(copy(client_rd, server_wr));
    let downstream = copy(server_rd, client_wr).await;
    if downstream.is_err() {
        // Dropping the other direction's halves closes both connections.
        upstream.abort();
    }
    let upstream = upstream.await.unwrap_or(Ok(0));
    downstream.and(upstream).map(drop)
}

/// Copies `from` into `to` until `from` ends, then shuts down `to`'s
/// sending side so the peer sees the end too.
async fn copy(mut from: OwnedReadHalf, mut to: OwnedWriteHalf) -> io::Result<u64> {
    let mut buf = vec![0; 64 * 1024];
    let mut total = 0;
    loop {
        let n = from.read(&mut buf).await?;
        if n == 0 {
            to.shutdown()?;
            return Ok(total);
        }
        to.write_all(&buf[..n]).await?;
        total += n as u64;
    }
}
