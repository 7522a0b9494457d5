//! hyper 1.x on this runtime: an HTTP/1.1 server answering `Hello, world!`.
//!
//! ```text
//! cargo run --example hyper_hello [ADDR]   # ADDR defaults to 127.0.0.1:8081
//! curl http://127.0.0.1:8081/
//! ```
//!
//! With `net`'s feature `hyper`, `net::TcpStream` implements hyper's
//! `Read`/`Write` traits, so hyper serves it directly; `net::hyper::Timer`
//! gives hyper its timers (here: the header-read timeout) on this runtime.

use std::convert::Infallible;
use std::io;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use net::TcpListener;

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
                runtime::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        runtime::spawn(async move {
            let service = service_fn(hello);
            let mut builder = http1::Builder::new();
            builder.timer(net::hyper::Timer).header_read_timeout(Duration::from_secs(30));
            if let Err(e) = builder.serve_connection(stream, service).await {
                eprintln!("{peer}: {e}");
            }
        });
    }
}

async fn hello(_request: Request<hyper::body::Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(b"Hello, world!"))))
}
