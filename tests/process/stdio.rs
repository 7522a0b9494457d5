//! Piped stdio: output, chaining one child's stdout into the next one's
//! stdin, and the fd conversions.

use std::os::fd::AsRawFd;
use std::process::Stdio;

use futures::{AsyncReadExt, AsyncWriteExt};
use runtime::process::Command;

use crate::support::run;

fn is_nonblocking(fd: &impl AsRawFd) -> bool {
    #[allow(unsafe_code)]
    // SAFETY: fcntl(F_GETFL) on an open fd.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    assert!(flags >= 0);
    flags & libc::O_NONBLOCK != 0
}

#[test]
fn output_collects_both_streams_and_the_status() {
    run(|| async {
        let out = Command::new("sh").args(["-c", "echo out; echo err >&2; exit 4"]).output().await.unwrap();
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr, b"err\n");
        assert_eq!(out.status.code(), Some(4));
    });
}

#[test]
fn output_of_more_than_a_pipe_buffer() {
    run(|| async {
        let out = Command::new("head").args(["-c", "1000000", "/dev/zero"]).output().await.unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout.len(), 1_000_000);
    });
}

#[test]
fn stdout_becomes_the_next_childs_stdin() {
    run(|| async {
        let mut first = Command::new("echo").arg("hello").stdout(Stdio::piped()).spawn().unwrap();
        let pipe: Stdio = first.stdout.take().unwrap().try_into().unwrap();
        let second = Command::new("tr").args(["a-z", "A-Z"]).stdin(pipe).output().await.unwrap();
        assert_eq!(second.stdout, b"HELLO\n");
        assert!(first.wait().await.unwrap().success());
    });
}

#[test]
fn pipes_are_nonblocking_until_handed_back() {
    run(|| async {
        let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        assert!(is_nonblocking(&stdin));
        stdin.write_all(b"ping").await.unwrap();
        let stdin = stdin.into_owned_fd().unwrap();
        assert!(!is_nonblocking(&stdin));
        drop(stdin);
        let mut out = String::new();
        child.stdout.as_mut().unwrap().read_to_string(&mut out).await.unwrap();
        assert_eq!(out, "ping");
        assert!(child.wait().await.unwrap().success());
    });
}

#[test]
fn wait_closes_stdin_first() {
    run(|| async {
        let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
        assert!(child.stdin.is_some());
        // `cat` exits at end of input, which `wait` gives it.
        assert!(child.wait().await.unwrap().success());
        assert!(child.stdin.is_none());
    });
}
