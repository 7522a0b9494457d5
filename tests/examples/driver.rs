//! The examples run on the driver `RUNTIME_DRIVER` names, seen from outside:
//! the kernel object behind the server's file descriptors, not a figure the
//! runtime reports about itself.

use crate::{bounded, Example};

/// The targets of `/proc/PID/fd/*` that are anonymous inodes, such as
/// `anon_inode:[eventpoll]` or `anon_inode:[io_uring]`.
fn anon_inodes(pid: u32) -> Vec<String> {
    let dir = std::fs::read_dir(format!("/proc/{pid}/fd")).expect("read /proc/PID/fd");
    let links = dir.filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok());
    links.map(|l| l.to_string_lossy().into_owned()).filter(|l| l.starts_with("anon_inode:")).collect()
}

#[test]
fn the_echo_example_runs_on_the_driver_the_environment_names() {
    bounded(|| {
        let echo = Example::start("echo", &["127.0.0.1:0"]);
        let inodes = anon_inodes(echo.pid());
        let has = |kind: &str| inodes.iter().any(|l| l == &format!("anon_inode:[{kind}]"));
        let driver = std::env::var("RUNTIME_DRIVER").unwrap_or_default();
        if std::env::var_os("URING_REQUIRED").is_some() {
            // `.ci/run`'s io_uring suite: the examples are built with `io-uring` too.
            assert!(has("io_uring") && !has("eventpoll"), "RUNTIME_DRIVER=uring, but: {inodes:?}");
        } else if driver.is_empty() || driver == "epoll" {
            assert!(has("eventpoll") && !has("io_uring"), "the epoll driver, but: {inodes:?}");
        }
    });
}
