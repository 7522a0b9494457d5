//! hyper 1.x HTTP/1 hello server on this project's runtime, through `net`'s
//! `hyper` feature (its `Read`/`Write` on `TcpStream`). `hyper_tokio` is the
//! same program on tokio.

use std::convert::Infallible;
use std::io;

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response};

fn main() -> io::Result<()> {
    let rt = runtime::Runtime::new()?;
    rt.block_on(async {
        let listener = net::TcpListener::bind(bench::listen_addr()).await?;
        println!("listening on {}", listener.local_addr()?);
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    stream.set_nodelay(true)?;
                    drop(runtime::spawn(async move {
                        let service = hyper::service::service_fn(hello);
                        let _ = hyper::server::conn::http1::Builder::new().serve_connection(stream, service).await;
                    }));
                }
                Err(e) => {
                    eprintln!("accept: {e}");
                    runtime::time::sleep(std::time::Duration::from_millis(1)).await;
                }
            }
        }
    })
}

async fn hello(_req: Request<hyper::body::Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(b"Hello, world!"))))
}
