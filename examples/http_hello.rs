//! An HTTP/1.1 server that answers every request with `Hello, world!`.
//!
//! ```text
//! cargo run --release --example http_hello [ADDR] [--threads N]   # ADDR defaults to 127.0.0.1:8080
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
//! wait has a deadline ([`HEADER_TIMEOUT`], [`IDLE_TIMEOUT`]), kept by one
//! sweeper task for all connections (`common/watchdog.rs`; it looks four
//! times per shorter timeout, so a deadline is late by at most half the
//! shorter timeout). Each
//! connection has one buffer, made when it opens; a request allocates
//! nothing, fills nothing, reads no clock and moves no timer.
//!
//! SIGINT or SIGTERM (`common/shutdown.rs`): the server stops accepting,
//! closes idle connections, lets busy ones finish their request, and exits
//! with status 0 within `SHUTDOWN_GRACE` (10 s).
//!
//! `--threads N` (default 1) runs N runtimes, one per thread, each with its
//! own listener on the port (`common/threads.rs`).

#[path = "common/http_head.rs"]
mod http_head;
#[path = "common/shutdown.rs"]
mod shutdown;
#[path = "common/threads.rs"]
mod threads;
#[path = "common/watchdog.rs"]
mod watchdog;

use std::io;
use std::net::Shutdown as Direction;
use std::rc::Rc;
use std::time::Duration;

use http_head::{Parse, Status};
use net::TcpStream;
use shutdown::Shutdown;
use threads::{Args, Listen};
use watchdog::{Slot, Watchdog};

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

fn main() -> io::Result<()> {
    Args::parse("127.0.0.1:8080").run(serve_all)
}

