//! The raw figures, parsed, and how one is printed.

use std::collections::{BTreeMap, HashMap};

pub(crate) type Key = (String, String, String); // (section, config, server)

pub(crate) struct Data {
    /// Values per (section, config, server) and field, in rep order.
    pub(crate) vals: HashMap<Key, BTreeMap<String, Vec<f64>>>,
    /// Configurations per section, in order of first appearance.
    pub(crate) cfgs: Vec<(String, Vec<String>)>,
}

impl Data {
    pub(crate) fn parse(text: &str) -> Data {
        let mut d = Data { vals: HashMap::new(), cfgs: Vec::new() };
        for line in text.lines() {
            let kv: Vec<(&str, &str)> = line.split_whitespace().filter_map(|t| t.split_once('=')).collect();
            let get = |k: &str| kv.iter().find(|(a, _)| *a == k).map(|(_, v)| v.to_string());
            let (Some(sec), Some(cfg), Some(srv)) = (get("sec"), get("cfg"), get("srv")) else { continue };
            match d.cfgs.iter_mut().find(|(s, _)| *s == sec) {
                Some((_, list)) => {
                    if !list.contains(&cfg) {
                        list.push(cfg.clone())
                    }
                }
                None => d.cfgs.push((sec.clone(), vec![cfg.clone()])),
            }
            let entry = d.vals.entry((sec, cfg, srv)).or_default();
            for (k, v) in &kv {
                if let Ok(x) = v.parse::<f64>() {
                    if x.is_finite() && !matches!(*k, "rep" | "conns") {
                        entry.entry(k.to_string()).or_default().push(x);
                    }
                }
            }
        }
        d
    }

    pub(crate) fn cfgs(&self, sec: &str) -> Vec<String> {
        self.cfgs.iter().find(|(s, _)| s == sec).map(|(_, l)| l.clone()).unwrap_or_default()
    }

    pub(crate) fn values(&self, sec: &str, cfg: &str, srv: &str, key: &str) -> Option<Vec<f64>> {
        let v = self.vals.get(&(sec.into(), cfg.into(), srv.into()))?.get(key)?;
        (!v.is_empty()).then(|| v.clone())
    }

    pub(crate) fn median(&self, sec: &str, cfg: &str, srv: &str, key: &str) -> Option<f64> {
        self.values(sec, cfg, srv, key).map(|v| stats(&v).0)
    }

    pub(crate) fn keys(&self, sec: &str, cfg: &str, srv: &str) -> Vec<String> {
        self.vals.get(&(sec.into(), cfg.into(), srv.into())).map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }
}

/// (median, min, max)
pub(crate) fn stats(v: &[f64]) -> (f64, f64, f64) {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let m = if s.len() % 2 == 1 { s[s.len() / 2] } else { (s[s.len() / 2 - 1] + s[s.len() / 2]) / 2.0 };
    (m, s[0], s[s.len() - 1])
}

pub(crate) fn fmt_num(x: f64) -> String {
    let a = x.abs();
    if a >= 100_000.0 {
        let s = format!("{:.0}", x);
        // thousands separators
        let (neg, digits) = s.strip_prefix('-').map(|d| (true, d)).unwrap_or((false, &s));
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        if neg {
            format!("-{out}")
        } else {
            out
        }
    } else if a >= 1000.0 {
        format!("{:.0}", x)
    } else if a >= 100.0 {
        format!("{:.1}", x)
    } else if a >= 1.0 {
        format!("{:.2}", x)
    } else {
        format!("{:.3}", x)
    }
}

pub(crate) fn cell(v: Option<Vec<f64>>) -> String {
    match v {
        None => "–".into(),
        Some(v) if v.len() == 1 => fmt_num(v[0]),
        Some(v) => {
            let (m, lo, hi) = stats(&v);
            format!("{} ({}–{})", fmt_num(m), fmt_num(lo), fmt_num(hi))
        }
    }
}
