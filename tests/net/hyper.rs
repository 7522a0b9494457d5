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
