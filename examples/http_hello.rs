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
//! is closed.
//!
//! Hostile clients get bounded work: heads are parsed in place by a strict
//! parser (`common/http_head.rs`: `400` for anything malformed, `501` for
//! `Transfer-Encoding`), a head longer than [`MAX_HEAD`] gets `431`, a body
//! is read and dropped up to [`MAX_BODY`] (larger gets `413`), and every
//! wait has a deadline ([`HEADER_TIMEOUT`], [`IDLE_TIMEOUT`]). Each
//! connection has one buffer and one timer, made when it opens; a request
//! allocates nothing, fills nothing, and moves no timer.

#[path = "common/http_head.rs"]
mod http_head;

use std::future::{poll_fn, Future};
use std::io;
use std::net::Shutdown;
use std::pin::{pin, Pin};
use std::task::Poll;
use std::time::Duration;

use http_head::{Parse, Status};
use net::{TcpListener, TcpStream};
use runtime::time::{Instant, Sleep};

/// The longest request head (request line and fields), and so the read
/// buffer's size: a longer head gets `431`.
const MAX_HEAD: usize = 8 * 1024;
/// The longest request body read (and dropped): a longer one gets `413`.
const MAX_BODY: u64 = 1024 * 1024;
/// How long a request head may take to arrive, from its first byte (or from
/// the connection's start). Environment `HEADER_TIMEOUT_MS` overrides it.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a keep-alive connection may wait for its next request, and any
/// read of a body or write of answers may stall. `IDLE_TIMEOUT_MS` overrides it.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// After the last answer: how long the server still reads (and drops) what
/// the client sends, so that the close does not reset the connection and
/// destroy the answer before the client has read it.
const LINGER: Duration = Duration::from_secs(2);

const HELLO: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";
const HELLO_CLOSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, world!";
const BAD_REQUEST: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const TOO_LARGE: &[u8] = b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const HEAD_TOO_LARGE: &[u8] =
    b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const NOT_IMPLEMENTED: &[u8] = b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// The timeouts in force (the constants, or the environment's).
#[derive(Debug, Clone, Copy)]
struct Timeouts {
    header: Duration,
    idle: Duration,
}

#[runtime::main]
async fn main() -> io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".into());
    let timeouts = Timeouts {
        header: env_duration("HEADER_TIMEOUT_MS", HEADER_TIMEOUT),
        idle: env_duration("IDLE_TIMEOUT_MS", IDLE_TIMEOUT),
    };
    let listener = TcpListener::bind(addr.as_str()).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                runtime::spawn(async move {
                    // A reset, a vanished or a too slow client ends only its own connection.
                    let _ = serve(stream, timeouts).await;
                });
            }
            Err(e) => {
                eprintln!("accept: {e}; retrying in 100 ms");
                runtime::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// `default`, or the environment variable `name` in milliseconds.
fn env_duration(name: &str, default: Duration) -> Duration {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).map_or(default, Duration::from_millis)
}

async fn serve(mut stream: TcpStream, timeouts: Timeouts) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut conn = Conn::new();
    let mut deadline = Instant::now() + timeouts.header;
    let mut timer = runtime::time::sleep_until(deadline);
    loop {
        let (heads, had_head) = (conn.heads, conn.in_head());
        let n = before(deadline, &mut timer, stream.read(&mut conn.buf[conn.filled..])).await?;
        if n == 0 {
            return Ok(());
        }
        conn.filled += n;
        let close = conn.answer();
        if !conn.out.is_empty() {
            before(deadline, &mut timer, stream.write_all(&conn.out)).await?;
            conn.out.clear();
        }
        if close {
            return linger(stream, &mut conn.buf).await;
        }
        // A new head has HEADER_TIMEOUT from its first byte; anything else IDLE_TIMEOUT.
        if !conn.in_head() {
            deadline = Instant::now() + timeouts.idle;
        } else if conn.heads != heads || !had_head {
            deadline = Instant::now() + timeouts.header;
        }
    }
}

