//! The floor: a hand-written, edge-triggered epoll loop with libc.
//!
//! Each connection is registered once (`EPOLLIN | EPOLLOUT | EPOLLRDHUP |
//! EPOLLET`) and never touched again; `close` removes it. A short read means
//! the socket is drained (no extra `EAGAIN` read per request), a write goes
//! out at once and only a partial one waits for `EPOLLOUT`. Per request:
//! one `read`, one `write`, and a share of one `epoll_wait`.

use std::io;
use std::net::SocketAddr;

use crate::{parse_requests, responses, BUF_SIZE};

/// What the loop serves.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    Echo,
    Http,
}

#[derive(Default)]
struct Conn {
    /// Bytes not yet written (only after a partial write).
    out: Vec<u8>,
    /// A partial HTTP request (only when a read ended mid-request).
    pending_in: Vec<u8>,
    /// Reading stopped while `out` was full: data may wait in the socket.
    read_blocked: bool,
}

fn cvt(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn listen(addr: SocketAddr) -> io::Result<(libc::c_int, SocketAddr)> {
    let SocketAddr::V4(v4) = addr else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "IPv4 only"));
    };
    // SAFETY: plain socket calls on integers and a sockaddr_in we own.
    unsafe {
        let fd = cvt(libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0))?;
        let one: libc::c_int = 1;
        let len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        cvt(libc::setsockopt(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, (&one as *const libc::c_int).cast(), len))?;
        let mut sin: libc::sockaddr_in = std::mem::zeroed();
        sin.sin_family = libc::AF_INET as libc::sa_family_t;
        sin.sin_port = v4.port().to_be();
        sin.sin_addr.s_addr = u32::from(*v4.ip()).to_be();
        let slen = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        cvt(libc::bind(fd, (&sin as *const libc::sockaddr_in).cast(), slen))?;
        cvt(libc::listen(fd, 1024))?;
        let mut got: libc::sockaddr_in = std::mem::zeroed();
        let mut glen = slen;
        cvt(libc::getsockname(fd, (&mut got as *mut libc::sockaddr_in).cast(), &mut glen))?;
        let ip = std::net::Ipv4Addr::from(u32::from_be(got.sin_addr.s_addr));
        Ok((fd, SocketAddr::from((ip, u16::from_be(got.sin_port)))))
    }
}

/// Serves `proto` on `addr` forever; prints `listening on ADDR` first.
pub fn serve(addr: SocketAddr, proto: Proto) -> io::Result<()> {
    let (lfd, local) = listen(addr)?;
    println!("listening on {local}");
    const LISTENER: u64 = u64::MAX;
    // SAFETY: epoll and socket calls on fds this function owns; buffers are
    // live slices of the lengths passed.
    unsafe {
        let ep = cvt(libc::epoll_create1(libc::EPOLL_CLOEXEC))?;
        let mut ev = libc::epoll_event { events: (libc::EPOLLIN | libc::EPOLLET) as u32, u64: LISTENER };
        cvt(libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, lfd, &mut ev))?;
        let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; 1024];
        let mut conns: Vec<Option<Box<Conn>>> = Vec::new();
        let mut buf = vec![0u8; BUF_SIZE];
        let mut resp = Vec::new();
        loop {
            let n = libc::epoll_wait(ep, events.as_mut_ptr(), events.len() as libc::c_int, -1);
            if n < 0 {
                if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(io::Error::last_os_error());
            }
            for e in &events[..n as usize] {
                let (flags, data) = (e.events, e.u64);
                if data == LISTENER {
                    loop {
                        let fd = libc::accept4(
                            lfd,
                            std::ptr::null_mut(),
                            std::ptr::null_mut(),
                            libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                        );
                        if fd < 0 {
                            let err = io::Error::last_os_error();
                            match err.kind() {
                                io::ErrorKind::WouldBlock => break,
                                io::ErrorKind::Interrupted | io::ErrorKind::ConnectionAborted => continue,
                                _ => {
                                    // EMFILE and friends: drop this edge; the next connection retries.
                                    eprintln!("accept: {err}");
                                    break;
                                }
                            }
                        }
                        let one: libc::c_int = 1;
                        libc::setsockopt(
                            fd,
                            libc::IPPROTO_TCP,
                            libc::TCP_NODELAY,
                            (&one as *const libc::c_int).cast(),
                            4,
                        );
                        let mut ev = libc::epoll_event {
                            events: (libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET) as u32,
                            u64: fd as u64,
                        };
                        if libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, fd, &mut ev) < 0 {
                            libc::close(fd);
                            continue;
                        }
                        let i = fd as usize;
                        if conns.len() <= i {
                            conns.resize_with(i + 1, || None);
                        }
                        conns[i] = Some(Box::default());
                    }
                    continue;
                }
                let fd = data as libc::c_int;
                let Some(conn) = conns.get_mut(fd as usize).and_then(|c| c.as_deref_mut()) else { continue };
                let mut alive = flags & libc::EPOLLERR as u32 == 0;
                if alive && flags & libc::EPOLLOUT as u32 != 0 && !conn.out.is_empty() {
                    alive = flush(fd, conn);
                }
                let readable = flags & (libc::EPOLLIN | libc::EPOLLRDHUP | libc::EPOLLHUP) as u32 != 0;
                if alive && (readable || (conn.read_blocked && conn.out.is_empty())) {
                    let eof_seen = flags & (libc::EPOLLRDHUP | libc::EPOLLHUP) as u32 != 0;
                    alive = on_readable(fd, conn, proto, &mut buf, &mut resp, eof_seen);
                }
                if !alive {
                    conns[fd as usize] = None;
                    libc::close(fd);
                }
            }
        }
    }
}

