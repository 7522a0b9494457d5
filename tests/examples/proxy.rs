//! `proxy` in front of `echo`: 8 MiB forwarded both ways at once, and the
//! half-close passed through.

use std::io::{Read, Write};
use std::net::Shutdown;
use std::thread;

use crate::support::bounded;
use crate::Example;

#[test]
fn proxy_forwards_8_mib_both_ways() {
    bounded(|| {
        let echo = Example::start("echo", &["127.0.0.1:0"]);
        let proxy = Example::start("proxy", &["127.0.0.1:0", &echo.addr]);
        let mut stream = proxy.connect();
        let data: Vec<u8> = (0..8 << 20).map(|i: u32| (i % 251) as u8).collect();
        let mut writer = stream.try_clone().unwrap();
        let sent = data.clone();
        // Writing and reading at once: 8 MiB is far more than the socket
        // buffers on the way hold.
        let w = thread::spawn(move || {
            writer.write_all(&sent).unwrap();
            writer.shutdown(Shutdown::Write).unwrap();
        });
        let mut got = Vec::with_capacity(data.len());
        stream.read_to_end(&mut got).unwrap();
        w.join().unwrap();
        assert_eq!(got.len(), data.len());
        assert!(got == data, "the bytes differ");
    });
}
