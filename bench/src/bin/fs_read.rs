//! Reading a 64 MiB file (warm page cache) on this runtime and on tokio's
//! current_thread runtime: `fs::read`, and a loop of 64 KiB reads through
//! `fs::File`. Interleaved repetitions; prints medians (min–max) in ms and
//! the blocking jobs this runtime used.
//!
//! `cargo run --release --bin fs_read [REPS]` (from bench/).

use std::path::{Path, PathBuf};
use std::time::Instant;

const SIZE: usize = 64 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

fn ours_read(path: &Path) -> (f64, u64) {
    let path = path.to_owned();
    runtime::block_on(async move {
        let jobs = runtime::metrics().tasks_spawned;
        let start = Instant::now();
        let bytes = runtime::fs::read(&path).await.unwrap();
        let ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(bytes.len(), SIZE);
        (ms, runtime::metrics().tasks_spawned - jobs)
    })
}

fn ours_chunks(path: &Path) -> (f64, u64) {
    use futures_lite::AsyncReadExt;
    let path = path.to_owned();
    runtime::block_on(async move {
        let jobs = runtime::metrics().tasks_spawned;
        let start = Instant::now();
        let mut file = runtime::fs::File::open(&path).await.unwrap();
        let mut buf = vec![0; CHUNK];
        let mut total = 0;
        loop {
            let n = file.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            total += n;
        }
        let ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(total, SIZE);
        (ms, runtime::metrics().tasks_spawned - jobs)
    })
}

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn tokio_read(path: &Path) -> f64 {
    tokio_rt().block_on(async {
        let start = Instant::now();
        let bytes = tokio::fs::read(path).await.unwrap();
        let ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(bytes.len(), SIZE);
        ms
    })
}

fn tokio_chunks(path: &Path) -> f64 {
    use tokio::io::AsyncReadExt;
    tokio_rt().block_on(async {
        let start = Instant::now();
        let mut file = tokio::fs::File::open(path).await.unwrap();
        let mut buf = vec![0; CHUNK];
        let mut total = 0;
        loop {
            let n = file.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            total += n;
        }
        let ms = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(total, SIZE);
        ms
    })
}

fn summary(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    format!("{:.1} ({:.1}-{:.1})", v[v.len() / 2], v[0], v[v.len() - 1])
}

fn main() {
    let reps: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(9);
    let path: PathBuf = std::env::temp_dir().join(format!("bench-fs-read-{}", std::process::id()));
    std::fs::write(&path, (0..SIZE).map(|i| i as u8).collect::<Vec<_>>()).unwrap();
    std::fs::read(&path).unwrap(); // warm the page cache
    let (mut a, mut b, mut c, mut d) = (vec![], vec![], vec![], vec![]);
    let (mut jobs_read, mut jobs_chunks) = (0, 0);
    for _ in 0..reps {
        let (ms, jobs) = ours_read(&path);
        a.push(ms);
        jobs_read = jobs;
        c.push(tokio_read(&path));
        let (ms, jobs) = ours_chunks(&path);
        b.push(ms);
        jobs_chunks = jobs;
        d.push(tokio_chunks(&path));
    }
    std::fs::remove_file(&path).unwrap();
    println!("| what | runtime ms | tokio ms | ratio (medians) | runtime blocking jobs |");
    println!("|---|---|---|---|---|");
    let med = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "| `fs::read`, 64 MiB | {} | {} | {:.2} | {} |",
        summary(a.clone()),
        summary(c.clone()),
        med(&a) / med(&c),
        jobs_read
    );
    println!(
        "| `File` + 64 KiB reads, 64 MiB | {} | {} | {:.2} | {} |",
        summary(b.clone()),
        summary(d.clone()),
        med(&b) / med(&d),
        jobs_chunks
    );
}
