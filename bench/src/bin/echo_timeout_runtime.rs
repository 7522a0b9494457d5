//! Echo server on this project's runtime with an idle timeout around every
//! read and every `write_all` (issue 19's "echo with timeouts"): the same
//! program as `echo_timeout_tokio`, so each request arms and cancels two
//! timers on each runtime.

use std::io;
use std::time::Duration;

use bench::BUF_SIZE;
use net::{TcpListener, TcpStream};
use runtime::time::timeout;

/// Far beyond any request's time: the timers are armed and cancelled, never fired.
const IDLE: Duration = Duration::from_secs(60);

fn main() -> io::Result<()> {
    let rt = runtime::Runtime::new()?;
    rt.block_on(async {
        let listener = TcpListener::bind(bench::listen_addr()).await?;
        println!("listening on {}", listener.local_addr()?);
        loop {
            match listener.accept().await {
                Ok((stream, _)) => drop(runtime::spawn(echo(stream))),
                Err(e) => {
                    eprintln!("accept: {e}");
                    runtime::time::sleep(Duration::from_millis(1)).await;
                }
            }
        }
    })
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
