//! hyper 1.x on this runtime: an HTTP/1.1 server answering `Hello, world!`.
//!
//! ```text
//! cargo run --example hyper_hello [ADDR]   # ADDR defaults to 127.0.0.1:8081
//! curl http://127.0.0.1:8081/
//! ```
//!
//! hyper is runtime-agnostic: it needs its own `Read`/`Write` traits on the
//! connection, which [`HyperIo`] provides over the `futures-io` traits of
//! `net::TcpStream`. HTTP/1 connections need no executor or timer from us.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use futures::io::{AsyncRead, AsyncWrite};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use net::{TcpListener, TcpStream};

#[runtime::main]
async fn main() -> io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8081".into());
    let listener = TcpListener::bind(addr.as_str()).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                eprintln!("accept: {e}; retrying in 100 ms");
                runtime::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        runtime::spawn(async move {
            let service = service_fn(hello);
            if let Err(e) = http1::Builder::new().serve_connection(HyperIo(stream), service).await {
                eprintln!("{peer}: {e}");
            }
        });
    }
}

async fn hello(_request: Request<hyper::body::Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(b"Hello, world!"))))
}

/// A `TcpStream` as hyper's `Read` and `Write`.
struct HyperIo(TcpStream);

impl hyper::rt::Read for HyperIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        // Reading through a stack buffer keeps this adapter free of `unsafe`
        // (hyper's cursor hands out uninitialised memory).
        let mut chunk = [0u8; 8192];
        let want = chunk.len().min(buf.remaining());
        let n = ready!(Pin::new(&mut self.get_mut().0).poll_read(cx, &mut chunk[..want]))?;
        buf.put_slice(&chunk[..n]);
        Poll::Ready(Ok(()))
    }
}

impl hyper::rt::Write for HyperIo {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_close(cx)
    }
}
