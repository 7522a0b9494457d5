//! Echo server on this project's runtime: one task per connection.
//!
//! With `BENCH_MAX_CONNS=N` it exits after N connections have closed and
//! prints `metrics {...}` (`runtime::metrics()`) first: the churn benchmark
//! reads the driver's system calls per connection from it.

use std::cell::Cell;
use std::io;
use std::rc::Rc;

use bench::BUF_SIZE;
use net::{TcpListener, TcpStream};

fn main() -> io::Result<()> {
    let rt = runtime::Runtime::new()?; // honours RUNTIME_DRIVER
    rt.block_on(async {
        let listener = TcpListener::bind(bench::listen_addr()).await?;
        println!("listening on {}", listener.local_addr()?);
        let max = bench::max_conns();
        let closed = Rc::new(Cell::new(0u64));
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    eprintln!("accept: {e}");
                    runtime::time::sleep(std::time::Duration::from_millis(1)).await;
                    continue;
                }
            };
            let closed = closed.clone();
            runtime::spawn(async move {
                let _ = echo(stream).await;
                closed.set(closed.get() + 1);
                if Some(closed.get()) == max {
                    print_metrics(closed.get());
                    std::process::exit(0);
                }
            });
        }
    })
}

async fn echo(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = vec![0; BUF_SIZE];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
    }
}

fn print_metrics(conns: u64) {
    let m = runtime::metrics();
    println!(
        "metrics {{\"driver\":\"{}\",\"conns\":{conns},\"tasks_spawned\":{},\"polls\":{},\"ticks\":{},\"events\":{},\"wait_syscalls\":{},\"change_syscalls\":{},\"changes\":{},\"failed_change_turns\":{},\"remote_wakes\":{}}}",
        m.driver, m.tasks_spawned, m.polls, m.ticks, m.events, m.wait_syscalls, m.change_syscalls, m.changes, m.failed_change_turns, m.remote_wakes
    );
}
