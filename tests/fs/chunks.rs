//! A cancelled read loses nothing, a dropped `File` finishes its write, and
//! large reads go through the blocking pool in bounded chunks.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use futures::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use runtime::fs::{self, File};
use tempfile::tempdir;

use crate::support::run;

const MIB: usize = 1024 * 1024;

/// Bytes that differ from one position to the next.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Polls `fut` once, with a waker that does nothing.
fn poll_once<F: Future>(fut: F) -> Poll<F::Output> {
    let fut = pin!(fut);
    fut.poll(&mut Context::from_waker(futures::task::noop_waker_ref()))
}

/// Blocking jobs started so far on this runtime (each is one spawned task).
fn jobs() -> u64 {
    runtime::metrics().tasks_spawned
}

#[test]
fn cancelled_read_loses_nothing() {
    run(|| async {
        let dir = tempdir().unwrap();
        let path = dir.path().join("data");
        let data = pattern(100_000);
        std::fs::write(&path, &data).unwrap();
        let mut file = File::open(&path).await.unwrap();
        file.set_max_buf_size(4096);
        let mut got = vec![0; 10];
        file.read_exact(&mut got).await.unwrap();
        // A read whose job is in flight, dropped before it completes.
        let mut buf = [0; 4096];
        assert!(poll_once(file.read(&mut buf)).is_pending());
        // The next read receives the cancelled read's bytes: none lost or repeated.
        file.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, data);
    });
}

#[test]
fn cancelled_seek_then_read_is_consistent() {
    run(|| async {
        let dir = tempdir().unwrap();
        let path = dir.path().join("data");
        let data = pattern(10_000);
        std::fs::write(&path, &data).unwrap();
        let mut file = File::open(&path).await.unwrap();
        assert!(poll_once(file.seek(std::io::SeekFrom::Start(5000))).is_pending());
        let mut rest = Vec::new();
        file.read_to_end(&mut rest).await.unwrap();
        assert_eq!(rest, &data[5000..]);
        assert_eq!(file.stream_position().await.unwrap(), 10_000);
    });
}

#[test]
fn dropped_file_mid_write_reaches_the_disk() {
    run(|| async {
        let dir = tempdir().unwrap();
        let path = dir.path().join("data");
        let data = pattern(5 * MIB + 17);
        let mut file = File::create(&path).await.unwrap();
        // Returns once the last chunk is handed to a job; no flush.
        file.write_all(&data).await.unwrap();
        drop(file);
        // The job owns the bytes and the std file: wait for it to land
        // (bounded by `run`'s limit; each round trip yields to the runtime).
        while std::fs::metadata(&path).unwrap().len() < data.len() as u64 {
            runtime::spawn_blocking(|| ()).await.unwrap();
        }
        assert_eq!(std::fs::read(&path).unwrap(), data);
    });
}

#[test]
fn write_and_seek_after_read_ahead_go_where_the_reader_is() {
    run(|| async {
        let dir = tempdir().unwrap();
        let path = dir.path().join("data");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut file = fs::OpenOptions::new().read(true).write(true).open(&path).await.unwrap();
        // A cancelled 10-byte read leaves its bytes in the buffer; the next
        // read takes 2 of them, 8 stay read ahead of the reader.
        assert!(poll_once(file.read(&mut [0; 10])).is_pending());
        let mut two = [0; 2];
        file.read_exact(&mut two).await.unwrap();
        assert_eq!(&two, b"01");
        assert_eq!(file.stream_position().await.unwrap(), 2);
        file.write_all(b"ab").await.unwrap();
        file.flush().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"01ab456789");
        assert_eq!(file.stream_position().await.unwrap(), 4);
    });
}

#[test]
fn write_error_is_reported_by_flush() {
    run(|| async {
        let dir = tempdir().unwrap();
        let path = dir.path().join("data");
        std::fs::write(&path, b"x").unwrap();
        // Opened for reading only: the write itself fails (EBADF) in its job.
        let mut file = File::open(&path).await.unwrap();
        assert_eq!(file.write(b"y").await.unwrap(), 1);
        let err = file.flush().await.unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EBADF));
        // Reported once; the file still works.
        file.flush().await.unwrap();
        let mut back = Vec::new();
        file.read_to_end(&mut back).await.unwrap();
        assert_eq!(back, b"x");
    });
}

#[test]
fn file_reads_in_chunks_of_at_most_max_buf_size() {
    run(|| async {
        let dir = tempdir().unwrap();
        let path = dir.path().join("data");
        let data = pattern(MIB);
        std::fs::write(&path, &data).unwrap();
        let mut file = File::open(&path).await.unwrap();
        file.set_max_buf_size(64 * 1024);
        let before = jobs();
        let mut got = Vec::new();
        let mut buf = vec![0; 256 * 1024];
        loop {
            let n = file.read(&mut buf).await.unwrap();
            assert!(n <= 64 * 1024, "a read of {n} bytes");
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, data);
        // 16 chunks and the read that saw the end.
        assert_eq!(jobs() - before, 17);
    });
}

#[test]
fn fs_read_of_a_large_file_takes_one_job_per_2_mib() {
    run(|| async {
        let dir = tempdir().unwrap();
        let path = dir.path().join("data");
        let data = pattern(5 * MIB + 1);
        std::fs::write(&path, &data).unwrap();
        let before = jobs();
        assert_eq!(fs::read(&path).await.unwrap(), data);
        // Open, then 2 MiB + 2 MiB + (1 MiB + 1 byte, short: the end).
        assert_eq!(jobs() - before, 4);
    });
}