/// Runs `io` until it completes, or fails with `TimedOut` at `deadline`.
///
/// `timer` is the connection's one timer. It is moved only when the
/// deadline comes before it, or when it fires before the deadline (which
/// has moved on since it was set): so on a busy connection it stays put.
async fn before<T>(deadline: Instant, timer: &mut Sleep, io: impl Future<Output = io::Result<T>>) -> io::Result<T> {
    if deadline < timer.deadline() {
        timer.reset(deadline);
    }
    let mut io = pin!(io);
    poll_fn(|cx| {
        if let Poll::Ready(result) = io.as_mut().poll(cx) {
            return Poll::Ready(result);
        }
        while Pin::new(&mut *timer).poll(cx).is_ready() {
            if Instant::now() >= deadline {
                return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "client too slow")));
            }
            timer.reset(deadline);
        }
        Poll::Pending
    })
    .await
}

/// Stops sending, then reads and drops what the client still sends for at
/// most [`LINGER`], so the last answer is read before the connection closes.
async fn linger(mut stream: TcpStream, buf: &mut [u8]) -> io::Result<()> {
    stream.shutdown(Shutdown::Write)?;
    let drain = async {
        while stream.read(buf).await? > 0 {}
        io::Result::Ok(())
    };
    let _ = runtime::time::timeout(LINGER, drain).await;
    Ok(())
}

/// One connection's input and output: `buf[..filled]` holds the bytes
/// not used yet, which start with a partial head or a partial body.
struct Conn {
    buf: Vec<u8>,
    filled: usize,
    /// Body bytes of the last request still to be read and dropped.
    body_left: u64,
    /// Whether to close after answering the request whose body is being read,
    /// or `None` when no answer waits.
    pending: Option<bool>,
    /// How many bytes at the front were found to be a partial head (0: none),
    /// so a read that adds no line end need not parse it again.
    partial: usize,
    /// Request heads parsed so far.
    heads: u64,
    /// Answers to send.
    out: Vec<u8>,
}

impl Conn {
    fn new() -> Conn {
        Conn { buf: vec![0; MAX_HEAD], filled: 0, body_left: 0, pending: None, partial: 0, heads: 0, out: Vec::new() }
    }

    /// Whether the bytes kept start a request head (none yet counts too).
    fn in_head(&self) -> bool {
        self.pending.is_none() && self.filled > 0
    }

    /// Answers every complete request in the buffer, into `out`; returns
    /// whether to close the connection after sending them.
    fn answer(&mut self) -> bool {
        let mut used = 0;
        let close = loop {
            if let Some(close) = self.pending {
                let skip = self.body_left.min((self.filled - used) as u64);
                used += skip as usize; // at most `filled - used`
                self.body_left -= skip;
                if self.body_left > 0 {
                    break false;
                }
                self.pending = None;
                self.out.extend_from_slice(if close { HELLO_CLOSE } else { HELLO });
                if close {
                    break true;
                }
            }
            let rest = &self.buf[used..self.filled];
            if used == 0 && self.partial > 0 && !rest[self.partial..].contains(&b'\n') {
                self.partial = rest.len();
            } else {
                match http_head::parse(rest) {
                    Parse::Head(head) if head.body > MAX_BODY => break self.refuse(TOO_LARGE),
                    Parse::Head(head) => {
                        used += head.len;
                        self.heads += 1;
                        self.partial = 0;
                        self.body_left = head.body;
                        self.pending = Some(head.close);
                        continue;
                    }
                    Parse::Partial => self.partial = rest.len(),
                    Parse::Reject(Status::BadRequest) => break self.refuse(BAD_REQUEST),
                    Parse::Reject(Status::NotImplemented) => break self.refuse(NOT_IMPLEMENTED),
                }
            }
            // A partial head (or nothing): wait for more, unless it fills the buffer.
            if self.partial == MAX_HEAD {
                break self.refuse(HEAD_TOO_LARGE);
            }
            break false;
        };
        self.buf.copy_within(used..self.filled, 0);
        self.filled -= used;
        close
    }

    /// Queues `answer` to a request that will not be served; returns true (close).
    fn refuse(&mut self, answer: &[u8]) -> bool {
        self.out.extend_from_slice(answer);
        true
    }
}
