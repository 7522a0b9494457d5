//! `EVFILT_PROC`: a child's exit through the driver, on every kqueue
//! underneath (the emulation's pidfds, libkqueue's, the kernels').

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::super::Kqueue;
use super::{bounded, BRIEF, SECOND};
use crate::driver::Readiness;
use crate::sys::libc;

/// A child that runs until its stdin closes.
fn waiting_child() -> (std::process::Child, std::process::ChildStdin) {
    let mut child = Command::new("sh").args(["-c", "read x"]).stdin(Stdio::piped()).spawn().unwrap();
    let stdin = child.stdin.take().unwrap();
    (child, stdin)
}

#[test]
fn kqueue_driver_process_exit_is_one_readable_event_and_one_change() {
    bounded(|| {
        let mut driver = Kqueue::new(16).unwrap();
        let (mut child, mut stdin) = waiting_child();
        driver.register_process(child.id(), 9).unwrap();
        let mut events = Vec::new();
        driver.wait(&mut events, BRIEF).unwrap();
        assert!(events.is_empty(), "{events:?}");
        stdin.write_all(b"\n").unwrap();
        let mut seen = Vec::new();
        while seen.is_empty() {
            driver.wait(&mut events, SECOND).unwrap();
            seen.extend(events.iter().copied());
        }
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0].token, 9);
        assert!(seen[0].readiness.intersects(Readiness::READABLE));
        assert_eq!(seen[0].error, 0);
        // The add rode in the first wait; nothing else was sent.
        assert_eq!((driver.counters.changes, driver.counters.change_syscalls), (1, 0));
        assert!(child.try_wait().unwrap().unwrap().success());
        // One-shot: a fired registration leaves nothing to delete.
        driver.deregister_process(child.id(), true);
        assert_eq!(driver.pending.len(), 0);
    });
}

#[test]
fn kqueue_driver_process_deregistered_before_exit_reports_nothing() {
    bounded(|| {
        let mut driver = Kqueue::new(16).unwrap();
        let (mut child, mut stdin) = waiting_child();
        driver.register_process(child.id(), 3).unwrap();
        let mut events = Vec::new();
        driver.wait(&mut events, Some(Duration::ZERO)).unwrap();
        driver.deregister_process(child.id(), false);
        assert_eq!(driver.pending.len(), 1);
        stdin.write_all(b"\n").unwrap();
        assert!(child.wait().unwrap().success());
        driver.wait(&mut events, BRIEF).unwrap();
        assert!(events.is_empty(), "{events:?}");
        assert_eq!(driver.counters.failed_change_turns, 0);
    });
}

#[test]
fn kqueue_driver_process_that_is_gone_reports_an_error() {
    bounded(|| {
        let mut driver = Kqueue::new(16).unwrap();
        let mut child = Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap(); // reaped: the pid names no process
        driver.register_process(pid, 4).unwrap();
        let mut events = Vec::new();
        driver.wait(&mut events, SECOND).unwrap();
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!((events[0].token, events[0].error), (4, libc::ESRCH));
    });
}
