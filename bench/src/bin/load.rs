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

use std::collections::VecDeque;
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::process::Command;
use std::time::{Duration, Instant};

use bench::message_len;

const HTTP_REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench-load\r\n\r\n";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Echo,
    Http,
    Churn,
    Idle,
}

struct Args {
    addr: SocketAddrV4,
    mode: Mode,
    size: usize,
    conns: usize,
    warmup: f64,
    duration: f64,
    requests: Option<u64>,
    rate: Option<f64>,
    pid: Option<u32>,
    hook_before: Option<String>,
    hook_after: Option<String>,
    max_time: f64,
    spin: bool,
}

fn parse_args() -> Args {
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

fn num<T: std::str::FromStr>(s: &str) -> T {
    s.parse().unwrap_or_else(|_| die(&format!("not a number: {s}")))
}

fn die(msg: &str) -> ! {
    eprintln!("load: {msg}");
    std::process::exit(2)
}

fn cvt(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// utime + stime of a process, in seconds (all its threads).
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

impl Load {
    fn new(args: Args) -> io::Result<Load> {
        // SAFETY: epoll_create1 takes a flag.
        let ep = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
        let request = match args.mode {
            Mode::Http => HTTP_REQUEST.to_vec(),
            _ => (0..args.size).map(|i| b'a' + (i % 26) as u8).collect(),
        };
        let deadline = Instant::now() + Duration::from_secs_f64(args.max_time);
        Ok(Load {
            ep,
            conns: Vec::new(),
            events: vec![libc::epoll_event { events: 0, u64: 0 }; 4096],
            scratch: vec![0; 64 * 1024],
            request,
            deadline,
            next_src: 0,
            completed: 0,
            issued: 0,
            recording: false,
            latencies: Vec::new(),
            connect_errors: 0,
            args,
        })
    }

    fn check_deadline(&self) {
        if Instant::now() > self.deadline {
            die(&format!("--max-time {} s reached", self.args.max_time));
        }
    }

    /// Starts a nonblocking connect; the connection slot `i` (new if `None`).
    fn connect(&mut self, slot: Option<usize>) -> io::Result<usize> {
        let churn = self.args.mode == Mode::Churn;
        // SAFETY: socket calls on a fresh fd and sockaddr_in values we own.
        let fd = unsafe {
            let fd = cvt(libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0))?;
            let one: libc::c_int = 1;
            libc::setsockopt(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, (&one as *const libc::c_int).cast(), 4);
            let slen = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            if churn {
                // Many short connections: spread them over source addresses
                // 127.0.0.2..=127.0.0.201 so TIME_WAIT never runs out of ports.
                libc::setsockopt(
                    fd,
                    libc::IPPROTO_IP,
                    libc::IP_BIND_ADDRESS_NO_PORT,
                    (&one as *const libc::c_int).cast(),
                    4,
                );
                let src = Ipv4Addr::new(127, 0, 0, 2 + (self.next_src % 200) as u8);
                self.next_src += 1;
                let mut sin: libc::sockaddr_in = std::mem::zeroed();
                sin.sin_family = libc::AF_INET as libc::sa_family_t;
                sin.sin_addr.s_addr = u32::from(src).to_be();
                if libc::bind(fd, (&sin as *const libc::sockaddr_in).cast(), slen) < 0 {
                    let e = io::Error::last_os_error();
                    libc::close(fd);
                    return Err(e);
                }
            }
            let mut sin: libc::sockaddr_in = std::mem::zeroed();
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = self.args.addr.port().to_be();
            sin.sin_addr.s_addr = u32::from(*self.args.addr.ip()).to_be();
            if libc::connect(fd, (&sin as *const libc::sockaddr_in).cast(), slen) < 0 && errno() != libc::EINPROGRESS {
                let e = io::Error::last_os_error();
                libc::close(fd);
                return Err(e);
            }
            fd
        };
        let i = match slot {
            Some(i) => i,
            None => {
                self.conns.push(Conn {
                    fd: -1,
                    state: State::Closed,
                    wpos: 0,
                    got: 0,
                    rbuf: Vec::new(),
                    start: Instant::now(),
                    done: 0,
                });
                self.conns.len() - 1
            }
        };
        let c = &mut self.conns[i];
        c.fd = fd;
        c.state = State::Connecting;
        c.wpos = 0;
        c.got = 0;
        c.rbuf.clear();
        c.done = 0;
        c.start = Instant::now();
        let mut ev = libc::epoll_event {
            events: (libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET) as u32,
            u64: i as u64,
        };
        // SAFETY: registering the fd we just made.
        cvt(unsafe { libc::epoll_ctl(self.ep, libc::EPOLL_CTL_ADD, fd, &mut ev) })?;
        Ok(i)
    }

    fn close(&mut self, i: usize) {
        let c = &mut self.conns[i];
        if c.fd >= 0 {
            // SAFETY: closing an fd this slot owns.
            unsafe { libc::close(c.fd) };
        }
        c.fd = -1;
        c.state = State::Closed;
    }

    /// Sends (the rest of) the request on connection `i`.
    fn send(&mut self, i: usize) -> io::Result<()> {
        let c = &mut self.conns[i];
        while c.wpos < self.request.len() {
            let rest = &self.request[c.wpos..];
            // SAFETY: writing from a live slice.
            let n = unsafe { libc::send(c.fd, rest.as_ptr().cast(), rest.len(), libc::MSG_NOSIGNAL) };
            if n < 0 {
                match errno() {
                    libc::EAGAIN => return Ok(()),
                    libc::EINTR => continue,
                    _ => return Err(io::Error::last_os_error()),
                }
            }
            c.wpos += n as usize;
        }
        Ok(())
    }

    fn begin_request(&mut self, i: usize, start: Instant) -> io::Result<()> {
        let c = &mut self.conns[i];
        c.state = State::Busy;
        c.wpos = 0;
        c.got = 0;
        c.rbuf.clear();
        c.start = start;
        self.issued += 1;
        self.send(i)
    }

    /// Reads what has arrived on `i`; true when the whole answer is in.
    fn receive(&mut self, i: usize) -> io::Result<bool> {
        let mode = self.args.mode;
        let size = self.request.len();
        let c = &mut self.conns[i];
        loop {
            // SAFETY: reading into a live buffer.
            let n = unsafe { libc::read(c.fd, self.scratch.as_mut_ptr().cast(), self.scratch.len()) };
            if n < 0 {
                match errno() {
                    libc::EAGAIN => return Ok(false),
                    libc::EINTR => continue,
                    _ => return Err(io::Error::last_os_error()),
                }
            }
            if n == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "server closed the connection"));
            }
            let n = n as usize;
            match mode {
                Mode::Http => {
                    c.rbuf.extend_from_slice(&self.scratch[..n]);
                    if let Some(len) = message_len(&c.rbuf) {
                        if len != c.rbuf.len() {
                            return Err(io::Error::new(io::ErrorKind::InvalidData, "more bytes than one answer"));
                        }
                        return Ok(true);
                    }
                }
                _ => {
                    c.got += n;
                    if c.got >= size {
                        if c.got > size {
                            return Err(io::Error::new(io::ErrorKind::InvalidData, "more bytes than sent"));
                        }
                        return Ok(true);
                    }
                }
            }
            if n < self.scratch.len() {
                return Ok(false);
            }
        }
    }

    fn wait(&mut self, timeout_ms: i32) -> io::Result<usize> {
        loop {
            // SAFETY: the events buffer is live and its length is passed.
            let n =
                unsafe { libc::epoll_wait(self.ep, self.events.as_mut_ptr(), self.events.len() as i32, timeout_ms) };
            if n >= 0 {
                return Ok(n as usize);
            }
            if errno() != libc::EINTR {
                return Err(io::Error::last_os_error());
            }
        }
    }

    fn connect_error(&self, i: usize) -> Option<io::Error> {
        let mut err: libc::c_int = 0;
        let mut len = 4 as libc::socklen_t;
        // SAFETY: SO_ERROR into an int.
        unsafe {
            libc::getsockopt(
                self.conns[i].fd,
                libc::SOL_SOCKET,
                libc::SO_ERROR,
                (&mut err as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        (err != 0).then(|| io::Error::from_raw_os_error(err))
    }

    /// Opens `n` keep-alive connections, at most 256 connecting at once.
    fn open_all(&mut self, n: usize) -> io::Result<()> {
        let mut connecting = 0usize;
        let mut open = 0usize;
        let mut started = 0usize;
        while open < n {
            self.check_deadline();
            while started < n && connecting < 256 {
                self.connect(None)?;
                started += 1;
                connecting += 1;
            }
            let k = self.wait(100)?;
            for e in 0..k {
                let i = self.events[e].u64 as usize;
                if self.conns[i].state == State::Connecting && self.events[e].events & libc::EPOLLOUT as u32 != 0 {
                    if let Some(err) = self.connect_error(i) {
                        return Err(io::Error::new(err.kind(), format!("connect: {err}")));
                    }
                    self.conns[i].state = State::Idle;
                    connecting -= 1;
                    open += 1;
                }
            }
        }
        Ok(())
    }

    /// Runs the closed or paced loop until `stop` says so, then quiesces.
    fn run_phase(&mut self, until: Option<Instant>, max_requests: Option<u64>) -> io::Result<(f64, u64)> {
        let t0 = Instant::now();
        self.completed = 0;
        self.issued = 0;
        let mut idle: VecDeque<usize> = (0..self.conns.len()).collect();
        let interval = self.args.rate.map(|r| Duration::from_secs_f64(1.0 / r));
        let mut next_due = t0;
        let mut stopping = false;
        let mut in_flight = 0usize;
        let mut t_end = t0;
        loop {
            let now = Instant::now();
            if !stopping {
                let time_up = until.is_some_and(|u| now >= u);
                let count_up = max_requests.is_some_and(|m| self.issued >= m);
                if time_up || count_up {
                    stopping = true;
                    t_end = now;
                }
            }
            if stopping && in_flight == 0 {
                break;
            }
            if now > self.deadline {
                die(&format!("--max-time {} s reached", self.args.max_time));
            }
            // Issue what is due.
            if !stopping {
                match interval {
                    None => {
                        while let Some(i) = idle.pop_front() {
                            if max_requests.is_some_and(|m| self.issued >= m) {
                                idle.push_front(i);
                                break;
                            }
                            self.begin_request(i, now)?;
                            in_flight += 1;
                        }
                    }
                    Some(iv) => {
                        while next_due <= now && !max_requests.is_some_and(|m| self.issued >= m) {
                            let Some(i) = idle.pop_front() else { break };
                            self.begin_request(i, next_due)?;
                            in_flight += 1;
                            next_due += iv;
                        }
                    }
                }
            }
            let timeout = match interval {
                Some(_) if !stopping => {
                    let now = Instant::now();
                    if next_due <= now + Duration::from_millis(1) {
                        0
                    } else {
                        ((next_due - now).as_millis() as i32 - 1).max(0)
                    }
                }
                _ if self.args.spin && !stopping => 0,
                _ => 50,
            };
            let k = self.wait(timeout)?;
            for e in 0..k {
                let (flags, i) = (self.events[e].events, self.events[e].u64 as usize);
                if self.conns[i].state != State::Busy {
                    continue;
                }
                if flags & libc::EPOLLOUT as u32 != 0 && self.conns[i].wpos < self.request.len() {
                    self.send(i)?;
                }
                if flags & (libc::EPOLLIN | libc::EPOLLRDHUP | libc::EPOLLHUP | libc::EPOLLERR) as u32 != 0
                    && self.receive(i)?
                {
                    let now = Instant::now();
                    let c = &mut self.conns[i];
                    c.state = State::Idle;
                    c.done += 1;
                    if self.recording {
                        self.latencies.push((now - c.start).as_nanos().min(u32::MAX as u128) as u32);
                    }
                    self.completed += 1;
                    in_flight -= 1;
                    if interval.is_none() && !stopping && !max_requests.is_some_and(|m| self.issued >= m) {
                        self.begin_request(i, now)?;
                        in_flight += 1;
                    } else {
                        idle.push_back(i);
                    }
                }
            }
        }
        let _ = t_end;
        Ok((t_end.duration_since(t0).as_secs_f64(), self.completed))
    }

    /// Churn: `conns` slots, each connect → one echo → close, until the end.
    fn churn(&mut self, until: Option<Instant>, max: Option<u64>) -> io::Result<(f64, u64)> {
        let t0 = Instant::now();
        let first = (self.args.conns as u64).min(max.unwrap_or(u64::MAX)) as usize;
        for _ in 0..first {
            self.connect(None)?;
        }
        let mut started = first as u64;
        let mut done = 0u64;
        let mut active = first;
        while active > 0 {
            self.check_deadline();
            let k = self.wait(50)?;
            let stopping = until.is_some_and(|u| Instant::now() >= u) || max.is_some_and(|m| started >= m);
            for e in 0..k {
                let (flags, i) = (self.events[e].events, self.events[e].u64 as usize);
                match self.conns[i].state {
                    State::Connecting if flags & (libc::EPOLLOUT | libc::EPOLLERR | libc::EPOLLHUP) as u32 != 0 => {
                        if let Some(err) = self.connect_error(i) {
                            self.connect_errors += 1;
                            if self.connect_errors > 100 {
                                return Err(io::Error::new(err.kind(), format!("connect: {err}")));
                            }
                            self.close(i);
                            self.connect(Some(i))?;
                            continue;
                        }
                        self.begin_request(i, Instant::now())?;
                        if flags & libc::EPOLLIN as u32 != 0 && self.receive(i)? {
                            done += 1;
                            self.close(i);
                            if stopping || max.is_some_and(|m| started >= m) {
                                active -= 1
                            } else {
                                started += 1;
                                self.connect(Some(i))?;
                            }
                        }
                    }
                    State::Busy => {
                        if flags & libc::EPOLLOUT as u32 != 0 && self.conns[i].wpos < self.request.len() {
                            self.send(i)?;
                        }
                        if flags & (libc::EPOLLIN | libc::EPOLLRDHUP | libc::EPOLLHUP | libc::EPOLLERR) as u32 != 0
                            && self.receive(i)?
                        {
                            let lat = self.conns[i].start.elapsed();
                            self.latencies.push(lat.as_nanos().min(u32::MAX as u128) as u32);
                            done += 1;
                            self.close(i);
                            if stopping || max.is_some_and(|m| started >= m) {
                                active -= 1
                            } else {
                                started += 1;
                                self.connect(Some(i))?;
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok((t0.elapsed().as_secs_f64(), done))
    }
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
                let (active_secs, n) = load.run_phase(until, requests)?;
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
                let _ = active_secs;
                if let (Some(c0), Some(c1)) = (cpu0, cpu1) {
                    out += &format!(
                        " srv_cpu_s={:.3} srv_us_per_req={:.3} srv_util={:.3}",
                        c1 - c0,
                        (c1 - c0) * 1e6 / n.max(1) as f64,
                        (c1 - c0) / secs
                    );
                }
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
                if let (Some(c0), Some(c1)) = (cpu0, cpu1) {
                    out += &format!(
                        " srv_cpu_s={:.3} srv_us_per_req={:.3} srv_util={:.3}",
                        c1 - c0,
                        (c1 - c0) * 1e6 / n.max(1) as f64,
                        (c1 - c0) / secs
                    );
                }
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
