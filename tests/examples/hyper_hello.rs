//! `hyper_hello`: hyper 1.x serving on this runtime.

use std::io::{Read, Write};

use crate::support::bounded;
use crate::Example;

#[test]
fn hyper_hello_answers_keep_alive_requests() {
    bounded(|| {
        let server = Example::start("hyper_hello", &["127.0.0.1:0"]);
        let mut stream = server.connect();
        for _ in 0..3 {
            stream.write_all(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n").unwrap();
            let mut got = Vec::new();
            let mut chunk = [0u8; 1024];
            while !got.ends_with(b"Hello, world!") {
                let n = stream.read(&mut chunk).unwrap();
                assert_ne!(n, 0, "server closed early: {}", String::from_utf8_lossy(&got));
                got.extend_from_slice(&chunk[..n]);
            }
            let text = String::from_utf8(got).unwrap();
            assert!(text.starts_with("HTTP/1.1 200 OK"), "{text}");
            assert!(text.contains("content-length: 13"), "{text}");
        }
    });
}
