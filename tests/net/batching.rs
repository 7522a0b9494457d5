//! What each driver pays to register a burst of sockets: one tick accepts
//! 120 connections. With epoll that is 120 `epoll_ctl` calls; with kqueue all
//! 240 filter changes ride in the one `kevent` that next waits; with io_uring
//! the 120 polls ride in the `io_uring_enter` that next waits. CI runs this
//! on every driver (`RUNTIME_DRIVER=kqueue` with the emulation, `=uring`). (120 stays
//! under the cooperative budget of 128 operations per poll: past it the task
//! yields, and a yield lets the reactor turn, as in tokio.)

use std::net::TcpStream as StdStream;

use net::TcpListener;

use crate::support::run;

const CONNECTIONS: u64 = 120;

#[test]
fn batching_one_tick_accepts_120_connections() {
    run(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // Connect from a plain thread so every connection waits in the backlog.
        let clients =
            std::thread::spawn(move || (0..CONNECTIONS).map(|_| StdStream::connect(addr).unwrap()).collect::<Vec<_>>())
                .join()
                .unwrap();
        runtime::time::sleep(std::time::Duration::from_millis(1)).await;
        let before = runtime::metrics();
        let mut accepted = Vec::new();
        for _ in 0..CONNECTIONS {
            accepted.push(listener.accept().await.unwrap().0);
        }
        let registered = runtime::metrics();
        runtime::time::sleep(std::time::Duration::from_millis(1)).await;
        let after = runtime::metrics();
        match after.driver {
            "epoll" => {
                assert_eq!(registered.change_syscalls - before.change_syscalls, CONNECTIONS);
                assert_eq!(after.change_syscalls, after.changes);
            }
            "kqueue" => {
                assert_eq!(registered.changes, before.changes, "nothing reaches the kernel before the wait");
                assert_eq!(after.changes - before.changes, 2 * CONNECTIONS, "a read and a write filter each");
                assert_eq!(after.change_syscalls, 0);
                assert_eq!(after.wait_syscalls - before.wait_syscalls, after.ticks - before.ticks);
                assert_eq!(after.failed_change_turns, before.failed_change_turns);
            }
            "uring" => {
                assert_eq!(after.changes - before.changes, CONNECTIONS, "one multishot poll each");
                assert_eq!(after.change_syscalls, before.change_syscalls, "every add rides in a wait");
                assert_eq!(after.wait_syscalls - before.wait_syscalls, after.ticks - before.ticks);
                assert_eq!(after.failed_change_turns, before.failed_change_turns);
            }
            other => panic!("unknown driver {other}"),
        }
        drop((accepted, clients));
    });
}
