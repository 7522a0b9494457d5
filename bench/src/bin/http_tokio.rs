//! HTTP/1.1 keep-alive hello server on tokio's current_thread runtime.

use std::io;

use bench::HttpConn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let listener = TcpListener::bind(bench::listen_addr()).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        match listener.accept().await {
            Ok((stream, _)) => drop(tokio::spawn(serve(stream))),
            Err(e) => {
                eprintln!("accept: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        }
    }
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
            stream.write_all(answers).await?;
        }
    }
    Ok(())
}
