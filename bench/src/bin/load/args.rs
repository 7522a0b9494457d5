//! Command-line arguments of the load generator.

use std::net::{Ipv4Addr, SocketAddrV4};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    Echo,
    Http,
    Churn,
    Idle,
}

pub(crate) struct Args {
    pub(crate) addr: SocketAddrV4,
    pub(crate) mode: Mode,
    pub(crate) size: usize,
    pub(crate) conns: usize,
    pub(crate) warmup: f64,
    pub(crate) duration: f64,
    pub(crate) requests: Option<u64>,
    pub(crate) rate: Option<f64>,
    pub(crate) pid: Option<u32>,
    pub(crate) hook_before: Option<String>,
    pub(crate) hook_after: Option<String>,
    pub(crate) max_time: f64,
    pub(crate) spin: bool,
}

pub(crate) fn parse_args() -> Args {
    let mut a = Args {
        addr: SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0),
        mode: Mode::Echo,
        size: 64,
        conns: 64,
        warmup: 0.5,
        duration: 2.0,
        requests: None,
        rate: None,
        pid: None,
        hook_before: None,
        hook_after: None,
        max_time: 120.0,
        spin: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_else(|| die(&format!("{k} needs a value")));
        match k.as_str() {
            "--addr" => a.addr = v().parse().unwrap_or_else(|e| die(&format!("--addr: {e} (IPv4 ADDR:PORT)"))),
            "--mode" => {
                a.mode = match v().as_str() {
                    "echo" => Mode::Echo,
                    "http" => Mode::Http,
                    "churn" => Mode::Churn,
                    "idle" => Mode::Idle,
                    m => die(&format!("unknown mode {m}")),
                }
            }
            "--size" => a.size = num(&v()),
            "--conns" => a.conns = num(&v()),
            "--warmup" => a.warmup = num(&v()),
            "--duration" => a.duration = num(&v()),
            "--requests" => a.requests = Some(num(&v())),
            "--rate" => a.rate = Some(num(&v())),
            "--pid" => a.pid = Some(num(&v())),
            "--hook-before" => a.hook_before = Some(v()),
            "--hook-after" => a.hook_after = Some(v()),
            "--max-time" => a.max_time = num(&v()),
            "--spin" => a.spin = true,
            _ => die(&format!("unknown argument {k}")),
        }
    }
    if !a.addr.ip().is_loopback() {
        die("only loopback (127.0.0.0/8) targets are allowed");
    }
    if a.conns == 0 || a.size == 0 {
        die("--conns and --size must be positive");
    }
    a
}

pub(crate) fn num<T: std::str::FromStr>(s: &str) -> T {
    s.parse().unwrap_or_else(|_| die(&format!("not a number: {s}")))
}

pub(crate) fn die(msg: &str) -> ! {
    eprintln!("load: {msg}");
    std::process::exit(2)
}
