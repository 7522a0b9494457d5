//! The per-core HTTP/1.1 hello server: a `runtime::Pool` of `BENCH_THREADS`
//! runtimes (default 1), each accepting on its own `SO_REUSEPORT` listener
//! of one port. Runtime 0 binds the port (argv[1], port 0 picks one) and
//! tells the others. Nothing is shared between runtimes while serving: each
//! counts its connections and requests in its own cells. On SIGTERM/SIGINT
//! the pool stops and the server prints one line,
//! `spread conns=a,b,.. reqs=c,d,..`, before it exits.

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{mpsc, Arc, Mutex};
use std::task::Poll;

use bench::{HttpConn, HELLO};
use net::{TcpListener, TcpStream};
use runtime::pool::{self, Pool};

fn main() -> io::Result<()> {
    let threads = std::env::var("BENCH_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let pool = Pool::builder().threads(threads).build()?;
    let (addr_tx, addr_rx) = mpsc::channel();
    let addr_rx = Arc::new(Mutex::new(addr_rx));
    let spread = pool
        .run(move |index| {
            let (addr_tx, addr_rx) = (addr_tx.clone(), addr_rx.clone());
            async move {
                let listener = if index == 0 {
                    let listener = TcpListener::bind_reuseport(bench::listen_addr()).await?;
                    for _ in 1..threads {
                        let _ = addr_tx.send(listener.local_addr()?);
                    }
                    listener
                } else {
                    let addr = runtime::spawn_blocking(move || addr_rx.lock().ok()?.recv().ok());
                    let addr =
                        addr.await.ok().flatten().ok_or_else(|| io::Error::other("no address from runtime 0"))?;
                    TcpListener::bind_reuseport(addr).await?
                };
                if index == threads - 1 {
                    // Every listener is bound: the load may start.
                    println!("listening on {}", listener.local_addr()?);
                }
                io::Result::Ok(accept_until_stopped(listener).await)
            }
        })
        .map_err(io::Error::other)?;
    let mut conns = Vec::new();
    let mut reqs = Vec::new();
    for result in spread {
        let (c, r) = result?;
        conns.push(c.to_string());
        reqs.push(r.to_string());
    }
    println!("spread conns={} reqs={}", conns.join(","), reqs.join(","));
    Ok(())
}

/// Accepts until the pool stops; returns (connections, requests) served.
async fn accept_until_stopped(listener: TcpListener) -> (u64, u64) {
    let requests = Rc::new(Cell::new(0));
    let mut connections = 0;
    let mut stop = pool::stopping();
    loop {
        let next = poll_fn(|cx| match listener.poll_accept(cx) {
            Poll::Ready(accepted) => Poll::Ready(Some(accepted)),
            Poll::Pending => Pin::new(&mut stop).poll(cx).map(|()| None),
        });
        match next.await {
            None => break,
            Some(Ok((stream, _))) => {
                connections += 1;
                drop(runtime::spawn(serve(stream, requests.clone())));
            }
            Some(Err(e)) => eprintln!("accept: {e}"),
        }
    }
    (connections, requests.get())
}

async fn serve(mut stream: TcpStream, requests: Rc<Cell<u64>>) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut conn = HttpConn::default();
    while let Some(spare) = conn.spare() {
        let n = stream.read(spare).await?;
        if n == 0 {
            return Ok(());
        }
        let answers = conn.answers(n);
        if !answers.is_empty() {
            requests.set(requests.get() + (answers.len() / HELLO.len()) as u64);
            stream.write_all(answers).await?;
        }
    }
    Ok(())
}
