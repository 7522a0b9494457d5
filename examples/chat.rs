//! A line-based chat server: every line a client sends goes to every other
//! client, prefixed with the sender's address.
//!
//! ```text
//! cargo run --example chat [ADDR]        # ADDR defaults to 127.0.0.1:7001
//! nc 127.0.0.1 7001                      # in two or more terminals
//! ```
//!
//! The runtime is single-threaded, so the room is an `Rc<RefCell<..>>` map
//! from client id to that client's outbox (an unbounded channel), and no
//! lock is needed. Each client has two tasks: its connection's task reads
//! lines and puts them in the other outboxes; a writer task empties its own
//! outbox into the socket, so a slow client never holds up the others.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::io::{AsyncBufReadExt, BufReader};
use futures::StreamExt;
use net::tcp::OwnedWriteHalf;
use net::{TcpListener, TcpStream};

/// Every connected client's outbox, by client id.
type Room = Rc<RefCell<HashMap<u64, UnboundedSender<Rc<str>>>>>;

#[runtime::main]
async fn main() -> io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:7001".into());
    let listener = TcpListener::bind(addr.as_str()).await?;
    println!("listening on {}", listener.local_addr()?);
    let room = Room::default();
    for id in 0.. {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let room = room.clone();
                runtime::spawn(async move {
                    if let Err(e) = client(id, stream, peer, &room).await {
                        eprintln!("{peer}: {e}");
                    }
                    room.borrow_mut().remove(&id);
                });
            }
            Err(e) => {
                eprintln!("accept: {e}; retrying in 100 ms");
                runtime::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    Ok(())
}

/// Joins the room, then relays the client's lines until it leaves.
async fn client(id: u64, stream: TcpStream, peer: SocketAddr, room: &Room) -> io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    writer.write_all(format!("welcome, {peer}\n").as_bytes()).await?;
    let (outbox, inbox) = unbounded();
    room.borrow_mut().insert(id, outbox);
    runtime::spawn(deliver(inbox, writer));
    let mut lines = BufReader::new(reader).lines();
    while let Some(line) = lines.next().await {
        let message: Rc<str> = format!("[{peer}] {}\n", line?).into();
        for (_, outbox) in room.borrow().iter().filter(|(other, _)| **other != id) {
            // A client that is leaving has dropped its inbox; skip it.
            let _ = outbox.unbounded_send(message.clone());
        }
    }
    Ok(())
}

/// Writes the lines sent to one client, until it leaves the room.
async fn deliver(mut inbox: futures::channel::mpsc::UnboundedReceiver<Rc<str>>, mut writer: OwnedWriteHalf) {
    while let Some(message) = inbox.next().await {
        if writer.write_all(message.as_bytes()).await.is_err() {
            return;
        }
    }
}
