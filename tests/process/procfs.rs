//! What /proc says about this process's children.

use std::time::Duration;

/// (pid, state) of every process whose parent is this one.
pub fn children() -> Vec<(u32, char)> {
    let me = std::process::id();
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // "pid (comm) S ppid ...": comm may hold spaces, so split after ')'.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else { continue };
        let mut fields = rest.split(' ');
        let state = fields.next().and_then(|s| s.chars().next()).unwrap_or('?');
        let ppid: u32 = fields.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        if ppid == me {
            out.push((pid, state));
        }
    }
    out
}

/// How many children are zombies (state Z).
pub fn zombies() -> usize {
    children().iter().filter(|(_, s)| *s == 'Z').count()
}

/// Whether `pid` is still a child of this process (running or a zombie).
pub fn is_child(pid: u32) -> bool {
    children().iter().any(|(p, _)| *p == pid)
}

/// Waits (on the runtime, checking every millisecond) until `done` holds.
/// Polling /proc is the only way to observe the kernel's side; the test's
/// bound (`support::run`) ends it if it never holds.
pub async fn until(mut done: impl FnMut() -> bool) {
    while !done() {
        runtime::time::sleep(Duration::from_millis(1)).await;
    }
}
