//! Spawning and waiting for `true`, one child at a time, on this runtime,
//! tokio's current_thread runtime and smol: time per child.
//!
//! ```text
//! spawn RUNTIME N        RUNTIME: runtime | tokio | smol; prints one line
//! spawn all REPS N       interleaves the three REPS times; medians (min-max)
//! ```
//!
//! Each child is `Command::new("true").status().await` (stdio inherited,
//! nothing piped), so what differs is the spawn path and the exit wait:
//! a pidfd on this runtime and on tokio (Linux), async-process's SIGCHLD
//! reaper thread on smol. Syscalls per child: run one RUNTIME under
//! `strace -f -c` (see bench/RESULTS.md).

use std::time::Instant;

fn ours(n: usize) -> f64 {
    runtime::block_on(async move {
        let start = Instant::now();
        for _ in 0..n {
            assert!(runtime::process::Command::new("true").status().await.unwrap().success());
        }
        start.elapsed().as_secs_f64() * 1e6 / n as f64
    })
}

fn tokio(n: usize) -> f64 {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async move {
        let start = Instant::now();
        for _ in 0..n {
            assert!(tokio::process::Command::new("true").status().await.unwrap().success());
        }
        start.elapsed().as_secs_f64() * 1e6 / n as f64
    })
}

fn smol(n: usize) -> f64 {
    smol::block_on(async move {
        let start = Instant::now();
        for _ in 0..n {
            assert!(smol::process::Command::new("true").status().await.unwrap().success());
        }
        start.elapsed().as_secs_f64() * 1e6 / n as f64
    })
}

fn run(rt: &str, n: usize) -> f64 {
    match rt {
        "runtime" => ours(n),
        "tokio" => tokio(n),
        "smol" => smol(n),
        other => panic!("unknown runtime {other}: runtime | tokio | smol"),
    }
}

fn summary(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = args.get(1).map_or("all", String::as_str);
    if rt != "all" {
        let n = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
        println!("spawn rt={rt} n={n} us_per_child={:.1}", run(rt, n));
        return;
    }
    let reps: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let names = ["runtime", "tokio", "smol"];
    let mut times = vec![Vec::new(); names.len()];
    for _ in 0..reps {
        for (i, name) in names.iter().enumerate() {
            times[i].push(run(name, n));
        }
    }
    let tokio_median = summary(times[1].clone()).0;
    for (name, t) in names.iter().zip(times) {
        let (med, min, max) = summary(t);
        println!(
            "{name}: {med:.1} us/child ({min:.1}-{max:.1}), {:.2} x tokio, n={n}, reps={reps}",
            med / tokio_median
        );
    }
}
