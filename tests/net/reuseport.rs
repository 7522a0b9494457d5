//! `TcpListener::bind_reuseport` and `UdpSocket::bind_reuseport`: sockets
//! sharing a port, and the per-core accept pattern on a `runtime::Pool`.

use std::future::{poll_fn, Future};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{mpsc, Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use futures::StreamExt;
use net::{TcpListener, UdpSocket};
use runtime::pool::{self, Pool};

use crate::support::{bounded, run, LIMIT};

const CONNECTIONS: usize = 200;

/// Accepts until the pool stops, answering each request ("ping") with this
/// runtime's index; then waits for its connections and returns how many it
/// accepted.
async fn serve(listener: TcpListener, index: usize) -> usize {
    let mut stop = pool::stopping();
    let mut connections = Vec::new();
    loop {
        let next = poll_fn(|cx| match listener.poll_accept(cx) {
            Poll::Ready(accepted) => Poll::Ready(Some(accepted)),
            Poll::Pending => Pin::new(&mut stop).poll(cx).map(|()| None),
        });
        let Some(accepted) = next.await else { break };
        let (mut stream, _) = accepted.expect("accept");
        connections.push(runtime::spawn(async move {
            let mut request = [0; 4];
            stream.read_exact(&mut request).await.expect("read the request");
            assert_eq!(&request, b"ping");
            stream.write_all(index.to_string().as_bytes()).await.expect("answer");
        }));
    }
    drop(listener);
    let accepted = connections.len();
    for connection in connections {
        connection.await.expect("a connection task");
    }
    accepted
}

/// Makes `CONNECTIONS` connections one after another; returns how many each
/// runtime answered.
fn client(addr: SocketAddr) -> [usize; 2] {
    let mut answered = [0; 2];
    for _ in 0..CONNECTIONS {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(LIMIT)).unwrap();
        stream.write_all(b"ping").expect("send the request");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read the answer");
        answered[answer.parse::<usize>().expect("an index")] += 1;
    }
    answered
}

#[test]
fn two_runtimes_share_a_port_and_both_accept_some_of_200_connections() {
    let (accepted, answered) = bounded(|| {
        let pool = Pool::builder().threads(2).stop_on_signals(false).build().unwrap();
        // Runtime 0 binds port 0 and tells runtime 1 and the client the port.
        let (addr_tx, addr_rx) = mpsc::channel::<SocketAddr>();
        let (client_tx, client_rx) = mpsc::channel::<SocketAddr>();
        let addr_rx = Arc::new(Mutex::new(addr_rx));
        std::thread::scope(|scope| {
            let pool = &pool;
            let client = scope.spawn(move || {
                let answered = client(client_rx.recv().expect("the address"));
                pool.shutdown();
                answered
            });
            let accepted = pool.run(move |index| {
                let (addr_tx, client_tx, addr_rx) = (addr_tx.clone(), client_tx.clone(), addr_rx.clone());
                async move {
                    let listener = if index == 0 {
                        let listener = TcpListener::bind_reuseport("127.0.0.1:0").await.unwrap();
                        addr_tx.send(listener.local_addr().unwrap()).unwrap();
                        listener
                    } else {
                        let addr = runtime::spawn_blocking(move || addr_rx.lock().unwrap().recv().unwrap());
                        let listener = TcpListener::bind_reuseport(addr.await.unwrap()).await.unwrap();
                        // Both listeners are up: let the client start.
                        client_tx.send(listener.local_addr().unwrap()).unwrap();
                        listener
                    };
                    serve(listener, index).await
                }
            });
            (accepted.expect("the pool"), client.join().expect("the client"))
        })
    });
    assert_eq!(accepted.iter().sum::<usize>(), CONNECTIONS, "{accepted:?}");
    assert_eq!(answered.to_vec(), accepted, "every request answered, by the runtime that accepted it");
    assert!(accepted.iter().all(|&n| n > 0), "both runtimes accept some: {accepted:?}");
}

#[test]
fn a_port_bound_without_the_option_is_not_shared() {
    run(|| async {
        let plain = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let error = TcpListener::bind_reuseport(plain.local_addr().unwrap()).await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse, "{error}");
        assert!(error.to_string().contains("SO_REUSEPORT"), "{error}");
    });
}

#[test]
fn udp_sockets_share_a_port_and_both_receive_some_datagrams() {
    const SENDERS: usize = 64;
    let received = run(|| async {
        let first = UdpSocket::bind_reuseport("127.0.0.1:0").await.unwrap();
        let addr = first.local_addr().unwrap();
        let second = UdpSocket::bind_reuseport(addr).await.unwrap();
        let (tx, mut rx) = futures::channel::mpsc::unbounded();
        for (index, socket) in [first, second].into_iter().enumerate() {
            let tx = tx.clone();
            drop(runtime::spawn(async move {
                let mut buf = [0; 8];
                loop {
                    let n = socket.recv(&mut buf).await.unwrap();
                    assert_eq!(&buf[..n], b"hi");
                    if tx.unbounded_send(index).is_err() {
                        return;
                    }
                }
            }));
        }
        // Each datagram from its own source port, so the hash spreads them.
        for _ in 0..SENDERS {
            let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            sender.send_to(b"hi", addr).unwrap();
        }
        let mut received = [0; 2];
        for _ in 0..SENDERS {
            let index = runtime::time::timeout(Duration::from_secs(10), rx.next()).await.unwrap().unwrap();
            received[index] += 1;
        }
        received
    });
    assert!(received.iter().all(|&n| n > 0), "both sockets receive some: {received:?}");
}
