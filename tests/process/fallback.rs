//! The SIGCHLD path, forced with `RUNTIME_PROCESS_WAIT=sigchld`: the other
//! tests of this binary rerun on it, and it is the path actually taken.

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use runtime::process::Command;

use crate::support::{isolated_with_env, run};

const FORCE: (&str, &str) = ("RUNTIME_PROCESS_WAIT", "sigchld");

fn sigchld_handler_installed() -> bool {
    #[allow(unsafe_code)]
    // SAFETY: a zeroed sigaction is valid to be overwritten; querying only.
    let action = unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        assert_eq!(libc::sigaction(libc::SIGCHLD, std::ptr::null(), &mut old), 0);
        old
    };
    action.sa_sigaction != libc::SIG_DFL && action.sa_sigaction != libc::SIG_IGN
}

#[test]
fn forced_sigchld_path_installs_the_handler_and_waits() {
    isolated_with_env("fallback::forced_sigchld_path_installs_the_handler_and_waits", &[FORCE], || {
        assert!(!sigchld_handler_installed());
        run(|| async {
            let status = Command::new("sh").args(["-c", "exit 5"]).status().await.unwrap();
            assert_eq!(status.code(), Some(5));
        });
        assert!(sigchld_handler_installed());
    });
}

/// Without the switch the driver's path runs: no SIGCHLD handler appears.
#[test]
fn driver_path_installs_no_sigchld_handler() {
    isolated_with_env("fallback::driver_path_installs_no_sigchld_handler", &[], || {
        run(|| async {
            let status = Command::new("true").status().await.unwrap();
            assert!(status.success());
        });
        assert!(!sigchld_handler_installed());
    });
}

/// Every other test of this binary, again, on the SIGCHLD path.
#[test]
fn the_process_tests_pass_on_the_sigchld_path() {
    if std::env::var_os(FORCE.0).is_some() {
        return; // already the rerun
    }
    let exe = std::env::current_exe().unwrap();
    let mut child = std::process::Command::new(exe)
        .args(["tokio_", "zombies::", "errors::", "stdio::", "costs::", "--test-threads=4"])
        .env(FORCE.0, FORCE.1)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    });
    let (start, limit) = (Instant::now(), Duration::from_secs(180));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = reader.join().unwrap();
    let mut err = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut err);
    assert!(status.success(), "the rerun on the SIGCHLD path failed ({status}):\n{text}\n{err}");
    assert!(text.contains("test result: ok"), "{text}");
    assert!(!text.contains(" 0 passed"), "the rerun ran nothing:\n{text}");
}
