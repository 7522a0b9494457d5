//! Sockets whose runtime is gone, or used under another runtime, fail with
//! an error that says so instead of hanging.

use std::io;

use net::{TcpListener, UdpSocket};
use runtime::Runtime;

use crate::support::bounded;

fn assert_says(err: io::Error, what: &str) {
    assert_eq!(err.kind(), io::ErrorKind::Other);
    assert!(err.to_string().contains(what), "{err}");
}

#[test]
fn udp_socket_recv_after_its_runtime_is_dropped_errs() {
    bounded(|| {
        let rt = Runtime::new().unwrap();
        let socket = rt.block_on(UdpSocket::bind("127.0.0.1:0")).unwrap();
        drop(rt);
        let other = Runtime::new().unwrap();
        let err = other.block_on(socket.recv(&mut [0; 16])).unwrap_err();
        assert_says(err, "has shut down");
    });
}

#[test]
fn tcp_listener_accept_after_its_runtime_is_dropped_errs() {
    bounded(|| {
        let rt = Runtime::new().unwrap();
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        drop(rt);
        let err = Runtime::new().unwrap().block_on(listener.accept()).unwrap_err();
        assert_says(err, "has shut down");
    });
}

#[test]
fn udp_socket_recv_under_another_runtime_errs_naming_the_mistake() {
    bounded(|| {
        let rt = Runtime::new().unwrap();
        let socket = rt.block_on(UdpSocket::bind("127.0.0.1:0")).unwrap();
        let other = Runtime::new().unwrap();
        let err = other.block_on(socket.recv(&mut [0; 16])).unwrap_err();
        assert_says(err, "different runtime");
        // Its own runtime still drives it.
        rt.block_on(async {
            let sender = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            sender.send_to(b"hi", socket.local_addr().unwrap()).await.unwrap();
            let mut buf = [0; 16];
            assert_eq!(socket.recv(&mut buf).await.unwrap(), 2);
        });
    });
}
