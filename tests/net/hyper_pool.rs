//! In place of hyper-util's pooled `Client` (its connector's streams must be
//! `Send`, and `net`'s are not): a small pool of HTTP/1 connections for the
//! tasks of one runtime thread, built on hyper's own `client::conn`. It
//! keeps idle `SendRequest`s and reuses one whose connection is still open,
//! else connects. `docs/FROM_TOKIO.md` points here.

use std::cell::{Cell, RefCell};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::rc::Rc;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, Response};

use crate::support::run;

/// HTTP/1 connections to one server, shared by the tasks of one thread.
struct LocalPool {
    addr: SocketAddr,
    idle: RefCell<Vec<SendRequest<Empty<Bytes>>>>,
}

impl LocalPool {
    fn new(addr: SocketAddr) -> Rc<LocalPool> {
        Rc::new(LocalPool { addr, idle: RefCell::new(Vec::new()) })
    }

    /// Sends `request` on an idle connection, or a new one; the connection
    /// goes back to the pool once the response's body is read.
    async fn get(&self, path: &str) -> Result<Bytes, Box<dyn std::error::Error>> {
        let mut sender = self.checkout().await?;
        let request = Request::get(path).header("host", "local").body(Empty::new())?;
        let body = sender.send_request(request).await?.into_body().collect().await?.to_bytes();
        self.idle.borrow_mut().push(sender);
        Ok(body)
    }

    async fn checkout(&self) -> Result<SendRequest<Empty<Bytes>>, Box<dyn std::error::Error>> {
        loop {
            let Some(mut sender) = self.idle.borrow_mut().pop() else { break };
            // A connection the server closed is dropped, not reused.
            if sender.ready().await.is_ok() {
                return Ok(sender);
            }
        }
        let stream = net::TcpStream::connect(self.addr).await?;
        let (sender, connection) = hyper::client::conn::http1::handshake(stream).await?;
        runtime::spawn(connection); // drives the connection until it closes
        Ok(sender)
    }
}

/// A hyper server that counts the connections it accepts.
async fn counting_server() -> (SocketAddr, Rc<Cell<usize>>) {
    let listener = net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Rc::new(Cell::new(0));
    let count = accepted.clone();
    runtime::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            count.set(count.get() + 1);
            let service = hyper::service::service_fn(|req: Request<hyper::body::Incoming>| async move {
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(req.uri().path().to_owned()))))
            });
            runtime::spawn(hyper::server::conn::http1::Builder::new().serve_connection(stream, service));
        }
    });
    (addr, accepted)
}

#[test]
fn local_pool_reuses_one_connection_for_sequential_requests() {
    run(|| async {
        let (addr, accepted) = counting_server().await;
        let pool = LocalPool::new(addr);
        for i in 0..20 {
            let path = format!("/{i}");
            assert_eq!(pool.get(&path).await.unwrap(), path.as_bytes());
        }
        assert_eq!(accepted.get(), 1);
    });
}

#[test]
fn local_pool_opens_one_connection_per_concurrent_request_at_most() {
    run(|| async {
        let (addr, accepted) = counting_server().await;
        let pool = LocalPool::new(addr);
        for _round in 0..3 {
            let tasks: Vec<_> = (0..4)
                .map(|i| {
                    let pool = pool.clone();
                    runtime::spawn(async move { pool.get(&format!("/t{i}")).await.unwrap() })
                })
                .collect();
            for (i, task) in tasks.into_iter().enumerate() {
                assert_eq!(task.await.unwrap(), format!("/t{i}").as_bytes());
            }
        }
        // The first round opens at most four; later rounds reuse them.
        assert!((1..=4).contains(&accepted.get()), "{} connections", accepted.get());
        assert_eq!(pool.idle.borrow().len(), accepted.get());
    });
}
