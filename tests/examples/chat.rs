//! `chat`: a line from one client reaches every other client, not itself.

use std::io::Write;

use crate::bounded;
use crate::{read_line, Example};

#[test]
fn chat_delivers_a_line_to_every_other_client() {
    bounded(|| {
        let chat = Example::start("chat", &["127.0.0.1:0"]);
        let mut clients: Vec<_> = (0..3).map(|_| chat.connect()).collect();
        // The welcome line says the client has joined the room.
        for client in &mut clients {
            assert!(read_line(client).starts_with("welcome"));
        }
        clients[0].write_all(b"hello from zero\n").unwrap();
        for client in &mut clients[1..] {
            let line = read_line(client);
            assert!(line.ends_with("] hello from zero"), "{line}");
        }
        // The sender did not get its own line: the next one it reads is client 1's.
        clients[1].write_all(b"reply from one\n").unwrap();
        let line = read_line(&mut clients[0]);
        assert!(line.ends_with("] reply from one"), "{line}");
        assert!(read_line(&mut clients[2]).ends_with("] reply from one"));
    });
}
