//! What waiting for a child costs each driver, from the runtime's metrics.

use runtime::process::Command;

use crate::support::run;

fn forced_sigchld() -> bool {
    std::env::var("RUNTIME_PROCESS_WAIT").is_ok_and(|v| v == "sigchld")
}

/// epoll: one registration change per child (the pidfd's `EPOLL_CTL_ADD`;
/// it is closed without an `EPOLL_CTL_DEL`). kqueue: the `EVFILT_PROC` add
/// rides in a wait call (no change call), and no delete follows the
/// one-shot exit event.
#[test]
fn spawn_and_wait_cost_one_change_per_child() {
    run(|| async {
        if forced_sigchld() {
            return;
        }
        // The first spawn may set up more than a child (nothing today).
        Command::new("true").status().await.unwrap();
        let before = runtime::metrics();
        const N: u64 = 20;
        for _ in 0..N {
            assert!(Command::new("true").status().await.unwrap().success());
        }
        let after = runtime::metrics();
        assert_eq!(after.changes - before.changes, N, "{before:?}\n{after:?}");
        match after.driver {
            "epoll" => assert_eq!(after.change_syscalls - before.change_syscalls, N),
            _ => assert_eq!(after.change_syscalls, 0),
        }
    });
}
