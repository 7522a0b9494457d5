//! Raw lines to markdown tables.

use std::fmt::Write as _;

use crate::data::{cell, Data};
use crate::targets::targets;

pub(crate) const SERVERS: [&str; 4] = ["epoll", "runtime", "tokio", "smol"];

pub(crate) struct Col {
    key: &'static str,
    label: &'static str,
    ratio: bool,
}

pub(crate) const fn col(key: &'static str, label: &'static str, ratio: bool) -> Col {
    Col { key, label, ratio }
}

pub(crate) fn table(d: &Data, sec: &str, servers: &[&str], cols: &[Col], bound: bool) -> String {
    let cfgs = d.cfgs(sec);
    if cfgs.is_empty() {
        return "_not measured in this run_\n".into();
    }
    let mut s = String::from("| configuration | server |");
    let mut rule = String::from("|---|---|");
    for c in cols {
        let _ = write!(s, " {} |", c.label);
        rule += "---:|";
        if c.ratio {
            s += " ×tokio |";
            rule += "---:|";
        }
    }
    if bound {
        s += " bottleneck |";
        rule += "---|";
    }
    let _ = writeln!(s, "\n{rule}");
    for cfg in &cfgs {
        for srv in servers {
            if d.keys(sec, cfg, srv).is_empty() {
                continue;
            }
            let _ = write!(s, "| {cfg} | {srv} |");
            for c in cols {
                let _ = write!(s, " {} |", cell(d.values(sec, cfg, srv, c.key)));
                if c.ratio {
                    let r = match (d.median(sec, cfg, srv, c.key), d.median(sec, cfg, "tokio", c.key)) {
                        (Some(a), Some(b)) if b != 0.0 => format!("{:.2}", a / b),
                        _ => "–".into(),
                    };
                    let _ = write!(s, " {r} |");
                }
            }
            if bound {
                let su = d.median(sec, cfg, srv, "srv_util").unwrap_or(f64::NAN);
                let cu = d.median(sec, cfg, srv, "cli_util").unwrap_or(f64::NAN);
                let b = if su >= 0.9 {
                    "server CPU"
                } else if cu >= 0.9 {
                    "client CPU"
                } else if su.is_nan() {
                    "–"
                } else {
                    "neither (wake-up latency)"
                };
                let _ = write!(s, " {b} |");
            }
            s.push('\n');
        }
    }
    s
}

