//! `--threads N` for the example servers: one runtime per thread, each with
//! its own listener on the same port (`SO_REUSEPORT`), so the kernel
//! spreads connections over them (Linux hashes each connection to one
//! listener). N = 1, the default, is one runtime and a plain listener.
//!
//! ```text
//! let args = Args::parse("127.0.0.1:7000");
//! args.run(|addr, listen| async move { let listener = listen.bind(&addr).await?; .. })
//! ```
//!
//! SIGINT and SIGTERM stop the pool, whose stop reaches every runtime's
//! `Shutdown` (`common/shutdown.rs`), so each drains its own connections and
//! the process exits 0 once all have. With N > 1 the address needs a fixed port: with port 0 each
//! runtime would get a port of its own.

// Not every example uses every item.
#![allow(dead_code)]

use std::future::Future;
use std::io;
use std::time::Duration;

use net::TcpListener;

/// The command line: `[ADDR] [--threads N]`.
#[derive(Debug, Clone)]
pub struct Args {
    pub addr: String,
    pub threads: usize,
}

/// How each runtime binds its listener.
#[derive(Debug, Clone, Copy)]
pub enum Listen {
    /// The only runtime: a plain listener.
    Alone,
    /// One of several runtimes: a listener sharing the port.
    Shared,
}

impl Listen {
    pub async fn bind(self, addr: &str) -> io::Result<TcpListener> {
        match self {
            Listen::Alone => TcpListener::bind(addr).await,
            Listen::Shared => TcpListener::bind_reuseport(addr).await,
        }
    }
}

impl Args {
    /// Reads the command line; `default_addr` when no address is given.
    /// A malformed `--threads` ends the process with a message.
    pub fn parse(default_addr: &str) -> Args {
        let mut args = Args { addr: default_addr.to_owned(), threads: 1 };
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            if arg == "--threads" {
                match it.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0) {
                    Some(n) => args.threads = n,
                    None => {
                        eprintln!("--threads takes a number of threads, at least 1");
                        std::process::exit(2);
                    }
                }
            } else {
                args.addr = arg;
            }
        }
        args
    }

    /// Runs `serve(addr, listen)` on one runtime, or on `threads` runtimes
    /// of a `runtime::Pool`, and returns the first error any of them had.
    pub fn run<F, Fut>(self, serve: F) -> io::Result<()>
    where
        F: Fn(String, Listen) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = io::Result<()>> + 'static,
    {
        if self.threads == 1 {
            let rt = runtime::Runtime::new()?;
            return rt.block_on(serve(self.addr, Listen::Alone));
        }
        // The pool listens for SIGINT and SIGTERM from before any server
        // starts, and its stop reaches every server's `Shutdown`: a server
        // whose thread starts after the signal came still stops (its own
        // listeners would count only later arrivals). It waits the grace
        // period, and a little more, for each to drain.
        let pool = runtime::Pool::builder()
            .threads(self.threads)
            .shutdown_timeout(crate::shutdown::Shutdown::grace() + Duration::from_secs(5))
            .build()?;
        let addr = self.addr;
        // `try_run`: a runtime whose server fails (it cannot bind) stops the
        // others, and the error names its thread.
        pool.try_run(move |_| serve(addr.clone(), Listen::Shared)).map(drop).map_err(io::Error::other)
    }
}
