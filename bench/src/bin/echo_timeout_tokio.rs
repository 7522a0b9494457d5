//! Echo server on tokio's current_thread runtime with an idle timeout
//! around every read and every `write_all`: the twin of `echo_timeout_runtime`.

use std::io;
use std::time::Duration;

use bench::BUF_SIZE;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

/// Far beyond any request's time: the timers are armed and cancelled, never fired.
const IDLE: Duration = Duration::from_secs(60);

#[tokio::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let listener = TcpListener::bind(bench::listen_addr()).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        match listener.accept().await {
            Ok((stream, _)) => drop(tokio::spawn(echo(stream))),
            Err(e) => {
                eprintln!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    }
}

async fn echo(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = vec![0; BUF_SIZE];
    loop {
        let n = timeout(IDLE, stream.read(&mut buf)).await??;
        if n == 0 {
            return Ok(());
        }
        timeout(IDLE, stream.write_all(&buf[..n])).await??;
    }
}
