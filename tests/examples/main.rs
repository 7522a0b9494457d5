//! Tests that start the examples as processes and talk to them (issue 3).
//!
//! # How the example binaries are found
//!
//! Cargo builds `CARGO_BIN_EXE_*` paths only for `[[bin]]` targets, not for
//! examples, and `cargo test --test examples` does not build the examples.
//! So the first test that needs one runs `cargo build --examples` once per
//! test process (a `OnceLock`; `$CARGO`, the cargo that runs the tests,
//! with the same profile, and with `runtime/kqueue-emulation` if this binary
//! has it), which is quick when they are up to date and keeps a stale binary
//! from being tested. The binaries are then found
//! next to this test's own executable: `target/<profile>/deps/examples-<hash>`
//! → `target/<profile>/examples/<name>`.
//!
//! # How the tests stay bounded
//!
//! Each example starts on port 0 (`127.0.0.1:0`) and prints `listening on
//! ADDR` as its first stdout line, which [`Example::start`] reads (within
//! 20 s). The tests talk to it with std's blocking sockets, every one with
//! read and write timeouts, inside `support::bounded` (30 s), which starts
//! counting after the examples are built ([`bounded`]). The
//! [`Example`] guard kills the process on drop, and the process is also
//! asked to die with the thread that started it (`PR_SET_PDEATHSIG`), so a
//! failed test leaves no server behind.

#![allow(unsafe_code)]

#[path = "../support/mod.rs"]
mod support;

#[path = "../../examples/common/http_head.rs"]
mod http_head;

mod chat;
mod chat_hostile;
mod driver;
mod echo;
mod http_hello;
mod http_hostile;
mod hyper_hello;
mod proxy;
mod shutdown;
mod threads;
mod udp_echo;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

/// How long any one blocking socket call in these tests may wait.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A running example process, killed on drop.
#[derive(Debug)]
pub struct Example {
    child: Child,
    /// The address from its `listening on ADDR` line.
    pub addr: String,
    /// Everything it wrote to stderr so far.
    stderr: Arc<Mutex<String>>,
}

impl Example {
    /// Starts example `name` with `args` and waits for its first line.
    pub fn start(name: &str, args: &[&str]) -> Example {
        Example::start_with_env(name, args, &[])
    }

    /// [`Example::start`] with extra environment variables (the examples
    /// read shorter timeouts from them).
    pub fn start_with_env(name: &str, args: &[&str], env: &[(&str, &str)]) -> Example {
        let mut command = Command::new(example_path(name));
        command.args(args).envs(env.iter().copied()).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        // SAFETY: prctl is async-signal-safe and touches only the child's own state.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = command.spawn().unwrap_or_else(|e| panic!("start example {name}: {e}"));
        let stderr = Arc::new(Mutex::new(String::new()));
        let err_pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        thread::spawn(move || {
            for line in BufReader::new(err_pipe).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let (tx, rx) = mpsc::channel();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        thread::spawn(move || {
            let mut line = String::new();
            let _ = out.read_line(&mut line);
            let _ = tx.send(line);
            // Keep draining, so the example never blocks on a full pipe.
            let _ = std::io::copy(&mut out, &mut std::io::sink());
        });
        let mut example = Example { child, addr: String::new(), stderr };
        let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
        let addr = line.trim().strip_prefix("listening on ").map(str::to_owned);
        example.addr =
            addr.unwrap_or_else(|| panic!("example {name}: first line {line:?}; stderr: {}", example.stderr()));
        example
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends signal `sig` to the process.
    pub fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill(2) with our own child's pid and a valid signal number.
        let rc = unsafe { libc::kill(self.child.id() as libc::pid_t, sig) };
        assert_eq!(rc, 0, "kill: {}", std::io::Error::last_os_error());
    }

    /// Waits at most `limit` for the process to exit; its status, or
    /// `None` if it is still running.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if std::time::Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// What the example has written to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// A blocking TCP connection to the example, with timeouts set.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
        stream
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A field of `/proc/PID/status` in KiB (`VmRSS`, `VmHWM`).
pub fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find_map(|l| l.strip_prefix(field)?.strip_prefix(':'));
    line.and_then(|v| v.trim().strip_suffix("kB")?.trim().parse().ok()).unwrap_or_else(|| panic!("{field}: {status}"))
}

/// Reads until end of stream, and returns what came; a reset counts as
/// the end (a server that closes with unread input resets).
pub fn read_to_end_or_reset(stream: &mut impl Read) -> Vec<u8> {
    let mut got = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => return got,
            Ok(n) => got.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return got,
            Err(e) => panic!("read: {e} (after {} bytes)", got.len()),
        }
    }
}

