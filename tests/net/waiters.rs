//! Several tasks waiting on one socket in one direction: every one is woken.

use std::rc::Rc;
use std::time::Duration;

use net::{TcpListener, TcpStream, UdpSocket};
use runtime::task::yield_now;
use runtime::time::timeout;

use crate::support::run;

/// Lets the spawned tasks run until each waits on its socket.
async fn let_tasks_wait() {
    for _ in 0..3 {
        yield_now().await;
    }
}

#[test]
fn udp_socket_two_tasks_recv_on_one_shared_socket_both_get_a_datagram() {
    run(|| async {
        let socket = Rc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let addr = socket.local_addr().unwrap();
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let socket = socket.clone();
                runtime::spawn(async move {
                    let mut buf = [0; 16];
                    let n = socket.recv(&mut buf).await.unwrap();
                    buf[..n].to_vec()
                })
            })
            .collect();
        let_tasks_wait().await;
        let sender = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        sender.send_to(b"one", addr).await.unwrap();
        sender.send_to(b"two", addr).await.unwrap();
        let mut got = Vec::new();
        for task in tasks {
            got.push(timeout(Duration::from_secs(5), task).await.expect("every waiter is woken").unwrap());
        }
        got.sort();
        assert_eq!(got, [b"one".to_vec(), b"two".to_vec()]);
    });
}

#[test]
fn tcp_listener_two_tasks_accept_on_one_listener_both_get_a_connection() {
    run(|| async {
        let listener = Rc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
        let addr = listener.local_addr().unwrap();
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let listener = listener.clone();
                runtime::spawn(async move { listener.accept().await.map(|_| ()) })
            })
            .collect();
        let_tasks_wait().await;
        let _a = TcpStream::connect(addr).await.unwrap();
        let _b = TcpStream::connect(addr).await.unwrap();
        for task in tasks {
            timeout(Duration::from_secs(5), task).await.expect("every accept is woken").unwrap().unwrap();
        }
    });
}
