//! An HTTP/1.1 server that answers every request with `Hello, world!`.
//!
//! ```text
//! cargo run --release --example http_hello [ADDR]   # ADDR defaults to 127.0.0.1:8080
//! curl -v http://127.0.0.1:8080/
//! ```
//!
//! Keep-alive and pipelining: each read may bring several requests (or part
//! of one). Every complete request in the buffer is answered, in order, and
//! the answers go out together in one write. `Connection: close` (or an
//! HTTP/1.0 request without `keep-alive`) is answered, then the connection
//! is closed. Request bodies are skipped by `Content-Length`.

use std::io;
use std::net::Shutdown;
use std::time::Duration;

use net::{TcpListener, TcpStream};

const HELLO: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";
const HELLO_CLOSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, world!";
const TOO_LARGE: &[u8] =
    b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
/// The most a request head may take before the server gives up on it.
const MAX_HEAD: usize = 64 * 1024;

#[runtime::main]
async fn main() -> io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".into());
    let listener = TcpListener::bind(addr.as_str()).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                runtime::spawn(async move {
                    // A reset or a vanished client ends only its own connection.
                    let _ = serve(stream).await;
                });
            }
            Err(e) => {
                eprintln!("accept: {e}; retrying in 100 ms");
                runtime::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn serve(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = Vec::with_capacity(4096);
    let mut out = Vec::with_capacity(4096);
    loop {
        let filled = buf.len();
        buf.resize(filled + 4096, 0);
        let n = stream.read(&mut buf[filled..]).await?;
        buf.truncate(filled + n);
        if n == 0 {
            return Ok(());
        }
        let mut used = 0;
        let mut close = false;
        while let Some(request) = parse(&buf[used..]) {
            used += request.len;
            close = request.close;
            out.extend_from_slice(if close { HELLO_CLOSE } else { HELLO });
            if close {
                break;
            }
        }
        buf.drain(..used);
        if buf.len() > MAX_HEAD {
            out.extend_from_slice(TOO_LARGE);
            close = true;
        }
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
        if close {
            return stream.shutdown(Shutdown::Write);
        }
    }
}

/// A complete request at the start of a buffer.
struct Request {
    /// Its length in bytes, head and body.
    len: usize,
    /// Whether the client asked to close the connection after it.
    close: bool,
}

/// The first complete request in `buf`, or `None` if it is still partial.
fn parse(buf: &[u8]) -> Option<Request> {
    let head_len = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buf[..head_len]);
    let mut lines = head.split("\r\n");
    let http10 = lines.next()?.ends_with("HTTP/1.0");
    let (mut close, mut keep_alive, mut body) = (false, false, 0);
    for (name, value) in lines.filter_map(|line| line.split_once(':')) {
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            close |= value.eq_ignore_ascii_case("close");
            keep_alive |= value.eq_ignore_ascii_case("keep-alive");
        } else if name.eq_ignore_ascii_case("content-length") {
            body = value.parse().unwrap_or(0);
        }
    }
    let len = head_len + body;
    let close = close || (http10 && !keep_alive);
    (buf.len() >= len).then_some(Request { len, close })
}
