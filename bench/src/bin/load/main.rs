//! The load generator: one thread, nonblocking sockets, edge-triggered epoll.
//!
//! ```text
//! load --addr 127.0.0.1:PORT --mode echo|http|churn|idle [--size 64] [--conns 64]
//!      [--warmup SECS] [--duration SECS] [--requests N] [--rate R]
//!      [--pid SERVER_PID] [--hook-before CMD] [--hook-after CMD] [--max-time SECS]
//! ```
//!
//! - `echo`, `http`: `--conns` keep-alive connections, closed loop (each
//!   sends its next request when the answer to the last one is in), or with
//!   `--rate R` paced: requests are due at R per second overall and go out on
//!   an idle connection (latency counted from the due time). Phases: connect,
//!   warm-up, quiesce (no request in flight), `--hook-before`, measure (for
//!   `--duration` or `--requests`), quiesce, `--hook-after`. Server CPU
//!   (utime + stime of `--pid` from /proc) is read at the two quiet points,
//!   so hooks (perf, callgrind_control) and CPU see exactly the measured
//!   requests.
//! - `churn`: `--conns` slots each connect, send one `--size` echo message,
//!   read it back and close, over and over; reports connections/s.
//! - `idle`: `--hook-before`, then `--conns` connections each echo one
//!   message and stay open while `--hook-after` runs.
//!
//! Only loopback targets are accepted. Every loop is bounded by `--max-time`
//! (default 120 s). Prints one line: `result key=value ...`.

mod args;
mod conn;
mod phase;

use std::io;
use std::process::Command;
use std::time::{Duration, Instant};

use args::{die, parse_args, Args, Mode};

const HTTP_REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench-load\r\n\r\n";

fn proc_cpu(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the comm field: state is field 3, utime 14, stime 15 (1-based).
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf reads a constant.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Some(ticks as f64 / hz)
}

fn self_cpu() -> f64 {
    // SAFETY: getrusage fills the struct we pass.
    unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut ru);
        let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
        t(ru.ru_utime) + t(ru.ru_stime)
    }
}

fn hook(cmd: &Option<String>) {
    if let Some(cmd) = cmd {
        match Command::new("sh").arg("-c").arg(cmd).status() {
            Ok(s) if s.success() => {}
            Ok(s) => die(&format!("hook {cmd:?} failed: {s}")),
            Err(e) => die(&format!("hook {cmd:?}: {e}")),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Connecting,
    Idle,
    Busy,
    Closed,
}

struct Conn {
    fd: libc::c_int,
    state: State,
    /// Bytes of the request written so far (a partial write waits for EPOLLOUT).
    wpos: usize,
    /// Bytes of the answer received (echo), or the answer so far (HTTP).
    got: usize,
    rbuf: Vec<u8>,
    /// When the request was due (paced) or sent (closed loop).
    start: Instant,
    /// Requests answered on this connection (churn and idle: one).
    done: u64,
}

struct Load {
    args: Args,
    ep: libc::c_int,
    conns: Vec<Conn>,
    events: Vec<libc::epoll_event>,
    request: Vec<u8>,
    scratch: Vec<u8>,
    deadline: Instant,
    /// Source address rotation for churn (each 127.0.0.x has its own ports).
    next_src: u32,
    // counters of the current phase
    completed: u64,
    issued: u64,
    recording: bool,
    latencies: Vec<u32>,
    connect_errors: u64,
}

/// The server's CPU fields of the result line, from its CPU seconds before
/// and after the measured phase (nothing without `--pid`).
fn server_cpu(cpu0: Option<f64>, cpu1: Option<f64>, n: u64, secs: f64) -> String {
    let (Some(c0), Some(c1)) = (cpu0, cpu1) else { return String::new() };
    format!(
        " srv_cpu_s={:.3} srv_us_per_req={:.3} srv_util={:.3}",
        c1 - c0,
        (c1 - c0) * 1e6 / n.max(1) as f64,
        (c1 - c0) / secs
    )
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx] as f64 / 1000.0
}

fn main() {
    let args = parse_args();
    let (mode, conns, warmup, duration, requests, pid) =
        (args.mode, args.conns, args.warmup, args.duration, args.requests, args.pid);
    let mut load = Load::new(args).unwrap_or_else(|e| die(&format!("{e}")));
    let result = (|| -> io::Result<String> {
        match mode {
            Mode::Echo | Mode::Http => {
                load.open_all(conns)?;
                if warmup > 0.0 {
                    load.run_phase(Some(Instant::now() + Duration::from_secs_f64(warmup)), None)?;
                }
                hook(&load.args.hook_before);
                let cpu0 = pid.and_then(proc_cpu);
                let me0 = self_cpu();
                load.recording = true;
                let until = requests.is_none().then(|| Instant::now() + Duration::from_secs_f64(duration));
                let t = Instant::now();
                let (_, n) = load.run_phase(until, requests)?;
                let secs = t.elapsed().as_secs_f64();
                let me1 = self_cpu();
                let cpu1 = pid.and_then(proc_cpu);
                load.recording = false;
                hook(&load.args.hook_after);
                let mut lat = std::mem::take(&mut load.latencies);
                lat.sort_unstable();
                let mut out = format!(
                    "result mode={mode:?} conns={conns} reqs={n} secs={secs:.3} rps={:.0} p50_us={:.1} p99_us={:.1} cli_util={:.3}",
                    n as f64 / secs,
                    percentile(&lat, 0.5),
                    percentile(&lat, 0.99),
                    (me1 - me0) / secs
                );
                out += &server_cpu(cpu0, cpu1, n, secs);
                Ok(out)
            }
            Mode::Churn => {
                if warmup > 0.0 {
                    load.churn(Some(Instant::now() + Duration::from_secs_f64(warmup)), None)?;
                    load.conns.clear();
                    load.latencies.clear();
                }
                hook(&load.args.hook_before);
                let cpu0 = pid.and_then(proc_cpu);
                let me0 = self_cpu();
                let until = requests.is_none().then(|| Instant::now() + Duration::from_secs_f64(duration));
                let (secs, n) = load.churn(until, requests)?;
                let me1 = self_cpu();
                let cpu1 = pid.and_then(proc_cpu);
                hook(&load.args.hook_after);
                let mut lat = std::mem::take(&mut load.latencies);
                lat.sort_unstable();
                let mut out = format!(
                    "result mode=Churn conns={conns} reqs={n} secs={secs:.3} rps={:.0} p50_us={:.1} p99_us={:.1} cli_util={:.3} connect_errors={}",
                    n as f64 / secs,
                    percentile(&lat, 0.5),
                    percentile(&lat, 0.99),
                    (me1 - me0) / secs,
                    load.connect_errors
                );
                out += &server_cpu(cpu0, cpu1, n, secs);
                Ok(out)
            }
            Mode::Idle => {
                hook(&load.args.hook_before);
                let t = Instant::now();
                load.open_all(conns)?;
                // One echo on each, so the server has accepted it and its task has run.
                load.run_phase(None, Some(conns as u64))?;
                let secs = t.elapsed().as_secs_f64();
                hook(&load.args.hook_after);
                Ok(format!("result mode=Idle conns={conns} reqs={} secs={secs:.3}", load.completed))
            }
        }
    })();
    match result {
        Ok(line) => println!("{line}"),
        Err(e) => die(&format!("{e}")),
    }
}
