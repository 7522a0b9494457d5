//! tokio's tests/process_smoke.rs, process_kill_after_wait.rs,
//! process_arg0.rs, process_issue_42.rs and process_change_of_runtime.rs,
//! every assertion kept.

use std::process::Stdio;

use runtime::process::Command;
use runtime::Runtime;

use crate::support::{bounded, run};

// tokio: process_smoke.rs, simple
#[test]
fn tokio_simple() {
    run(|| async {
        let mut cmd = Command::new("sh");
        cmd.arg("-c");
        let mut child = cmd.arg("exit 2").spawn().unwrap();
        let id = child.id().expect("missing id");
        assert!(id > 0);
        let status = child.wait().await;
        assert!(status.is_ok());
        let status = status.unwrap();
        assert_eq!(status.code(), Some(2));
        // test that the `.wait()` method is fused just like the stdlib
        let status = child.wait().await;
        assert!(status.is_ok());
        assert_eq!(status.unwrap().code(), Some(2));
        // Can't get id after process has exited
        assert_eq!(child.id(), None);
        drop(child.kill());
    });
}

// tokio: process_kill_after_wait.rs, kill_after_wait
#[test]
fn tokio_kill_after_wait() {
    run(|| async {
        let mut cmd = Command::new("sh");
        cmd.arg("-c");
        let mut child = cmd.arg("exit 2").spawn().unwrap();
        child.start_kill().unwrap();
        child.wait().await.unwrap();
        // Kill after `wait` is fine.
        child.start_kill().unwrap();
        child.kill().await.unwrap();
    });
}

// tokio: process_arg0.rs, arg0
#[test]
fn tokio_arg0() {
    run(|| async {
        let mut cmd = Command::new("sh");
        cmd.arg0("test_string").arg("-c").arg("echo $0");
        let output = cmd.output().await.unwrap();
        assert_eq!(output.stdout, b"test_string\n");
    });
}

// tokio: process_issue_42.rs, issue_42: many batches of children exiting
// together; consuming one's readiness must not starve another.
#[test]
fn tokio_issue_42() {
    run(|| async {
        let join_handles = (0..10usize).map(|_| {
            runtime::spawn(async {
                let processes = (0..10usize).map(|i| {
                    let mut child = Command::new("echo")
                        .arg(format!("I am spawned process #{i}"))
                        .stdin(Stdio::null())
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .kill_on_drop(true)
                        .spawn()
                        .unwrap();
                    async move { child.wait().await }
                });
                futures::future::join_all(processes).await;
            })
        });
        futures::future::join_all(join_handles).await;
    });
}

// tokio: process_change_of_runtime.rs, process_spawned_and_wait_in_different_runtime
#[test]
fn tokio_process_spawned_and_wait_in_different_runtime() {
    bounded(|| {
        let mut child = Runtime::new()
            .unwrap()
            .block_on(async { Command::new("true").stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap() });
        Runtime::new().unwrap().block_on(async {
            let _ = child.wait().await.unwrap();
        });
    });
}

// tokio: process_change_of_runtime.rs, process_spawned_outside_runtime
// (our message in place of tokio's "there is no reactor running…").
#[test]
#[should_panic(expected = "there is no runtime on this thread")]
fn tokio_process_spawned_outside_runtime() {
    let _ = Command::new("true").stdin(Stdio::piped()).stdout(Stdio::null()).spawn();
}
