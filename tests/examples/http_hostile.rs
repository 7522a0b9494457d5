//! `http_hello` against hostile clients (issue 11, items 1-4): each bad
//! request gets its status and a close, and the server goes on serving.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::bounded;
use crate::http_head::{parse, Parse, Status};
use crate::{read_to_end_or_reset, Example};

/// Sends `request` on a new connection, and returns everything the server
/// sent back before closing.
fn exchange(server: &Example, request: &[u8]) -> String {
    let mut stream = server.connect();
    stream.write_all(request).unwrap();
    String::from_utf8_lossy(&read_to_end_or_reset(&mut stream)).into_owned()
}

/// The number of responses in `text`.
fn responses(text: &str) -> usize {
    text.matches("HTTP/1.1 ").count()
}

/// A request the server must still answer with 200 on a fresh connection.
fn assert_serves(server: &Example) {
    let text = exchange(server, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(text.starts_with("HTTP/1.1 200 OK") && text.ends_with("Hello, world!"), "{text}");
}

#[test]
fn http_hello_refuses_a_wrapping_content_length_with_413() {
    bounded(|| {
        let server = Example::start("http_hello", &["127.0.0.1:0"]);
        // 2^64 - 65: added to the 65-byte head it wraps to 0.
        let text = exchange(&server, b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551551\r\n\r\n");
        assert!(text.starts_with("HTTP/1.1 413 "), "{text}");
        assert_eq!(responses(&text), 1, "{text}");
        let text = exchange(&server, b"POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\nsome of it");
        assert!(text.starts_with("HTTP/1.1 413 "), "{text}");
        assert_serves(&server);
    });
}

#[test]
fn http_hello_reads_and_drops_a_large_body() {
    bounded(|| {
        let server = Example::start("http_hello", &["127.0.0.1:0"]);
        let mut request = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 66000\r\n\r\n".to_vec();
        request.extend((0..66_000).map(|i| b'a' + (i % 26) as u8));
        // Then a second request on the same connection: the body was skipped exactly.
        request.extend_from_slice(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
        let text = exchange(&server, &request);
        assert_eq!(responses(&text), 2, "{text}");
        assert!(text.starts_with("HTTP/1.1 200 OK") && text.ends_with("Hello, world!"), "{text}");
    });
}

#[test]
fn http_hello_answers_each_malformed_request_with_400_and_closes() {
    let malformed: &[&[u8]] = &[
        b"\x8f\x01 random bytes \xff\x00\r\n\r\n",
        b"GET / HTTP/1.1\nHost: x\n\n",
        b"GET / HTTP/1.1\r\nHost: x\n\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: 18446744073709551616\r\n\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: \r\n\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
        b"GET / HTTP/1.1\r\nX-Nul: a\x00b\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        b"GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n",
        b"GET / HTTP/2.0\r\n\r\n",
        b"GET  / HTTP/1.1\r\n\r\n",
    ];
    bounded(move || {
        let server = Example::start("http_hello", &["127.0.0.1:0"]);
        for request in malformed {
            let text = exchange(&server, request);
            let shown = String::from_utf8_lossy(request);
            assert!(text.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{shown:?} got {text:?}");
            assert_eq!(responses(&text), 1, "{shown:?} got {text:?}");
        }
        assert_serves(&server);
    });
}

#[test]
fn http_hello_answers_a_chunked_body_with_501_not_a_second_request() {
    bounded(|| {
        let server = Example::start("http_hello", &["127.0.0.1:0"]);
        let request =
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n";
        let text = exchange(&server, request);
        assert!(text.starts_with("HTTP/1.1 501 Not Implemented\r\n"), "{text}");
        assert_eq!(responses(&text), 1, "{text}");
    });
}

#[test]
fn http_hello_answers_a_head_over_the_limit_with_431() {
    bounded(|| {
        let server = Example::start("http_hello", &["127.0.0.1:0"]);
        let mut request = b"GET / HTTP/1.1\r\nX-Long: ".to_vec();
        request.extend_from_slice(&[b'v'; 9000]);
        request.extend_from_slice(b"\r\n\r\n");
        let text = exchange(&server, &request);
        assert!(text.starts_with("HTTP/1.1 431 "), "{text}");
        assert_serves(&server);
    });
}

/// How long until the server closes `stream`, which sends nothing more.
fn closed_after(mut stream: TcpStream) -> (Duration, String) {
    let start = Instant::now();
    let got = read_to_end_or_reset(&mut stream);
    (start.elapsed(), String::from_utf8_lossy(&got).into_owned())
}

#[test]
fn http_hello_closes_idle_and_slow_connections_after_their_timeouts() {
    bounded(|| {
        let env = [("HEADER_TIMEOUT_MS", "300"), ("IDLE_TIMEOUT_MS", "600")];
        let server = Example::start_with_env("http_hello", &["127.0.0.1:0"], &env);
        // Silent from the start: the head timeout.
        let (waited, got) = closed_after(server.connect());
        assert!(waited >= Duration::from_millis(250) && got.is_empty(), "{waited:?} {got:?}");
        // A head that never ends.
        let mut slow = server.connect();
        slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
        let (waited, got) = closed_after(slow);
        assert!(waited >= Duration::from_millis(250) && got.is_empty(), "{waited:?} {got:?}");
        // Idle after an answered request: the keep-alive timeout.
        let mut kept = server.connect();
        kept.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        let (waited, got) = closed_after(kept);
        assert!(waited >= Duration::from_millis(550), "{waited:?}");
        assert!(got.starts_with("HTTP/1.1 200 OK") && responses(&got) == 1, "{got}");
        assert_serves(&server);
    });
}

/// Every prefix of a valid head is `Partial`, the whole is the `Head`; and
/// the parser's verdicts on a few edge cases.
#[test]
fn http_head_parser_accepts_every_prefix_and_refuses_edge_cases() {
    let head = b"\r\nPOST /p?q=1 HTTP/1.0\r\nHost: a\r\nX-Tab:\tv\tw \r\nConnection: Keep-Alive, x\r\n\
                 Content-Length: 7\r\ncontent-length:7\r\nX-Obs: \xe9t\xe9\r\nEmpty:\r\n\r\n";
    for cut in 0..head.len() {
        assert_eq!(parse(&head[..cut]), Parse::Partial, "cut at {cut}");
    }
    let Parse::Head(parsed) = parse(head) else { panic!("{:?}", parse(head)) };
    assert_eq!((parsed.len, parsed.body, parsed.close), (head.len(), 7, false));
    let close = parse(b"GET / HTTP/1.1\r\nconnection: CLOSE\r\n\r\n");
    assert!(matches!(close, Parse::Head(h) if h.close));
    assert!(matches!(parse(b"GET / HTTP/1.0\r\n\r\n"), Parse::Head(h) if h.close));
    for bad in
        [&b"GET / HTTP/1.1\r\n\r\r"[..], b"GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", b"GET / HTTP/1.1\r\nX: \x7f\r\n\r\n"]
    {
        assert_eq!(parse(bad), Parse::Reject(Status::BadRequest), "{bad:?}");
    }
    let chunked = parse(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    assert_eq!(chunked, Parse::Reject(Status::NotImplemented));
}
