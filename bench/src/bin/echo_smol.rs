//! Echo server on smol: a LocalExecutor driven by `smol::block_on`, sockets in `smol::Async`.

use std::io;
use std::net::{TcpListener, TcpStream};

use bench::BUF_SIZE;
use smol::io::{AsyncReadExt, AsyncWriteExt};
use smol::{Async, LocalExecutor};

fn main() -> io::Result<()> {
    let ex = LocalExecutor::new();
    smol::block_on(ex.run(async {
        let listener = Async::<TcpListener>::bind(bench::listen_addr())?;
        println!("listening on {}", listener.get_ref().local_addr()?);
        loop {
            match listener.accept().await {
                Ok((stream, _)) => ex.spawn(echo(stream)).detach(),
                Err(e) => {
                    eprintln!("accept: {e}");
                    smol::Timer::after(std::time::Duration::from_millis(1)).await;
                }
            }
        }
    }))
}

async fn echo(mut stream: Async<TcpStream>) -> io::Result<()> {
    stream.get_ref().set_nodelay(true)?;
    let mut buf = vec![0; BUF_SIZE];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
    }
}
