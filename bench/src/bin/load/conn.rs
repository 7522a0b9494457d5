//! One connection's steps: connect, send, receive, close, and the epoll wait.

use std::io;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use bench::message_len;

use crate::args::{die, Args, Mode};
use crate::{Conn, Load, State, HTTP_REQUEST};

pub(crate) fn cvt(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

pub(crate) fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

impl Load {
    pub(crate) fn new(args: Args) -> io::Result<Load> {
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

    pub(crate) fn check_deadline(&self) {
        if Instant::now() > self.deadline {
            die(&format!("--max-time {} s reached", self.args.max_time));
        }
    }

    /// Starts a nonblocking connect; the connection slot `i` (new if `None`).
    pub(crate) fn connect(&mut self, slot: Option<usize>) -> io::Result<usize> {
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

    pub(crate) fn close(&mut self, i: usize) {
        let c = &mut self.conns[i];
        if c.fd >= 0 {
            // SAFETY: closing an fd this slot owns.
            unsafe { libc::close(c.fd) };
        }
        c.fd = -1;
        c.state = State::Closed;
    }

    /// Sends (the rest of) the request on connection `i`.
    pub(crate) fn send(&mut self, i: usize) -> io::Result<()> {
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

    pub(crate) fn begin_request(&mut self, i: usize, start: Instant) -> io::Result<()> {
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
    pub(crate) fn receive(&mut self, i: usize) -> io::Result<bool> {
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

    pub(crate) fn wait(&mut self, timeout_ms: i32) -> io::Result<usize> {
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

    pub(crate) fn connect_error(&self, i: usize) -> Option<io::Error> {
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
}
