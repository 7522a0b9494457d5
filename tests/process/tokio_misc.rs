//! tokio's tests/process_issue_2174.rs, process_kill_on_drop.rs and
//! process_issue_7144.rs, every assertion kept.

use std::io::ErrorKind;
use std::process::Stdio;
use std::time::Duration;

use futures::{AsyncReadExt, AsyncWriteExt};
use runtime::process::Command;
use runtime::time::sleep;

use crate::support::run;

// tokio: process_issue_2174.rs, issue_2174: a write waiting on a full stdin
// pipe ends with an error when the child is killed.
#[test]
fn tokio_issue_2174() {
    run(|| async {
        let mut child = Command::new("sleep").arg("2").stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        // Writes will buffer up to 65_636. This *should* loop at least 8 times
        // and then register interest.
        let handle = runtime::spawn(async move {
            let data = [0u8; 8192];
            loop {
                input.write_all(&data).await.unwrap();
            }
        });
        // Sleep enough time so that the child process's stdin's buffer fills.
        sleep(Duration::from_secs(1)).await;
        // Kill the child process.
        child.kill().await.unwrap();
        assert!(handle.await.is_err());
    });
}

// tokio: process_kill_on_drop.rs, kill_on_drop: dropping the child kills
// it, not the grandchild it forked.
#[test]
fn tokio_kill_on_drop() {
    run(|| async {
        let mut cmd = Command::new("bash");
        cmd.args([
            "-c",
            "
       # Fork another child that won't get killed
       sh -c 'sleep 1; echo child ran' &
       disown -a

       # Await our death
       sleep 5
       echo hello from beyond the grave
    ",
        ]);
        let e = cmd.kill_on_drop(true).stdout(Stdio::piped()).spawn();
        if e.is_err() && e.as_ref().unwrap_err().kind() == ErrorKind::NotFound {
            println!("bash not available; skipping test");
            return;
        }
        let mut child = e.unwrap();
        sleep(Duration::from_secs(2)).await;
        let mut out = child.stdout.take().unwrap();
        drop(child);
        let mut msg = String::new();
        assert!(out.read_to_string(&mut msg).await.is_ok());
        assert_eq!("child ran\n", msg);
    });
}

// tokio: process_issue_7144.rs, issue_7144: children (strace) that stop
// and continue before exiting are still waited for.
#[test]
fn tokio_issue_7144() {
    async fn has_strace() -> bool {
        Command::new("strace").arg("-V").output().await.is_ok()
    }

    async fn test_one() {
        if !has_strace().await {
            return;
        }
        // Ours: in a process group of its own, so that the detached tracer
        // (`-D`: a grandchild in the same group) can be ended below.
        let mut t = Command::new("strace").args("-o /dev/null -D sleep 5".split(' ')).process_group(0).spawn().unwrap();
        let pgid = t.id().unwrap() as libc::pid_t;
        sleep(Duration::from_millis(100)).await;
        #[allow(unsafe_code)]
        // SAFETY: kill(2) with a pid and a signal number.
        unsafe {
            libc::kill(t.id().unwrap() as _, libc::SIGINT)
        };
        t.wait().await.unwrap();
        // Ours: a SIGINT that lands before strace's tracer has attached
        // leaves that tracer in pause(2) for ever, holding the test's
        // stdout; end whatever is left of the group.
        #[allow(unsafe_code)]
        // SAFETY: kill(2) with a negated process group id and a signal number.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL)
        };
    }

    run(|| async {
        let mut threads = vec![];
        for _ in 0..20 {
            threads.push(runtime::spawn(test_one()));
        }
        for thread in threads {
            thread.await.unwrap();
        }
    });
}
