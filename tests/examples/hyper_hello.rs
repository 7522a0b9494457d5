//! `hyper_hello`: hyper 1.x serving on this runtime.

use std::io::{Read, Write};

use crate::bounded;
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

#[test]
fn hyper_hello_serves_a_hyper_client_on_this_runtime() {
    use bytes::Bytes;
    use http_body_util::{BodyExt, Empty};

    let server = Example::start("hyper_hello", &["127.0.0.1:0"]);
    let addr = server.addr.clone();
    crate::support::run(move || async move {
        let stream = net::TcpStream::connect(addr.as_str()).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(stream).await.unwrap();
        let conn = runtime::spawn(conn);
        for _ in 0..3 {
            let request = hyper::Request::get("/").header("host", "test").body(Empty::<Bytes>::new()).unwrap();
            let response = sender.send_request(request).await.unwrap();
            assert_eq!(response.status(), hyper::StatusCode::OK);
            let body = response.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(&body[..], b"Hello, world!");
        }
        drop(sender);
        conn.await.unwrap().unwrap();
    });
}

#[test]
fn hyper_executor_and_timer_run_on_this_runtime() {
    use hyper::rt::{Executor, Timer};
    use std::time::{Duration, Instant};

    crate::support::run(|| async {
        let (tx, rx) = std::sync::mpsc::channel();
        net::hyper::Executor.execute(async move { tx.send("spawned").unwrap() });
        let start = Instant::now();
        net::hyper::Timer.sleep(Duration::from_millis(20)).await;
        assert!(start.elapsed() >= Duration::from_millis(20));
        net::hyper::Timer.sleep_until(Instant::now() + Duration::from_millis(5)).await;
        assert_eq!(rx.try_recv().unwrap(), "spawned", "the spawned task ran while we slept");
    });
}
