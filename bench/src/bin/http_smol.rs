//! HTTP/1.1 keep-alive hello server on smol: a LocalExecutor, sockets in `smol::Async`.

use std::io;
use std::net::{TcpListener, TcpStream};

use bench::HttpConn;
use smol::io::{AsyncReadExt, AsyncWriteExt};
use smol::{Async, LocalExecutor};

fn main() -> io::Result<()> {
    let ex = LocalExecutor::new();
    smol::block_on(ex.run(async {
        let listener = Async::<TcpListener>::bind(bench::listen_addr())?;
        println!("listening on {}", listener.get_ref().local_addr()?);
        loop {
            match listener.accept().await {
                Ok((stream, _)) => ex.spawn(serve(stream)).detach(),
                Err(e) => {
                    eprintln!("accept: {e}");
                    smol::Timer::after(std::time::Duration::from_millis(1)).await;
                }
            }
        }
    }))
}

async fn serve(mut stream: Async<TcpStream>) -> io::Result<()> {
    stream.get_ref().set_nodelay(true)?;
    let mut conn = HttpConn::default();
    while let Some(spare) = conn.spare() {
        let n = stream.read(spare).await?;
        if n == 0 {
            return Ok(());
        }
        let answers = conn.answers(n);
        if !answers.is_empty() {
            stream.write_all(answers).await?;
        }
    }
    Ok(())
}
