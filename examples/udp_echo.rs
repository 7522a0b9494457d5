//! A UDP echo server: every datagram goes back to its sender.
//!
//! ```text
//! cargo run --example udp_echo [ADDR]    # ADDR defaults to 127.0.0.1:7003
//! nc -u 127.0.0.1 7003                   # type a line, get it back
//! ```
//!
//! SIGINT or SIGTERM (`common/shutdown.rs`) ends it with status 0.

#[path = "common/shutdown.rs"]
mod shutdown;

use std::io;

use net::UdpSocket;
use shutdown::Shutdown;

#[runtime::main]
async fn main() -> io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:7003".into());
    let mut stop = Shutdown::listen()?;
    let socket = UdpSocket::bind(addr.as_str()).await?;
    println!("listening on {}", socket.local_addr()?);
    // The largest UDP payload: no datagram is cut short.
    let mut buf = vec![0; 65_535];
    // A failed datagram (an ICMP error reported late, a full send buffer)
    // concerns that datagram only: log it and go on.
    while let Some(received) = stop.until(socket.recv_from(&mut buf)).await {
        match received {
            Ok((n, peer)) => {
                if let Err(e) = socket.send_to(&buf[..n], peer).await {
                    eprintln!("send to {peer}: {e}");
                }
            }
            Err(e) => eprintln!("recv: {e}"),
        }
    }
    Ok(())
}
