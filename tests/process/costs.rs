//! What waiting for a child costs each driver, from the runtime's metrics.

use runtime::process::Command;

use crate::support::run;

fn forced_sigchld() -> bool {
    std::env::var("RUNTIME_PROCESS_WAIT").is_ok_and(|v| v == "sigchld")
}

/// epoll: one registration change per child (the pidfd's `EPOLL_CTL_ADD`;
/// it is closed without an `EPOLL_CTL_DEL`). kqueue: the `EVFILT_PROC` add
/// rides in a wait call (no change call), and no delete follows the
/// one-shot exit event. io_uring: the pidfd's poll rides in a wait, and its
/// cancel is one `io_uring_enter`.
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
        match after.driver {
            "epoll" => assert_eq!(after.change_syscalls - before.change_syscalls, N),
            // The pidfd's poll rides in a wait; its cancel, one enter each
            // (the poll holds the pidfd's file until it is processed).
            "uring" => {
                assert_eq!(after.changes - before.changes, 2 * N, "{before:?}\n{after:?}");
                assert_eq!(after.change_syscalls - before.change_syscalls, N);
                return;
            }
            _ => assert_eq!(after.change_syscalls, 0),
        }
        assert_eq!(after.changes - before.changes, N, "{before:?}\n{after:?}");
    });
}