/// One runtime's server: accepts until SIGINT or SIGTERM, then drains.
async fn serve_all(addr: String, listen: Listen) -> io::Result<()> {
    let timeouts = Timeouts {
        header: env_duration("HEADER_TIMEOUT_MS", HEADER_TIMEOUT),
        idle: env_duration("IDLE_TIMEOUT_MS", IDLE_TIMEOUT),
    };
    let mut stop = Shutdown::listen()?;
    let listener = listen.bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    // One sweeper enforces every connection's deadlines (see common/watchdog.rs).
    let watchdog = Watchdog::new(timeouts.header.min(timeouts.idle) / 4);
    let sweeper = runtime::spawn(watchdog.clone().run());
    while let Some(accepted) = stop.until(listener.accept()).await {
        match accepted {
            Ok((stream, _)) => {
                let slot = watchdog.watch(timeouts.header);
                runtime::spawn(async move {
                    // A reset, a vanished or a too slow client ends only its own connection.
                    let _ = serve(stream, &slot, timeouts).await;
                });
            }
            Err(e) => {
                eprintln!("accept: {e}; retrying in 100 ms");
                runtime::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    // SIGINT or SIGTERM: accept no more; idle connections close now, busy
    // ones after their answer, and whatever is left at the deadline as the
    // runtime drops it.
    drop(listener);
    watchdog.close_all();
    if runtime::time::timeout(Shutdown::grace(), sweeper).await.is_err() {
        eprintln!("shutdown: closing the connections still open");
    }
    Ok(())
}

/// `default`, or the environment variable `name` in milliseconds.
fn env_duration(name: &str, default: Duration) -> Duration {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).map_or(default, Duration::from_millis)
}

async fn serve(mut stream: TcpStream, slot: &Rc<Slot>, timeouts: Timeouts) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut conn = Conn::new();
    loop {
        let (heads, had_head) = (conn.heads, conn.in_head());
        let n = slot.guard(stream.read(&mut conn.buf[conn.filled..])).await?;
        if n == 0 {
            return Ok(());
        }
        conn.filled += n;
        let close = conn.answer();
        if conn.out.count > 0 {
            slot.guard(stream.write_all(conn.out.bytes())).await?;
            conn.out.count = 0;
        }
        if close {
            return linger(stream, &mut conn.buf).await;
        }
        // Progress for the watchdog: a new head has HEADER_TIMEOUT from its
        // first byte (more bytes of it are no progress); a body read or an
        // answer sent gives IDLE_TIMEOUT for the next.
        if conn.waits_for_request() {
            if slot.closing() {
                return linger(stream, &mut conn.buf).await;
            }
            slot.step_idle(timeouts.idle);
        } else if !conn.in_head() {
            slot.step(timeouts.idle);
        } else if conn.heads != heads || !had_head {
            slot.step(timeouts.header);
        }
    }
}

/// Stops sending, then reads and drops what the client still sends for at
/// most [`LINGER`], so the last answer is read before the connection closes.
async fn linger(mut stream: TcpStream, buf: &mut [u8]) -> io::Result<()> {
    stream.shutdown(Direction::Write)?;
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
    /// Whether to close after answering the request whose body is being read.
    close_after_body: bool,
    /// How many bytes at the front were found to be a partial head (0: none),
    /// so a read that adds no line end need not parse it again.
    partial: usize,
    /// Request heads parsed so far.
    heads: u64,
    /// Answers to send.
    out: Answers,
}

impl Conn {
    fn new() -> Conn {
        Conn {
            buf: vec![0; MAX_HEAD],
            filled: 0,
            body_left: 0,
            close_after_body: false,
            partial: 0,
            heads: 0,
            out: Answers::default(),
        }
    }

    /// Whether the bytes kept start a request head.
    fn in_head(&self) -> bool {
        self.body_left == 0 && self.filled > 0
    }

    /// Whether nothing of a request is here: all answered.
    fn waits_for_request(&self) -> bool {
        self.body_left == 0 && self.filled == 0
    }

    /// Answers every complete request in the buffer, into `out`; returns
    /// whether to close the connection after sending them.
    fn answer(&mut self) -> bool {
        let mut used = 0;
        if self.body_left > 0 {
            // The rest of a body: drop it, then answer its request.
            used = self.body_left.min(self.filled as u64) as usize;
            self.body_left -= used as u64;
            if self.body_left > 0 {
                self.filled = 0;
                return false;
            }
            if self.respond(self.close_after_body) {
                return true;
            }
        }
        let close = loop {
            let rest = &self.buf[used..self.filled];
            if rest.is_empty() {
                self.partial = 0;
                break false;
            }
            // A partial head is parsed again only once a line end has come.
            let parsed = if used == 0 && self.partial > 0 && !rest[self.partial..].contains(&b'\n') {
                Parse::Partial
            } else {
                http_head::parse(rest)
            };
            match parsed {
                Parse::Head(head) if head.body > MAX_BODY => break self.refuse(TOO_LARGE),
                Parse::Head(head) => {
                    self.heads += 1;
                    self.partial = 0;
                    let body_here = head.body.min((rest.len() - head.len) as u64);
                    used += head.len + body_here as usize;
                    if body_here < head.body {
                        self.body_left = head.body - body_here;
                        self.close_after_body = head.close;
                        break false;
                    }
                    if self.respond(head.close) {
                        break true;
                    }
                }
                Parse::Partial if rest.len() == MAX_HEAD => break self.refuse(HEAD_TOO_LARGE),
                Parse::Partial => {
                    self.partial = rest.len();
                    break false;
                }
                Parse::Reject(Status::BadRequest) => break self.refuse(BAD_REQUEST),
                Parse::Reject(Status::NotImplemented) => break self.refuse(NOT_IMPLEMENTED),
            }
        };
        if used < self.filled {
            self.buf.copy_within(used..self.filled, 0);
        }
        self.filled -= used;
        close
    }

    /// Queues the answer to a served request; returns `close`.
    fn respond(&mut self, close: bool) -> bool {
        self.out.push(if close { HELLO_CLOSE } else { HELLO });
        close
    }

    /// Queues `answer` to a request that will not be served; returns true (close).
    fn refuse(&mut self, answer: &'static [u8]) -> bool {
        self.out.push(answer);
        true
    }
}

/// The answers to send: a single one straight from its constant, more
/// copied together (pipelining).
#[derive(Default)]
struct Answers {
    one: &'static [u8],
    count: usize,
    joined: Vec<u8>,
}

impl Answers {
    fn push(&mut self, answer: &'static [u8]) {
        match self.count {
            0 => self.one = answer,
            1 => {
                self.joined.clear();
                self.joined.extend_from_slice(self.one);
                self.joined.extend_from_slice(answer);
            }
            _ => self.joined.extend_from_slice(answer),
        }
        self.count += 1;
    }

    fn bytes(&self) -> &[u8] {
        if self.count == 1 {
            self.one
        } else {
            &self.joined
        }
    }
}
