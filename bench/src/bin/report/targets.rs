//! The issues' targets, checked against the figures.

use std::fmt::Write as _;

use crate::data::{fmt_num, stats, Data};

pub(crate) struct Target {
    /// Where the figure comes from (for the floor and the spread).
    src: Option<(String, String, String)>,
    /// A ratio within `limit × (1 + tolerance)` counts as met (counts that
    /// differ only by how waits were amortised).
    tolerance: f64,
    what: String,
    ours: Option<f64>,
    base: Option<f64>,
    base_name: String,
    limit: f64,
    unit: &'static str,
}

pub(crate) fn targets(d: &Data) -> String {
    let mut t: Vec<Target> = Vec::new();
    let mut ratio_vs_tokio = |what: String, sec: &str, cfg: &str, key: &str, limit: f64, unit: &'static str| {
        if d.keys(sec, cfg, "runtime").is_empty() {
            return;
        }
        t.push(Target {
            src: Some((sec.to_string(), cfg.to_string(), key.to_string())),
            tolerance: if sec == "sys" { 0.01 } else { 0.0 },
            what,
            ours: d.median(sec, cfg, "runtime", key),
            base: d.median(sec, cfg, "tokio", key),
            base_name: "tokio".into(),
            limit,
            unit,
        });
    };
    for cfg in d.cfgs("load") {
        if cfg.starts_with("echo-64B") || cfg.starts_with("http") {
            if cfg.ends_with("-C1") {
                continue;
            }
            ratio_vs_tokio(format!("server CPU/request, full load, {cfg}"), "load", &cfg, "srv_us_per_req", 0.95, "µs");
        }
    }
    for cfg in d.cfgs("wrk") {
        ratio_vs_tokio(format!("server CPU/request, wrk, {cfg}"), "wrk", &cfg, "srv_us_per_req", 0.95, "µs");
    }
    for cfg in d.cfgs("paced") {
        ratio_vs_tokio(format!("server CPU/request, paced, {cfg}"), "paced", &cfg, "srv_us_per_req", 0.95, "µs");
    }
    for cfg in d.cfgs("cg") {
        ratio_vs_tokio(format!("user-space instructions/request, {cfg}"), "cg", &cfg, "ir_per_req", 0.7, "Ir");
    }
    for cfg in d.cfgs("sys").into_iter().filter(|c| !c.starts_with("churn")) {
        ratio_vs_tokio(format!("syscalls/request (perf), {cfg}"), "sys", &cfg, "sc_total", 1.0, "calls");
    }
    for cfg in d.cfgs("mem") {
        if cfg.starts_with("peak") {
            ratio_vs_tokio(format!("peak RSS, {cfg}"), "mem", &cfg, "rss_peak_kb", 0.7, "KiB");
        }
    }
    let mut vs_best = |what: &str, bench: &str, key: &str, limit: f64, unit: &'static str| {
        let ours = d.median("micro", bench, "runtime", key);
        let peers: Vec<(String, f64)> = ["tokio", "smol"]
            .iter()
            .filter_map(|p| d.median("micro", bench, p, key).map(|v| (p.to_string(), v)))
            .collect();
        let best = peers.iter().min_by(|a, b| a.1.total_cmp(&b.1)).cloned();
        if ours.is_none() && best.is_none() {
            return;
        }
        t.push(Target {
            src: Some(("micro".into(), bench.into(), key.into())),
            tolerance: 0.0,
            what: what.into(),
            ours,
            base: best.as_ref().map(|b| b.1),
            base_name: best.map(|b| b.0).unwrap_or_default(),
            limit,
            unit,
        });
    };
    vs_best("spawn+join, ns/task", "spawn", "ns_per_op", 0.8, "ns");
    vs_best("ping-pong, ns/round trip", "pingpong", "ns_per_op", 0.7, "ns");
    vs_best("yield_now, ns/yield", "yield", "ns_per_op", 1.0, "ns");
    vs_best("100,000 sleeps, mean overshoot", "sleep", "over_mean_us", 1.0, "µs");
    for (what, key, limit) in
        [("clean release build, wall time", "build_s", 0.4), ("stripped binary size", "size_kib", 0.6)]
    {
        if d.keys("build", "echo", "runtime").is_empty() {
            continue;
        }
        t.push(Target {
            src: Some(("build".into(), "echo".into(), key.into())),
            tolerance: 0.0,
            what: what.into(),
            ours: d.median("build", "echo", "runtime", key),
            base: d.median("build", "echo", "tokio", key),
            base_name: "tokio".into(),
            limit,
            unit: if key == "build_s" { "s" } else { "KiB" },
        });
    }
    let mut s = String::from(
        "| target | ours | baseline | ratio | limit | epoll floor ratio | verdict |\n|---|---:|---:|---:|---:|---:|---|\n",
    );
    for x in t {
        let (ratio, verdict) = match (x.ours, x.base) {
            (Some(a), Some(b)) if b > 0.0 => {
                let r = a / b;
                let mut v = if r <= x.limit {
                    format!("**met** ({:.0}% margin)", (1.0 - r / x.limit) * 100.0)
                } else if r <= x.limit * (1.0 + x.tolerance) {
                    "**met** (equal within 1%: only the amortised waits differ)".to_string()
                } else {
                    format!(
                        "**missed** by {:.0}% (need −{:.0}%)",
                        (r / x.limit - 1.0) * 100.0,
                        (1.0 - x.limit / r) * 100.0
                    )
                };
                // Timed figures: say when the runs' spreads overlap.
                if let Some((sec, cfg, key)) = &x.src {
                    if let (Some(o), Some(b)) =
                        (d.values(sec, cfg, "runtime", key), d.values(sec, cfg, &x.base_name, key))
                    {
                        let ((_, olo, ohi), (_, blo, bhi)) = (stats(&o), stats(&b));
                        if o.len() > 1 && b.len() > 1 && olo <= bhi && blo <= ohi && r > x.limit {
                            v += "; min–max ranges overlap";
                        }
                    }
                }
                (format!("{r:.2}"), v)
            }
            _ => ("–".into(), "not measured".into()),
        };
        let floor = x
            .src
            .as_ref()
            .and_then(|(sec, cfg, key)| {
                Some(d.median(sec, cfg, "epoll", key)? / d.median(sec, cfg, &x.base_name, key)?)
            })
            .map(|r| format!("{r:.2}"))
            .unwrap_or_else(|| "–".into());
        let f = |v: Option<f64>| v.map(fmt_num).unwrap_or("–".into());
        let _ = writeln!(
            s,
            "| {} | {} {} | {} {} ({}) | {} | ≤ {:.2} | {} | {} |",
            x.what,
            f(x.ours),
            x.unit,
            f(x.base),
            x.unit,
            x.base_name,
            ratio,
            x.limit,
            floor,
            verdict
        );
    }
    s
}
