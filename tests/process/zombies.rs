//! No zombies and no leaked fds: dropped children are reaped, with or
//! without `kill_on_drop`.

use std::process::Stdio;

use runtime::process::Command;

use crate::procfs::{children, is_child, until, zombies};
use crate::support::{fd_count, isolated, run};

/// A thousand children dropped without `wait` are all reaped (none left as
/// a zombie, none left at all) and leave no fd behind. Alone in a process:
/// other tests' children and fds would blur the counts.
#[test]
fn thousand_dropped_children_leave_no_zombie_and_no_fd() {
    isolated("zombies::thousand_dropped_children_leave_no_zombie_and_no_fd", || {
        run(|| async {
            // One child first, waited for: whatever the first spawn sets up
            // for good (the SIGCHLD path's signal pipe) is counted as before.
            Command::new("true").status().await.unwrap();
            let before = fd_count();
            for _ in 0..1000 {
                drop(Command::new("true").stdout(Stdio::null()).spawn().unwrap());
            }
            until(|| children().is_empty()).await;
            assert_eq!(zombies(), 0);
            assert_eq!(runtime::process::__orphans_queued(), 0);
            // The adopting tasks have ended and closed their pidfds.
            until(|| fd_count() <= before).await;
            assert_eq!(fd_count(), before);
        });
    });
}

/// `kill_on_drop`: a dropped child that would run for 100 s is killed and
/// reaped (gone from /proc, not a zombie).
#[test]
fn kill_on_drop_kills_and_reaps() {
    run(|| async {
        let child = Command::new("sleep").arg("100").kill_on_drop(true).spawn().unwrap();
        let pid = child.id().unwrap();
        assert!(is_child(pid));
        drop(child);
        until(|| !is_child(pid)).await;
    });
}

/// Without `kill_on_drop`, a dropped child runs on and is reaped once it
/// exits by itself.
#[test]
fn dropped_child_runs_on_and_is_reaped_at_exit() {
    run(|| async {
        let child = Command::new("sh").args(["-c", "read line"]).stdin(Stdio::piped()).spawn().unwrap();
        let pid = child.id().unwrap();
        let mut child = child;
        let stdin = child.stdin.take().unwrap();
        drop(child);
        // Still running: it waits for its input.
        assert!(children().iter().any(|&(p, s)| p == pid && s != 'Z'));
        drop(stdin); // end of file: it exits
        until(|| !is_child(pid)).await;
    });
}

/// A child dropped while no runtime runs goes to the orphan queue, which
/// the next spawn reaps.
#[test]
fn child_dropped_outside_a_runtime_is_reaped_by_the_next_spawn() {
    isolated("zombies::child_dropped_outside_a_runtime_is_reaped_by_the_next_spawn", || {
        let rt = runtime::Runtime::new().unwrap();
        let child = rt.block_on(async { Command::new("true").spawn().unwrap() });
        let pid = child.id().unwrap();
        drop(rt);
        // Exited, not reaped: a zombie, until someone waits.
        let probe = std::time::Instant::now();
        while !children().iter().any(|&(p, s)| p == pid && s == 'Z') {
            assert!(probe.elapsed() < crate::support::LIMIT, "the child never exited");
            std::thread::yield_now();
        }
        drop(child);
        run(move || async move {
            Command::new("true").status().await.unwrap();
            assert!(!is_child(pid));
            assert_eq!(runtime::process::__orphans_queued(), 0);
        });
    });
}
