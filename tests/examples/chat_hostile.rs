//! `chat` against hostile clients (issue 11, items 4-5): a client that
//! never reads is disconnected and the others are told, a line without end
//! is capped, a silent client times out; the server's memory stays bounded
//! (read from `/proc/PID/status`).

use std::io::{BufRead, BufReader, Write};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::bounded;
use crate::{read_line, read_to_end_or_reset, status_kib, Example, IO_TIMEOUT};

/// The server's peak RSS must stay under this (it starts near 3 MiB; 64 MiB
/// is sent at it, which an unbounded queue would keep).
const PEAK_KIB: u64 = 32 * 1024;
/// The most the tests send.
const FLOOD: usize = 64 << 20;

#[test]
fn chat_disconnects_a_client_that_falls_behind_and_tells_the_others() {
    bounded(|| {
        let chat = Example::start("chat", &["127.0.0.1:0"]);
        let mut slow = chat.connect();
        assert!(read_line(&mut slow).starts_with("welcome"));
        let slow_addr = slow.local_addr().unwrap().to_string();
        let mut sender = chat.connect();
        assert!(read_line(&mut sender).starts_with("welcome"));
        // The sender's own lines do not come back to it, so all it reads is
        // the notice about `slow` (read on another thread while it floods).
        let (told, heard) = mpsc::channel();
        let reader = BufReader::new(sender.try_clone().unwrap());
        thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                let _ = told.send(line);
            }
        });
        let line = [b'x'; 1023];
        let mut sent = 0;
        let notice = loop {
            if let Ok(notice) = heard.try_recv() {
                break notice;
            }
            assert!(sent < FLOOD, "{sent} bytes sent and `slow` is still in the room; stderr: {}", chat.stderr());
            sender.write_all(&line).unwrap();
            sender.write_all(b"\n").unwrap();
            sent += line.len() + 1;
        };
        assert_eq!(notice, format!("[{slow_addr}] left: fell behind"));
        let peak = status_kib(chat.pid(), "VmHWM");
        assert!(peak < PEAK_KIB, "peak RSS {peak} KiB after {sent} bytes");
        // `slow` gets what was already on its way, then the end.
        let got = read_to_end_or_reset(&mut slow);
        assert!(got.len() < sent, "{} of {sent} bytes", got.len());
        // The sender is still in the room: a newcomer's line reaches it.
        let mut newcomer = chat.connect();
        assert!(read_line(&mut newcomer).starts_with("welcome"));
        newcomer.write_all(b"hello sender\n").unwrap();
        let line = heard.recv_timeout(IO_TIMEOUT).expect("the sender gets the newcomer's line");
        assert!(line.ends_with("] hello sender"), "{line}");
    });
}

#[test]
fn chat_caps_a_line_that_never_ends() {
    bounded(|| {
        let chat = Example::start("chat", &["127.0.0.1:0"]);
        let mut other = chat.connect();
        assert!(read_line(&mut other).starts_with("welcome"));
        let mut flooder = chat.connect();
        assert!(read_line(&mut flooder).starts_with("welcome"));
        let mut writer = flooder.try_clone().unwrap();
        let sending = thread::spawn(move || {
            let chunk = vec![b'y'; 64 * 1024];
            let mut sent = 0;
            while sent < FLOOD && writer.write_all(&chunk).is_ok() {
                sent += chunk.len();
            }
            sent
        });
        assert!(read_to_end_or_reset(&mut flooder).is_empty(), "the flooder is disconnected");
        let sent = sending.join().unwrap();
        assert!(sent < FLOOD, "the server took all {sent} bytes of one line");
        let peak = status_kib(chat.pid(), "VmHWM");
        assert!(peak < PEAK_KIB, "peak RSS {peak} KiB");
        // Nothing of the endless line reached the other client, which is still served.
        let mut third = chat.connect();
        assert!(read_line(&mut third).starts_with("welcome"));
        third.write_all(b"after the flood\n").unwrap();
        assert!(read_line(&mut other).ends_with("] after the flood"));
    });
}

#[test]
fn chat_disconnects_a_client_silent_for_the_timeout() {
    bounded(|| {
        let chat = Example::start_with_env("chat", &["127.0.0.1:0"], &[("IDLE_TIMEOUT_MS", "300")]);
        let mut quiet = chat.connect();
        assert!(read_line(&mut quiet).starts_with("welcome"));
        let start = Instant::now();
        assert!(read_to_end_or_reset(&mut quiet).is_empty());
        assert!(start.elapsed() >= Duration::from_millis(250), "closed after {:?}", start.elapsed());
    });
}
