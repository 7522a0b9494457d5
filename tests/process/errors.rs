//! Errors and exits: a missing program, an exit by signal, a wait where no
//! runtime runs.

use std::os::unix::process::ExitStatusExt;

use runtime::process::Command;

use crate::support::{bounded, run};

#[test]
fn missing_program_is_not_found_and_named() {
    run(|| async {
        let err = Command::new("no-such-program-4d2a").spawn().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert!(err.to_string().contains("no-such-program-4d2a"), "{err}");
        let err = Command::new("no-such-program-4d2a").output().await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    });
}

#[test]
fn exit_by_signal_is_in_the_status() {
    run(|| async {
        let mut child = Command::new("sleep").arg("100").spawn().unwrap();
        #[allow(unsafe_code)]
        // SAFETY: kill(2) with our child's pid and a signal number.
        let r = unsafe { libc::kill(child.id().unwrap() as libc::pid_t, libc::SIGTERM) };
        assert_eq!(r, 0);
        let status = child.wait().await.unwrap();
        assert_eq!(status.signal(), Some(libc::SIGTERM));
        assert_eq!(status.code(), None);
        assert!(!status.success());

        let mut child = Command::new("sleep").arg("100").spawn().unwrap();
        child.kill().await.unwrap();
        assert_eq!(child.try_wait().unwrap().and_then(|s| s.signal()), Some(libc::SIGKILL));
    });
}

/// After its runtime is gone, waiting outside any runtime is an error that
/// says so, at once (not a hang); inside a new runtime it works (tokio's
/// `process_spawned_and_wait_in_different_runtime`).
#[test]
fn wait_after_the_runtime_is_gone() {
    bounded(|| {
        let rt = runtime::Runtime::new().unwrap();
        let mut child = rt.block_on(async { Command::new("sleep").arg("100").kill_on_drop(true).spawn().unwrap() });
        drop(rt);
        let err = futures::executor::block_on(child.wait()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::Other);
        assert!(err.to_string().contains("outside a runtime"), "{err}");
        assert!(child.id().is_some());
        child.start_kill().unwrap();
        let status = runtime::Runtime::new().unwrap().block_on(child.wait()).unwrap();
        assert_eq!(status.signal(), Some(libc::SIGKILL));
    });
}
