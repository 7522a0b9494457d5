//! A line-based chat server: every line a client sends goes to every other
//! client, prefixed with the sender's address.
//!
//! ```text
//! cargo run --example chat [ADDR]        # ADDR defaults to 127.0.0.1:7001
//! nc 127.0.0.1 7001                      # in two or more terminals
//! ```
//!
//! The runtime is single-threaded, so the room is an `Rc<RefCell<..>>` map
//! from client id to that client's outbox, and no lock is needed. Each
//! client is one task that reads the client's lines and puts them in the
//! other outboxes while it writes its own outbox to the socket, so a slow
//! client never holds up the others.
//!
//! Memory stays bounded whatever the clients do: an outbox holds at most
//! [`OUTBOX`] lines, and a client whose outbox is full when a line arrives
//! has fallen behind: it is disconnected and the others are told. A line
//! longer than [`MAX_LINE`] ends its sender's connection, and so does
//! sending nothing for [`IDLE_TIMEOUT`].
//!
//! SIGINT or SIGTERM (`common/shutdown.rs`): the server stops accepting,
//! lets clients stay for up to `SHUTDOWN_GRACE` (10 s), closes the rest and
//! exits with status 0.

#[path = "common/shutdown.rs"]
mod shutdown;

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use futures::channel::{mpsc, oneshot};
use futures::{Future, StreamExt};
use net::tcp::{ReadHalf, WriteHalf};
use net::{TcpListener, TcpStream};
use runtime::time::timeout;
use shutdown::{Open, Shutdown};

/// The longest line a client may send, in bytes, without its newline.
const MAX_LINE: usize = 4096;
/// How many lines may wait in one client's outbox before it counts as
/// fallen behind (plus what the socket buffers hold).
const OUTBOX: usize = 64;
/// How long a client may send nothing before it is disconnected.
/// Environment `IDLE_TIMEOUT_MS` overrides it.
const IDLE_TIMEOUT: Duration = Duration::from_secs(600);

/// A connected client, as the room sees it.
struct Member {
    peer: SocketAddr,
    outbox: mpsc::Sender<Rc<str>>,
    /// Dropping it disconnects the client.
    _kick: oneshot::Sender<()>,
}

/// Every connected client, by client id.
type Room = Rc<RefCell<HashMap<u64, Member>>>;

#[runtime::main]
async fn main() -> io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:7001".into());
    let idle = env_duration("IDLE_TIMEOUT_MS", IDLE_TIMEOUT);
    let mut stop = Shutdown::listen()?;
    let listener = TcpListener::bind(addr.as_str()).await?;
    println!("listening on {}", listener.local_addr()?);
    let room = Room::default();
    let open = Rc::new(Open::default());
    let mut next_id = 0;
    while let Some(accepted) = stop.until(listener.accept()).await {
        match accepted {
            Ok((stream, peer)) => {
                let (room, id, tracked) = (room.clone(), next_id, open.track());
                next_id += 1;
                runtime::spawn(async move {
                    if let Err(e) = client(id, stream, peer, &room, idle).await {
                        eprintln!("{peer}: {e}");
                    }
                    let member = room.borrow_mut().remove(&id);
                    drop((member, tracked));
                });
            }
            Err(e) => {
                eprintln!("accept: {e}; retrying in 100 ms");
                runtime::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    drop(listener);
    shutdown::finish(&open).await;
    Ok(())
}

/// `default`, or the environment variable `name` in milliseconds.
fn env_duration(name: &str, default: Duration) -> Duration {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).map_or(default, Duration::from_millis)
}

/// Joins the room, then relays the client's lines and delivers the others'
/// until it leaves, breaks a rule, or is disconnected for falling behind.
async fn client(id: u64, mut stream: TcpStream, peer: SocketAddr, room: &Room, idle: Duration) -> io::Result<()> {
    stream.write_all(format!("welcome, {peer}\n").as_bytes()).await?;
    let (outbox, inbox) = mpsc::channel(OUTBOX);
    let (kick, mut kicked) = oneshot::channel();
    room.borrow_mut().insert(id, Member { peer, outbox, _kick: kick });
    let (reader, writer) = stream.split();
    let mut reading = pin!(relay(id, reader, peer, room, idle));
    let mut delivering = pin!(deliver(inbox, writer));
    poll_fn(|cx| {
        if let Poll::Ready(done) = reading.as_mut().poll(cx) {
            return Poll::Ready(done);
        }
        if let Poll::Ready(done) = delivering.as_mut().poll(cx) {
            return Poll::Ready(done);
        }
        match Pin::new(&mut kicked).poll(cx) {
            Poll::Ready(_) => Poll::Ready(Err(io::Error::other("fell behind; disconnected"))),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

/// Reads the client's lines and sends each to every other client.
async fn relay(id: u64, mut reader: ReadHalf<'_>, peer: SocketAddr, room: &Room, idle: Duration) -> io::Result<()> {
    let mut buf = vec![0; 8192];
    let mut line = Vec::with_capacity(MAX_LINE + 1);
    loop {
        let n = timeout(idle, reader.read(&mut buf)).await??;
        if n == 0 {
            return Ok(());
        }
        for piece in buf[..n].split_inclusive(|&b| b == b'\n') {
            if line.len() + piece.len() > MAX_LINE + 1 {
                let msg = format!("line longer than {MAX_LINE} bytes");
                return Err(io::Error::new(io::ErrorKind::InvalidData, msg));
            }
            line.extend_from_slice(piece);
            if let Some(text) = line.strip_suffix(b"\n") {
                let text = text.strip_suffix(b"\r").unwrap_or(text);
                broadcast(room, id, format!("[{peer}] {}\n", String::from_utf8_lossy(text)).into());
                line.clear();
                // Let the other clients' tasks take the line before the next
                // one: only a client whose socket is full falls behind.
                runtime::task::yield_now().await;
            }
        }
    }
}

/// Puts `message` in the outbox of every client but `from`. A client whose
/// outbox is full is removed from the room (which disconnects it), and
/// the others are told (which may find more clients behind).
fn broadcast(room: &Room, from: u64, message: Rc<str>) {
    let mut messages = vec![(from, message)];
    while let Some((from, message)) = messages.pop() {
        let mut behind = Vec::new();
        for (id, member) in room.borrow_mut().iter_mut().filter(|(id, _)| **id != from) {
            // A client that is leaving has dropped its inbox: skip it.
            if member.outbox.try_send(message.clone()).is_err_and(|e| e.is_full()) {
                behind.push(*id);
            }
        }
        for id in behind {
            // Dropped after the borrow: dropping wakes the client's task.
            let member = room.borrow_mut().remove(&id);
            if let Some(member) = member {
                messages.push((id, format!("[{}] left: fell behind\n", member.peer).into()));
            }
        }
    }
}

/// Writes the lines sent to one client, until it leaves the room.
async fn deliver(mut inbox: mpsc::Receiver<Rc<str>>, mut writer: WriteHalf<'_>) -> io::Result<()> {
    while let Some(message) = inbox.next().await {
        writer.write_all(message.as_bytes()).await?;
    }
    Ok(())
}
