//! `echo`: returns what it got, to many clients at once, and keeps serving
//! (without spinning) when it runs out of fds.

use std::io::{Read, Write};
use std::net::Shutdown;
use std::thread;
use std::time::{Duration, Instant};

use crate::bounded;
use crate::{read_to_end_or_reset, Example};

#[test]
fn echo_returns_what_it_got() {
    bounded(|| {
        let echo = Example::start("echo", &["127.0.0.1:0"]);
        let clients: Vec<_> = (0..4u8)
            .map(|i| {
                let mut stream = echo.connect();
                thread::spawn(move || {
                    let data: Vec<u8> = (0..256 * 1024).map(|j| (j as u8) ^ i).collect();
                    let mut writer = stream.try_clone().unwrap();
                    let sent = data.clone();
                    let w = thread::spawn(move || {
                        writer.write_all(&sent).unwrap();
                        writer.shutdown(Shutdown::Write).unwrap();
                    });
                    let mut got = Vec::new();
                    stream.read_to_end(&mut got).unwrap();
                    w.join().unwrap();
                    assert!(got == data, "client {i}: the echo differs");
                })
            })
            .collect();
        for client in clients {
            client.join().unwrap();
        }
    });
}

/// CPU time (user + system, in clock ticks) a process has used.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name, which ends at the last ')'.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// Caps the soft `RLIMIT_NOFILE` of process `pid` so that it can open only
/// `more` fds beyond those it has open now. (The limit bounds fd numbers,
/// and a new fd takes the lowest free number, so the cap is one past the
/// `more`-th free number: inherited fds may leave gaps.)
fn cap_fds(pid: u32, more: usize) {
    let open: Vec<u64> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    let last_free = (0..).filter(|fd| !open.contains(fd)).nth(more - 1).unwrap();
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: prlimit only writes the rlimit struct we pass.
    let rc = unsafe { libc::prlimit(pid as libc::pid_t, libc::RLIMIT_NOFILE, std::ptr::null(), &mut lim) };
    assert_eq!(rc, 0, "prlimit get: {}", std::io::Error::last_os_error());
    lim.rlim_cur = last_free + 1;
    // SAFETY: prlimit only reads the rlimit struct we pass.
    let rc = unsafe { libc::prlimit(pid as libc::pid_t, libc::RLIMIT_NOFILE, &lim, std::ptr::null_mut()) };
    assert_eq!(rc, 0, "prlimit set: {}", std::io::Error::last_os_error());
}

fn round_trip(stream: &mut std::net::TcpStream, msg: &[u8]) {
    stream.write_all(msg).unwrap();
    let mut buf = vec![0; msg.len()];
    stream.read_exact(&mut buf).unwrap();
    assert_eq!(buf, msg);
}

#[test]
fn echo_backs_off_when_out_of_fds_and_keeps_serving() {
    bounded(|| {
        let echo = Example::start("echo", &["127.0.0.1:0"]);
        cap_fds(echo.pid(), 1);
        let mut first = echo.connect();
        round_trip(&mut first, b"takes the last fd");
        // Queued by the kernel; the example's accept fails with EMFILE.
        let mut second = echo.connect();
        second.write_all(b"waiting").unwrap();
        let before = cpu_ticks(echo.pid());
        let start = Instant::now();
        thread::sleep(Duration::from_secs(1));
        let used = cpu_ticks(echo.pid()) - before;
        let elapsed_ticks = start.elapsed().as_millis() as u64 / 10;
        assert!(used * 4 < elapsed_ticks, "the accept loop spins: {used} ticks of CPU in {elapsed_ticks}");
        assert!(echo.stderr().contains("accept"), "no accept error logged: {}", echo.stderr());
        round_trip(&mut first, b"still served");
        drop(first);
        let mut buf = [0; 7];
        second.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"waiting");
        round_trip(&mut second, b"served after the fd came back");
    });
}

#[test]
fn echo_closes_a_connection_idle_for_the_timeout() {
    bounded(|| {
        let echo = Example::start_with_env("echo", &["127.0.0.1:0"], &[("IDLE_TIMEOUT_MS", "300")]);
        let mut stream = echo.connect();
        round_trip(&mut stream, b"before going quiet");
        let start = Instant::now();
        assert!(read_to_end_or_reset(&mut stream).is_empty());
        assert!(start.elapsed() >= Duration::from_millis(250), "closed after {:?}", start.elapsed());
        let mut fresh = echo.connect();
        round_trip(&mut fresh, b"still serving");
    });
}
