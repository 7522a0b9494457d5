//! `udp_echo`: a datagram comes back to its sender.

use std::net::UdpSocket;

use crate::bounded;
use crate::{Example, IO_TIMEOUT};

#[test]
fn udp_echo_echoes_a_datagram() {
    bounded(|| {
        let server = Example::start("udp_echo", &["127.0.0.1:0"]);
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        for msg in [&b"one datagram"[..], &[7; 1400][..], b""] {
            socket.send_to(msg, &server.addr).unwrap();
            let mut buf = [0; 2048];
            let (n, from) = socket.recv_from(&mut buf).unwrap();
            assert_eq!(&buf[..n], msg);
            assert_eq!(from.to_string(), server.addr);
        }
    });
}