/// Reads one `\n`-terminated line (without the `\n`).
pub fn read_line(stream: &mut impl Read) -> String {
    let mut line = Vec::new();
    let mut byte = [0];
    while stream.read(&mut byte).expect("read a line") == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    String::from_utf8(line).unwrap()
}

/// [`support::bounded`] for these tests: the examples are built first (once
/// per process, bounded by [`BUILD_LIMIT`]), so the test's own limit counts
/// only the test, not a `cargo build` on a loaded machine.
pub fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    examples_dir();
    support::bounded(f)
}

/// How long the one `cargo build --examples` of a test process may take.
const BUILD_LIMIT: Duration = Duration::from_secs(900);

/// `target/<profile>/examples/<name>`, after building the examples once.
fn example_path(name: &str) -> PathBuf {
    let path = examples_dir().join(name);
    assert!(path.exists(), "{} is missing: run `cargo build --examples`", path.display());
    path
}

/// `target/<profile>/examples`, after building the examples once.
fn examples_dir() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().unwrap();
            let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap().to_path_buf();
            build_examples(&profile_dir);
            profile_dir.join("examples")
        })
        .clone()
}

/// Runs `cargo build --examples` for the profile these tests were built
/// with, and kills it if it takes longer than [`BUILD_LIMIT`].
fn build_examples(profile_dir: &std::path::Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").into());
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => "dev".to_owned(),
        Some(other) => other.to_owned(),
    };
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let child = Command::new(cargo)
        .args(["build", "--examples", "--profile", &profile, "--manifest-path", manifest])
        .args(feature_args())
        .stdin(Stdio::null())
        .spawn();
    let status = child.map(|mut child| {
        let pid = child.id() as libc::pid_t;
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || tx.send(child.wait()));
        rx.recv_timeout(BUILD_LIMIT).unwrap_or_else(|_| {
            // SAFETY: `pid` is our child, not yet reaped (its waiter has not returned).
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("cargo build --examples took longer than {BUILD_LIMIT:?}");
        })
    });
    match status {
        Ok(Ok(s)) if s.success() => {}
        // A binary from an earlier build may still do; `example_path` checks.
        other => eprintln!("cargo build --examples failed ({other:?}); using what is built"),
    }
}

/// The `runtime` features this test binary was built with, for the
/// examples' build, since the examples inherit `RUNTIME_DRIVER`: with
/// `io-uring` an io_uring runtime runs here (without it `Driver::Uring`
/// falls back to epoll, and the examples would too); with `kqueue-emulation`
/// or `libkqueue` (Linux, testing only) a kqueue runtime can be built. `libkqueue` needs `LIBKQUEUE_DIR`,
/// which is what tells the two apart.
fn feature_args() -> &'static [&'static str] {
    let uring = runtime::Builder::new().driver(runtime::Driver::Uring).build();
    if uring.is_ok_and(|rt| rt.metrics().driver == "uring") {
        return &["--features", "runtime/io-uring"];
    }
    let kqueue = runtime::Builder::new().driver(runtime::Driver::Kqueue).build();
    if !cfg!(target_os = "linux") || kqueue.is_err() {
        &[]
    } else if std::env::var_os("LIBKQUEUE_DIR").is_some() {
        &["--features", "runtime/libkqueue"]
    } else {
        &["--features", "runtime/kqueue-emulation"]
    }
}
