//! net's `hyper` feature: hyper's `Read`/`Write` on the stream types, with
//! a hyper server and a hyper client on this runtime (issue 10).

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::{Request, Response};
use net::UnixStream;

use crate::support::run;

#[test]
fn hyper_serves_and_requests_over_a_unix_stream() {
    run(|| async {
        let (client, server) = UnixStream::pair().unwrap();
        let service = hyper::service::service_fn(|req: Request<hyper::body::Incoming>| async move {
            let path = req.uri().path().to_owned();
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(path))))
        });
        let serving = runtime::spawn(
            hyper::server::conn::http1::Builder::new().timer(net::hyper::Timer).serve_connection(server, service),
        );
        let (mut sender, conn) = hyper::client::conn::http1::handshake(client).await.unwrap();
        let conn = runtime::spawn(conn);
        for path in ["/a", "/bb"] {
            let request = Request::get(path).header("host", "local").body(Empty::<Bytes>::new()).unwrap();
            let body = sender.send_request(request).await.unwrap().into_body().collect().await.unwrap();
            assert_eq!(body.to_bytes(), path.as_bytes());
        }
        drop(sender);
        conn.await.unwrap().unwrap();
        serving.await.unwrap().unwrap();
    });
}

/// Bodies larger than hyper's read buffer, over TCP: every byte that
/// `read(2)` puts straight into hyper's (uninitialised) buffer arrives, in
/// order, both ways, across many partial reads.
#[test]
fn hyper_moves_large_bodies_over_tcp_byte_for_byte() {
    run(|| async {
        let listener = net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let body: Vec<u8> = (0..1_000_003u32).map(|i| (i % 251) as u8).collect();
        let expected = body.clone();
        let serving = runtime::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let service = hyper::service::service_fn(|req: Request<hyper::body::Incoming>| async move {
                // Echo the request body back.
                let got = req.into_body().collect().await?.to_bytes();
                Ok::<_, hyper::Error>(Response::new(Full::new(got)))
            });
            hyper::server::conn::http1::Builder::new().serve_connection(stream, service).await
        });
        let stream = net::TcpStream::connect(addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(stream).await.unwrap();
        let conn = runtime::spawn(conn);
        for _ in 0..2 {
            let request =
                Request::post("/echo").header("host", "local").body(Full::new(Bytes::from(body.clone()))).unwrap();
            let response = sender.send_request(request).await.unwrap();
            let got = response.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(got.len(), expected.len());
            assert!(got[..] == expected[..], "the echoed body differs from the one sent");
        }
        drop(sender);
        conn.await.unwrap().unwrap();
        serving.await.unwrap().unwrap();
    });
}