/// Syscalls per request, one column per name that matters.
pub(crate) fn syscall_table(d: &Data, sec: &str, prefix: &str, unit: &str) -> String {
    let cfgs = d.cfgs(sec);
    if cfgs.is_empty() {
        return "_not measured in this run_\n".into();
    }
    let mut names: Vec<String> = Vec::new();
    for cfg in &cfgs {
        for srv in SERVERS.iter().chain(["runtime-epoll", "runtime-kqueue"].iter()) {
            for k in d.keys(sec, cfg, srv) {
                if k.starts_with(prefix) && !names.contains(&k) && d.median(sec, cfg, srv, &k).unwrap_or(0.0) >= 0.001 {
                    names.push(k);
                }
            }
        }
    }
    let total_key = format!("{prefix}total");
    names.retain(|k| *k != total_key);
    names.sort();
    names.insert(0, total_key.clone());
    let mut s = "| configuration | server |".to_string();
    let mut rule = String::from("|---|---|");
    for k in &names {
        let _ = write!(s, " {} |", k.strip_prefix(prefix).unwrap_or(k));
        rule += "---:|";
    }
    let _ = writeln!(s, " total ×tokio |\n{rule}---:|");
    for cfg in &cfgs {
        for srv in SERVERS.iter().chain(["runtime-epoll", "runtime-kqueue"].iter()) {
            if d.keys(sec, cfg, srv).is_empty() {
                continue;
            }
            let _ = write!(s, "| {cfg} | {srv} |");
            for k in &names {
                let v = d.median(sec, cfg, srv, k).unwrap_or(0.0);
                let _ = write!(s, " {} |", if v == 0.0 { "·".into() } else { format!("{v:.3}") });
            }
            let r = match (d.median(sec, cfg, srv, &total_key), d.median(sec, cfg, "tokio", &total_key)) {
                (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
                _ => "–".into(),
            };
            let _ = writeln!(s, " {r} |");
        }
    }
    let _ = write!(s, "\n_{unit}; `·` = none._\n");
    s
}

pub(crate) fn render(raw: &str, title: &str) -> String {
    let d = Data::parse(raw);
    let mut s = String::new();
    if !title.is_empty() {
        let _ = writeln!(s, "{title}\n");
    }
    let load_cols = [
        col("rps", "requests/s", true),
        col("srv_us_per_req", "server CPU µs/req", true),
        col("p50_us", "p50 µs", false),
        col("p99_us", "p99 µs", false),
        col("srv_util", "server CPU use", false),
        col("cli_util", "client CPU use", false),
    ];
    let _ = writeln!(s, "### Echo and HTTP, closed loop (our load generator)\n");
    s += &table(&d, "load", &SERVERS, &load_cols, true);
    let _ = writeln!(s, "\n### HTTP with wrk -t1\n");
    s += &table(
        &d,
        "wrk",
        &SERVERS,
        &[
            col("rps", "requests/s", true),
            col("srv_us_per_req", "server CPU µs/req", true),
            col("p50_us", "p50 µs", false),
            col("p99_us", "p99 µs", false),
            col("srv_util", "server CPU use", false),
        ],
        false,
    );
    let _ = writeln!(s, "\n### Equal paced load (every server held to the same requests/s)\n");
    s += &table(
        &d,
        "paced",
        &SERVERS,
        &[
            col("rps", "requests/s", false),
            col("srv_us_per_req", "server CPU µs/req", true),
            col("p50_us", "p50 µs", false),
            col("p99_us", "p99 µs", false),
            col("srv_util", "server CPU use", false),
        ],
        false,
    );
    let _ = writeln!(s, "\n### System calls per request (perf tracepoints, server at full speed)\n");
    s += &syscall_table(&d, "sys", "sc_", "per request over exactly the measured requests, at full speed: `perf stat -p PID` with `raw_syscalls:sys_enter` (the exact total) and the `syscalls:sys_enter_NAME` tracepoints of every call a server makes (`other` = total − named)");
    let _ = writeln!(s, "\n### Failed system calls per request (strace -f -c; strace slows the server, so only the failures column is read)\n");
    s += &syscall_table(&d, "fail", "fail_", "failed calls per request (strace's `errors` column)");
    let _ = writeln!(s, "\n### User-space instructions per request (callgrind, exact)\n");
    s += &table(&d, "cg", &SERVERS, &[col("ir_per_req", "instructions/request", true)], false);
    let mut objs: Vec<String> = Vec::new();
    for cfg in d.cfgs("cg") {
        for srv in SERVERS {
            for k in d.keys("cg", &cfg, srv) {
                if k.starts_with("obj_") && !objs.contains(&k) && d.median("cg", &cfg, srv, &k).unwrap_or(0.0) >= 1.0 {
                    objs.push(k);
                }
            }
        }
    }
    if !objs.is_empty() {
        let _ = writeln!(s, "\nSplit by object (exclusive instructions/request, summed from the dump's cost lines):\n");
        let _ = write!(s, "| configuration | server |");
        for o in &objs {
            let _ = write!(s, " {} |", o.trim_start_matches("obj_"));
        }
        let _ = writeln!(s, "\n|---|---|{}", "---:|".repeat(objs.len()));
        for cfg in d.cfgs("cg") {
            for srv in SERVERS {
                if d.keys("cg", &cfg, srv).is_empty() {
                    continue;
                }
                let _ = write!(s, "| {cfg} | {srv} |");
                for o in &objs {
                    let _ = write!(
                        s,
                        " {} |",
                        d.median("cg", &cfg, srv, o).map(|v| format!("{v:.0}")).unwrap_or("·".into())
                    );
                }
                s.push('\n');
            }
        }
    }
    let _ = writeln!(s, "\n### Memory\n");
    s += &table(
        &d,
        "mem",
        &SERVERS,
        &[
            col("rss_peak_kb", "peak RSS KiB (VmHWM)", true),
            col("rss_base_kb", "RSS before KiB", false),
            col("rss_idle_kb", "RSS with idle conns KiB", false),
            col("rss_per_conn_kb", "KiB per idle connection", true),
        ],
        false,
    );
    let _ = writeln!(s, "\n### Connection churn (connect, one 64 B echo, close)\n");
    s += &table(
        &d,
        "churn",
        &SERVERS,
        &[
            col("rps", "connections/s", true),
            col("srv_us_per_req", "server CPU µs/conn", true),
            col("p50_us", "p50 µs", false),
            col("srv_util", "server CPU use", false),
            col("cli_util", "client CPU use", false),
        ],
        true,
    );
    let _ = writeln!(s, "\nOur runtime on both drivers, from `runtime::metrics()` (per connection) and perf (kernel syscalls per connection):\n");
    s += &table(
        &d,
        "churnm",
        &["runtime-epoll", "runtime-kqueue"],
        &[
            col("rps", "connections/s", false),
            col("driver_calls", "driver syscalls/conn", false),
            col("wait_calls", "wait calls/conn", false),
            col("change_calls", "change-only calls/conn", false),
            col("changes", "changes/conn", false),
            col("ticks", "ticks/conn", false),
            col("failed_turns", "failed-change turns", false),
            col("sc_total", "all syscalls/conn (perf)", false),
            col("sc_epoll_ctl", "epoll_ctl/conn (perf)", false),
        ],
        false,
    );
    let _ = writeln!(s, "\n### Scheduler and timer microbenchmarks\n");
    s += &table(
        &d,
        "micro",
        &["runtime", "tokio", "smol"],
        &[
            col("ns_per_op", "ns/op", true),
            col("cpu_ns_per_op", "CPU ns/op", true),
            col("ir_per_op", "instructions/op", true),
            col("over_mean_us", "overshoot mean µs", true),
            col("over_p99_us", "overshoot p99 µs", false),
            col("over_max_us", "overshoot max µs", false),
        ],
        false,
    );
    let _ = writeln!(s, "\n### Build cost (echo server, clean `cargo build --release`, fresh target dir)\n");
    s += &table(
        &d,
        "build",
        &["runtime", "tokio", "smol"],
        &[
            col("build_s", "wall s", true),
            col("size_kib", "stripped KiB", true),
            col("crates", "crates compiled", false),
        ],
        false,
    );
    let _ = writeln!(s, "\n## Targets (issue 5)\n");
    s += &targets(&d);
    s
}
