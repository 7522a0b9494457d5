//! A TCP echo server on smol's LocalExecutor (the build-cost program: issue 20's, which
//! sleeps 100 ms after an accept error).
use smol::io::{AsyncReadExt, AsyncWriteExt};
use smol::net::{TcpListener, TcpStream};
use smol::LocalExecutor;

fn main() -> std::io::Result<()> {
    let ex = LocalExecutor::new();
    smol::block_on(ex.run(async {
        let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:7000".into());
        let listener = TcpListener::bind(addr.as_str()).await?;
        println!("listening on {}", listener.local_addr()?);
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    ex.spawn(echo(stream)).detach();
                }
                Err(e) => {
                    eprintln!("accept: {e}");
                    smol::Timer::after(std::time::Duration::from_millis(100)).await;
                }
            }
        }
    }))
}

async fn echo(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf = vec![0; 4096];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
    }
}
