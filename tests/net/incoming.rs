//! `TcpListener::incoming()` and `UnixListener::incoming()` as
//! `futures_core::Stream`s of accepted connections (issue 10).

use futures::StreamExt;
use net::{TcpListener, TcpStream, UnixListener, UnixStream};

use crate::support::run;
use crate::util::TempPath;

#[test]
fn tcp_listener_incoming_yields_each_connection() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let clients = runtime::spawn(async move {
            let mut kept = Vec::new();
            for i in 0..3u8 {
                let mut c = TcpStream::connect(addr).await.unwrap();
                c.write_all(&[i]).await.unwrap();
                kept.push(c);
            }
            kept
        });
        let mut got: Vec<u8> = listener
            .incoming()
            .take(3)
            .then(|stream| async move {
                let mut stream = stream.unwrap();
                let mut byte = [0u8; 1];
                stream.read_exact(&mut byte).await.unwrap();
                byte[0]
            })
            .collect()
            .await;
        got.sort();
        assert_eq!(got, [0, 1, 2]);
        drop(clients.await.unwrap());
    });
}

#[test]
fn unix_listener_incoming_yields_each_connection() {
    run(|| async {
        let path = TempPath::new("incoming");
        let listener = UnixListener::bind(&path).unwrap();
        let mut incoming = listener.incoming();
        let mut client = UnixStream::connect(&path).await.unwrap();
        let mut server = incoming.next().await.expect("the stream never ends").unwrap();
        client.write_all(b"u").await.unwrap();
        let mut byte = [0u8; 1];
        server.read_exact(&mut byte).await.unwrap();
        assert_eq!(&byte, b"u");
    });
}
