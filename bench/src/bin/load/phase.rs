//! The phases: open every connection, run closed-loop or paced requests, churn.

use std::collections::VecDeque;
use std::io;
use std::time::{Duration, Instant};

use crate::args::die;
use crate::{Load, State};

impl Load {
    /// Opens `n` keep-alive connections, at most 256 connecting at once.
    pub(crate) fn open_all(&mut self, n: usize) -> io::Result<()> {
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
    pub(crate) fn run_phase(&mut self, until: Option<Instant>, max_requests: Option<u64>) -> io::Result<(f64, u64)> {
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
                        while next_due <= now && max_requests.is_none_or(|m| self.issued < m) {
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
                    if interval.is_none() && !stopping && max_requests.is_none_or(|m| self.issued < m) {
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
    pub(crate) fn churn(&mut self, until: Option<Instant>, max: Option<u64>) -> io::Result<(f64, u64)> {
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
