//! Pieces shared by the bench programs: the HTTP/1.1 request parser every
//! `http_*` server uses (so only the runtime differs between them), the
//! response, the listen address, and the hand-written epoll loop that the
//! `echo_epoll` and `http_epoll` servers run as the floor.

pub mod epoll;

/// The one answer of every `http_*` server.
pub const HELLO: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, world!";

/// The per-connection buffer of every server (echo messages are at most 1 KiB).
pub const BUF_SIZE: usize = 4096;

/// The listen address: argv[1], or 127.0.0.1 on a port the kernel picks.
pub fn listen_addr() -> std::net::SocketAddr {
    let arg = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:0".into());
    arg.parse().unwrap_or_else(|e| panic!("bad listen address {arg:?}: {e}"))
}

/// `BENCH_MAX_CONNS`: the servers that honour it exit after that many
/// connections have closed (and print their metrics first).
pub fn max_conns() -> Option<u64> {
    std::env::var("BENCH_MAX_CONNS").ok().and_then(|v| v.parse().ok())
}

/// The `Content-Length` value of a header line, if it is that header.
#[inline]
fn content_length(line: &[u8]) -> Option<usize> {
    const NAME: &[u8] = b"content-length:";
    if line.len() <= NAME.len() || line[0] | 0x20 != b'c' || !line[..NAME.len()].eq_ignore_ascii_case(NAME) {
        return None;
    }
    let mut n = 0usize;
    for &b in &line[NAME.len()..] {
        match b {
            b'0'..=b'9' => n = n.saturating_mul(10).saturating_add(usize::from(b - b'0')),
            b' ' | b'\t' => {}
            _ => break,
        }
    }
    Some(n)
}

/// The length of the first complete message (request or response) in
/// `buf`: the head up to its empty line, plus a `Content-Length` body;
/// `None` while it is partial. One pass over the head, eight bytes at a
/// time, stopping at each line end.
#[inline]
pub fn message_len(buf: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const NL: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let (mut body, mut line_start, mut i) = (0, 0, 0);
    while i < buf.len() {
        let base = i;
        let mut newlines = if let Some(word) = buf.get(i..i + 8) {
            i += 8;
            let w = u64::from_le_bytes(word.try_into().unwrap()) ^ NL;
            // Flags every `\n` byte (and, rarely, a byte just above one: checked below).
            w.wrapping_sub(LO) & !w & HI
        } else {
            let mut m = 0u64;
            for (k, &b) in buf[i..].iter().enumerate() {
                if b == b'\n' {
                    m |= 0x80 << (8 * k);
                }
            }
            i = buf.len();
            m
        };
        while newlines != 0 {
            let nl = base + (newlines.trailing_zeros() / 8) as usize;
            newlines &= newlines - 1;
            if buf[nl] != b'\n' {
                continue;
            }
            let line = &buf[line_start..nl];
            if line.is_empty() || line == b"\r" {
                let len = nl + 1 + body;
                return (buf.len() >= len).then_some(len);
            }
            if let Some(n) = content_length(line) {
                body = n;
            }
            line_start = nl + 1;
        }
    }
    None
}

/// Every complete request at the start of `buf` (pipelining):
/// `(bytes they take, how many)`.
#[inline]
pub fn parse_requests(buf: &[u8]) -> (usize, usize) {
    let (mut used, mut count) = (0, 0);
    while let Some(len) = message_len(&buf[used..]) {
        used += len;
        count += 1;
    }
    (used, count)
}

/// The bytes answering `count` requests: `HELLO` itself for one, else
/// `count` copies built in `out`.
#[inline]
pub fn responses(count: usize, out: &mut Vec<u8>) -> &[u8] {
    if count == 1 {
        return HELLO;
    }
    out.clear();
    for _ in 0..count {
        out.extend_from_slice(HELLO);
    }
    out
}

/// One HTTP connection's input state, the same for every async server:
/// read into `buf[filled..]`, then `take` the answers.
pub struct HttpConn {
    pub buf: Vec<u8>,
    pub filled: usize,
    pub out: Vec<u8>,
}

impl Default for HttpConn {
    fn default() -> Self {
        HttpConn { buf: vec![0; BUF_SIZE], filled: 0, out: Vec::new() }
    }
}

impl HttpConn {
    /// Where the next read goes; `None` when a request head outgrew the buffer.
    pub fn spare(&mut self) -> Option<&mut [u8]> {
        (self.filled < self.buf.len()).then(|| &mut self.buf[self.filled..])
    }

    /// After a read of `n` bytes: the answers to every complete request
    /// (empty if none is complete yet).
    pub fn answers(&mut self, n: usize) -> &[u8] {
        self.filled += n;
        let (used, count) = parse_requests(&self.buf[..self.filled]);
        if count == 0 {
            return &[];
        }
        self.buf.copy_within(used..self.filled, 0);
        self.filled -= used;
        responses(count, &mut self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pipelined_and_partial() {
        let one = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        assert_eq!(parse_requests(one), (one.len(), 1));
        let mut two = one.to_vec();
        two.extend_from_slice(b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
        assert_eq!(parse_requests(&two), (two.len(), 2));
        assert_eq!(parse_requests(&two[..two.len() - 1]), (one.len(), 1));
        assert_eq!(message_len(HELLO), Some(HELLO.len()));
        assert_eq!(parse_requests(b"GET / HTTP/1.1\r\n\r"), (0, 0));
        // Every split point of a pipelined pair, and a vertical tab next to a line end.
        let mut pair = b"GET /a HTTP/1.1\r\nX: \x0b\r\n\r\n".to_vec();
        pair.extend_from_slice(b"GET /bb HTTP/1.1\r\ncontent-length:  2\r\n\r\nok");
        for cut in 0..=pair.len() {
            let want = if cut == pair.len() {
                (pair.len(), 2)
            } else if cut >= 25 {
                (25, 1)
            } else {
                (0, 0)
            };
            assert_eq!(parse_requests(&pair[..cut]), want, "cut at {cut}");
        }
    }
}
