//! `runtime::io::{stdin, stdout, stderr}`, checked in a child process whose
//! standard streams are pipes.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use futures::{AsyncReadExt, AsyncWriteExt};

use crate::support::{bounded, child_role, run};

const CHILD_TEST: &str = "stdio::echo_child";

/// In the child: read all of stdin, write it back on stdout with a prefix,
/// and a line on stderr.
#[test]
fn echo_child() {
    if child_role(CHILD_TEST).is_none() {
        return;
    }
    run(|| async {
        let mut input = Vec::new();
        runtime::io::stdin().read_to_end(&mut input).await.unwrap();
        let mut out = runtime::io::stdout();
        out.write_all(b"got:").await.unwrap();
        out.write_all(&input).await.unwrap();
        out.flush().await.unwrap();
        let mut err = runtime::io::stderr();
        err.write_all(b"on stderr\n").await.unwrap();
        err.close().await.unwrap();
    });
}

#[test]
fn std_streams_read_and_write_through_pipes() {
    bounded(|| {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1", "-q"])
            .env("NET_TEST_CHILD", CHILD_TEST)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // More than one 2 MiB job's worth, so stdin is read in several.
        let input: Vec<u8> = (0..3 * 1024 * 1024).map(|i| b'a' + (i % 26) as u8).collect();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || stdin.write_all(&input).map(|()| input));
        let mut stderr = child.stderr.take().unwrap();
        let err_reader = std::thread::spawn(move || {
            let mut text = String::new();
            stderr.read_to_string(&mut text).map(|_| text)
        });
        let mut out = Vec::new();
        child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
        let input = writer.join().unwrap().unwrap();
        let err = err_reader.join().unwrap().unwrap();
        assert!(child.wait().unwrap().success(), "{err}");
        let start = out.windows(4).position(|w| w == b"got:").expect("the child's echo");
        assert_eq!(&out[start + 4..start + 4 + input.len()], &input[..]);
        assert!(err.contains("on stderr"), "{err}");
    });
}
