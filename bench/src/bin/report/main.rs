//! Helpers of `run.sh`: turn tool output into `key=value` figures, and the
//! raw figures into markdown.
//!
//! ```text
//! report perf FILE N            perf stat -x, output → sc_<syscall>=per-request ...
//! report strace FILE N          strace -c output → fail_<syscall>=failed calls per request ...
//! report cg FILE N [TOP]        callgrind dump → ir_per_req=..., obj_<object>=... (and the
//!                               TOP functions by exclusive cost on stderr)
//! report render RAW [TITLE]     raw lines → markdown tables and the targets (stdout)
//! ```
//!
//! A raw line is `sec=S cfg=C srv=V rep=R key=value ...`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

mod data;
mod render;
mod targets;

use render::render;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_else(|| usage());
    match arg(1).as_str() {
        "perf" => perf(&read(&arg(2)), num(&arg(3))),
        "strace" => strace(&read(&arg(2)), num(&arg(3))),
        "cg" => cg(&read(&arg(2)), num(&arg(3)), args.get(4).map(|s| num(s) as usize).unwrap_or(0)),
        "render" => print!("{}", render(&read(&arg(2)), args.get(3).map(String::as_str).unwrap_or(""))),
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!("usage: report perf|strace|cg FILE N | report render RAW [TITLE]");
    std::process::exit(2)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("report: {path}: {e}");
        std::process::exit(1)
    })
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| {
        eprintln!("report: not a number: {s}");
        std::process::exit(2)
    })
}

/// `perf stat -x,` lines: `count,,syscalls:sys_enter_NAME,...`.
fn perf(text: &str, n: f64) {
    let mut total = 0.0;
    let mut raw_total = None;
    let mut out = String::new();
    let mut by: Vec<(String, f64)> = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() < 3 {
            continue;
        }
        let Ok(count) = f[0].parse::<f64>() else { continue };
        if f[2] == "raw_syscalls:sys_enter" {
            raw_total = Some(count);
            continue;
        }
        let Some(name) = f[2].strip_prefix("syscalls:sys_enter_") else { continue };
        if count > 0.0 {
            total += count;
            by.push((name.to_string(), count));
        }
    }
    // With the exact total (raw_syscalls), what the named tracepoints missed is "other".
    if let Some(raw) = raw_total {
        if raw > total {
            by.push(("other".to_string(), raw - total));
        }
        total = raw;
    }
    by.sort_by(|a, b| b.1.total_cmp(&a.1));
    let _ = write!(out, "sc_total={:.3}", total / n);
    for (name, c) in by {
        let _ = write!(out, " sc_{name}={:.4}", c / n);
    }
    println!("{out}");
}

/// `strace -c` table: `% time seconds usecs/call calls errors syscall`.
fn strace(text: &str, n: f64) {
    let mut out = String::new();
    let (mut calls_total, mut fail_total) = (0.0, 0.0);
    let mut fails = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 5 || f[0].parse::<f64>().is_err() || f.last() == Some(&"total") {
            continue;
        }
        let calls: f64 = f[3].parse().unwrap_or(0.0);
        let (errors, name) = if f.len() >= 6 { (f[4].parse().unwrap_or(0.0), f[5]) } else { (0.0, f[4]) };
        calls_total += calls;
        if errors > 0.0 {
            fail_total += errors;
            fails.push((name.to_string(), errors));
        }
    }
    let _ = write!(out, "st_calls={:.3} fail_total={:.4}", calls_total / n, fail_total / n);
    for (name, e) in fails {
        let _ = write!(out, " fail_{name}={:.4}", e / n);
    }
    println!("{out}");
}

/// A callgrind dump: the total, the exclusive cost per object, and the
/// costliest functions (exclusive), computed from the cost lines
/// themselves (callgrind_annotate 3.19 misattributes mid-run dumps).
fn cg(text: &str, n: f64, top: usize) {
    let mut names: HashMap<(char, String), String> = HashMap::new();
    let mut resolve = |kind: char, spec: &str| -> String {
        let spec = spec.trim();
        if let Some(rest) = spec.strip_prefix('(') {
            let (id, name) = rest.split_once(')').unwrap_or((rest, ""));
            let name = name.trim();
            if name.is_empty() {
                return names.get(&(kind, id.to_string())).cloned().unwrap_or_default();
            }
            names.insert((kind, id.to_string()), name.to_string());
            return name.to_string();
        }
        spec.to_string()
    };
    let (mut ob, mut func) = (String::new(), String::new());
    let mut skip_next_cost = false;
    let mut total = 0u64;
    let mut by_obj: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_fn: HashMap<(String, String), u64> = HashMap::new();
    for line in text.lines() {
        let first = line.as_bytes().first().copied().unwrap_or(b' ');
        if first.is_ascii_digit() || first == b'+' || first == b'-' || first == b'*' {
            if skip_next_cost {
                skip_next_cost = false;
                continue;
            }
            let cost: u64 = line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
            total += cost;
            *by_obj.entry(ob.clone()).or_default() += cost;
            *by_fn.entry((ob.clone(), func.clone())).or_default() += cost;
        } else if let Some(rest) = line.strip_prefix("ob=") {
            ob = resolve('o', rest);
        } else if let Some(rest) = line.strip_prefix("fn=") {
            func = resolve('f', rest);
        } else if let Some(rest) = line.strip_prefix("cob=") {
            resolve('o', rest);
        } else if let Some(rest) = line.strip_prefix("cfn=") {
            resolve('f', rest);
        } else if line.starts_with("calls=") {
            skip_next_cost = true;
        }
    }
    let short = |ob: &str| {
        let base = ob.rsplit('/').next().unwrap_or(ob);
        let base = base.split(".so").next().unwrap_or(base);
        base.replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "_")
    };
    let mut out = format!("ir_total={total} ir_per_req={:.1}", total as f64 / n);
    let mut objs: BTreeMap<String, u64> = BTreeMap::new();
    for (ob, c) in by_obj {
        *objs.entry(short(&ob)).or_default() += c;
    }
    for (ob, c) in objs {
        let _ = write!(out, " obj_{ob}={:.1}", c as f64 / n);
    }
    println!("{out}");
    if top > 0 {
        let mut fns: Vec<_> = by_fn.into_iter().collect();
        fns.sort_by_key(|f| std::cmp::Reverse(f.1));
        eprintln!("| Ir/request | % | object | function |\n|---:|---:|---|---|");
        for ((ob, f), c) in fns.into_iter().take(top) {
            let f = if f.len() > 110 { format!("{}…", &f[..f.floor_char_boundary(110)]) } else { f };
            eprintln!(
                "| {:.1} | {:.1} | {} | `{}` |",
                c as f64 / n,
                100.0 * c as f64 / total.max(1) as f64,
                short(&ob),
                f.replace('|', "\\|")
            );
        }
    }
}