/// Writes what waits in `conn.out`; false if the connection is dead.
unsafe fn flush(fd: libc::c_int, conn: &mut Conn) -> bool {
    while !conn.out.is_empty() {
        let n = libc::send(fd, conn.out.as_ptr().cast(), conn.out.len(), libc::MSG_NOSIGNAL);
        if n < 0 {
            let err = io::Error::last_os_error();
            return match err.kind() {
                io::ErrorKind::WouldBlock => true,
                io::ErrorKind::Interrupted => continue,
                _ => false,
            };
        }
        conn.out.drain(..n as usize);
    }
    true
}

/// Writes `bytes` now; keeps what the socket does not take in `conn.out`.
unsafe fn send_now(fd: libc::c_int, conn: &mut Conn, bytes: &[u8]) -> bool {
    if !conn.out.is_empty() {
        conn.out.extend_from_slice(bytes);
        return flush(fd, conn);
    }
    let mut done = 0;
    while done < bytes.len() {
        let n = libc::send(fd, bytes[done..].as_ptr().cast(), bytes.len() - done, libc::MSG_NOSIGNAL);
        if n < 0 {
            let err = io::Error::last_os_error();
            match err.kind() {
                io::ErrorKind::WouldBlock => {
                    conn.out.extend_from_slice(&bytes[done..]);
                    return true;
                }
                io::ErrorKind::Interrupted => continue,
                _ => return false,
            }
        }
        done += n as usize;
    }
    true
}

/// Reads until a short read (drained), answering as it goes; false if the
/// connection is finished. After a hang-up event it reads on to the end.
unsafe fn on_readable(
    fd: libc::c_int,
    conn: &mut Conn,
    proto: Proto,
    buf: &mut [u8],
    resp: &mut Vec<u8>,
    eof_seen: bool,
) -> bool {
    conn.read_blocked = false;
    loop {
        if !conn.out.is_empty() {
            // Back-pressure: the peer is not reading; wait for EPOLLOUT.
            conn.read_blocked = true;
            return true;
        }
        let n = libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
        if n < 0 {
            let err = io::Error::last_os_error();
            return match err.kind() {
                io::ErrorKind::WouldBlock => true,
                io::ErrorKind::Interrupted => continue,
                _ => false,
            };
        }
        if n == 0 {
            return false;
        }
        let n = n as usize;
        let ok = match proto {
            Proto::Echo => send_now(fd, conn, &buf[..n]),
            Proto::Http if conn.pending_in.is_empty() => {
                let (used, count) = parse_requests(&buf[..n]);
                conn.pending_in.extend_from_slice(&buf[used..n]);
                count == 0 || send_now(fd, conn, responses(count, resp))
            }
            Proto::Http => {
                conn.pending_in.extend_from_slice(&buf[..n]);
                let (used, count) = parse_requests(&conn.pending_in);
                conn.pending_in.drain(..used);
                (count == 0 || send_now(fd, conn, responses(count, resp))) && conn.pending_in.len() <= 64 * 1024
            }
        };
        if !ok {
            return false;
        }
        if n < buf.len() && !eof_seen {
            return true;
        }
    }
}
