//! `http_hello`: keep-alive, a pipelined burst of 100 requests answered in
//! order, `Connection: close`.

use std::io::{Read, Write};

use crate::bounded;
use crate::Example;

/// Reads one response (head and `Content-Length` body) from the front of
/// `buf`, reading more from `stream` as needed; returns (head, body).
fn next_response(stream: &mut impl Read, buf: &mut Vec<u8>) -> Option<(String, String)> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8(buf[..end].to_vec()).unwrap();
            let len: usize =
                head.lines().find_map(|l| l.strip_prefix("Content-Length: ")).expect("Content-Length").parse().unwrap();
            if buf.len() >= end + 4 + len {
                let body = String::from_utf8(buf[end + 4..end + 4 + len].to_vec()).unwrap();
                buf.drain(..end + 4 + len);
                return Some((head, body));
            }
        }
        let mut chunk = [0; 8192];
        match stream.read(&mut chunk).unwrap() {
            0 => return None,
            n => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

#[test]
fn http_hello_answers_a_pipelined_burst_of_100_in_order() {
    bounded(|| {
        let server = Example::start("http_hello", &["127.0.0.1:0"]);
        let mut stream = server.connect();
        let burst: String = (0..100).map(|i| format!("GET /{i} HTTP/1.1\r\nHost: test\r\n\r\n")).collect();
        stream.write_all(burst.as_bytes()).unwrap();
        let mut buf = Vec::new();
        for i in 0..100 {
            let (head, body) = next_response(&mut stream, &mut buf).unwrap_or_else(|| panic!("response {i} missing"));
            assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
            assert_eq!(body, "Hello, world!");
        }
        assert!(buf.is_empty(), "exactly 100 responses");
        // Keep-alive: the connection still serves, then closes on request.
        stream.write_all(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").unwrap();
        let (head, body) = next_response(&mut stream, &mut buf).unwrap();
        assert!(head.contains("Connection: close"), "{head}");
        assert_eq!(body, "Hello, world!");
        assert_eq!(stream.read(&mut [0; 16]).unwrap(), 0, "closed after Connection: close");
    });
}

#[test]
fn http_hello_handles_requests_split_across_reads() {
    bounded(|| {
        let server = Example::start("http_hello", &["127.0.0.1:0"]);
        let mut stream = server.connect();
        stream.set_nodelay(true).unwrap();
        let request = b"POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
        let mut buf = Vec::new();
        for byte in request {
            stream.write_all(&[*byte]).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let (head, body) = next_response(&mut stream, &mut buf).unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK") && body == "Hello, world!");
        stream.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        assert!(next_response(&mut stream, &mut buf).is_some());
        assert_eq!(stream.read(&mut [0; 16]).unwrap(), 0, "HTTP/1.0 closes by default");
    });
}
