//! tokio's tests/fs_file.rs, every assertion kept; tokio's
//! `AsyncReadExt`/`AsyncWriteExt`/`AsyncSeekExt` become futures' (`shutdown`
//! is `close`, `rewind` a seek to the start).

use std::io::prelude::*;
use std::io::{IoSlice, SeekFrom};

use futures::future::FutureExt;
use futures::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use runtime::fs::File;
use tempfile::NamedTempFile;

use crate::support::run;
use crate::task_support as task;

const HELLO: &[u8] = b"hello world...";

fn tempfile() -> NamedTempFile {
    NamedTempFile::new().unwrap()
}

#[test]
fn basic_read() {
    run(|| async {
        let mut tempfile = tempfile();
        tempfile.write_all(HELLO).unwrap();
        let mut file = File::open(tempfile.path()).await.unwrap();
        let mut buf = [0; 1024];
        let n = file.read(&mut buf).await.unwrap();
        assert_eq!(n, HELLO.len());
        assert_eq!(&buf[..n], HELLO);
    });
}

#[test]
fn basic_write() {
    run(|| async {
        let tempfile = tempfile();
        let mut file = File::create(tempfile.path()).await.unwrap();
        file.write_all(HELLO).await.unwrap();
        file.flush().await.unwrap();
        let file = std::fs::read(tempfile.path()).unwrap();
        assert_eq!(file, HELLO);
    });
}

#[test]
fn basic_write_and_shutdown() {
    run(|| async {
        let tempfile = tempfile();
        let mut file = File::create(tempfile.path()).await.unwrap();
        file.write_all(HELLO).await.unwrap();
        file.close().await.unwrap();
        let file = std::fs::read(tempfile.path()).unwrap();
        assert_eq!(file, HELLO);
    });
}

#[test]
fn write_vectored() {
    run(|| async {
        let tempfile = tempfile();
        let mut file = File::create(tempfile.path()).await.unwrap();
        let ret = file.write_vectored(&[IoSlice::new(HELLO), IoSlice::new(HELLO)]).await.unwrap();
        assert_eq!(ret, HELLO.len() * 2);
        file.flush().await.unwrap();
        let file = std::fs::read(tempfile.path()).unwrap();
        assert_eq!(file, [HELLO, HELLO].concat());
    });
}

#[test]
fn write_vectored_and_shutdown() {
    run(|| async {
        let tempfile = tempfile();
        let mut file = File::create(tempfile.path()).await.unwrap();
        let ret = file.write_vectored(&[IoSlice::new(HELLO), IoSlice::new(HELLO)]).await.unwrap();
        assert_eq!(ret, HELLO.len() * 2);
        file.close().await.unwrap();
        let file = std::fs::read(tempfile.path()).unwrap();
        assert_eq!(file, [HELLO, HELLO].concat());
    });
}

#[test]
fn rewind_seek_position() {
    run(|| async {
        let tempfile = tempfile();
        let mut file = File::create(tempfile.path()).await.unwrap();
        file.seek(SeekFrom::Current(10)).await.unwrap();
        file.seek(SeekFrom::Start(0)).await.unwrap();
        assert_eq!(file.stream_position().await.unwrap(), 0);
    });
}

#[test]
fn coop() {
    run(|| async {
        let mut tempfile = tempfile();
        tempfile.write_all(HELLO).unwrap();
        let mut task = task::spawn(async {
            let mut file = File::open(tempfile.path()).await.unwrap();
            let mut buf = [0; 1024];
            loop {
                let _ = file.read(&mut buf).await.unwrap();
                file.seek(std::io::SeekFrom::Start(0)).await.unwrap();
            }
        });
        for _ in 0..1_000 {
            if task.poll().is_pending() {
                return;
            }
        }
        panic!("did not yield");
    });
}

#[test]
fn write_to_clone() {
    run(|| async {
        let tempfile = tempfile();
        let file = File::create(tempfile.path()).await.unwrap();
        let mut clone = file.try_clone().await.unwrap();
        clone.write_all(HELLO).await.unwrap();
        clone.flush().await.unwrap();
        let contents = std::fs::read(tempfile.path()).unwrap();
        assert_eq!(contents, HELLO);
    });
}

#[test]
fn write_into_std() {
    run(|| async {
        let tempfile = tempfile();
        let file = File::create(tempfile.path()).await.unwrap();
        let mut std_file = file.into_std().await;
        std_file.write_all(HELLO).unwrap();
        let contents = std::fs::read(tempfile.path()).unwrap();
        assert_eq!(contents, HELLO);
    });
}

#[test]
fn write_into_std_immediate() {
    run(|| async {
        let tempfile = tempfile();
        let file = File::create(tempfile.path()).await.unwrap();
        let mut std_file = file.try_into_std().unwrap();
        std_file.write_all(HELLO).unwrap();
        let contents = std::fs::read(tempfile.path()).unwrap();
        assert_eq!(contents, HELLO);
    });
}

#[test]
fn read_file_from_std() {
    run(|| async {
        let mut tempfile = tempfile();
        tempfile.write_all(HELLO).unwrap();
        let std_file = std::fs::File::open(tempfile.path()).unwrap();
        let mut file = File::from(std_file);
        let mut buf = [0; 1024];
        let n = file.read(&mut buf).await.unwrap();
        assert_eq!(n, HELLO.len());
        assert_eq!(&buf[..n], HELLO);
    });
}

#[test]
fn empty_read() {
    run(|| async {
        let mut tempfile = tempfile();
        tempfile.write_all(HELLO).unwrap();
        let mut file = File::open(tempfile.path()).await.unwrap();
        // Perform an empty read and get a length of zero.
        assert!(matches!(file.read(&mut []).now_or_never(), Some(Ok(0))));
        // Check that we don't get EOF on the next read.
        let mut buf = [0; 1024];
        let n = file.read(&mut buf).await.unwrap();
        assert_eq!(n, HELLO.len());
        assert_eq!(&buf[..n], HELLO);
    });
}

#[test]
fn set_max_buf_size_read() {
    run(|| async {
        let mut tempfile = tempfile();
        tempfile.write_all(HELLO).unwrap();
        let mut file = File::open(tempfile.path()).await.unwrap();
        let mut buf = [0; 1024];
        file.set_max_buf_size(1);
        // A single read operation reads a maximum of 1 byte.
        assert_eq!(file.read(&mut buf).await.unwrap(), 1);
    });
}

#[test]
fn set_max_buf_size_write() {
    run(|| async {
        let tempfile = tempfile();
        let mut file = File::create(tempfile.path()).await.unwrap();
        file.set_max_buf_size(1);
        // A single write operation writes a maximum of 1 byte.
        assert_eq!(file.write(HELLO).await.unwrap(), 1);
    });
}

#[test]
fn file_debug_fmt() {
    run(|| async {
        let tempfile = tempfile();
        let file = File::open(tempfile.path()).await.unwrap();
        // tokio's prefix is "tokio::fs::File { std: File { fd:" (33 bytes).
        assert_eq!(&format!("{file:?}")[0..35], "runtime::fs::File { std: File { fd:");
    });
}

#[test]
fn unix_fd_is_valid() {
    run(|| async {
        use std::os::unix::io::AsRawFd;
        let tempfile = tempfile();
        let file = File::create(tempfile.path()).await.unwrap();
        assert!(file.as_raw_fd() as u64 > 0);
    });
}

#[test]
fn read_file_from_unix_fd() {
    run(|| async {
        use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};
        let mut tempfile = tempfile();
        tempfile.write_all(HELLO).unwrap();
        let file1 = File::open(tempfile.path()).await.unwrap();
        let raw_fd = file1.into_std().await.into_raw_fd();
        assert!(raw_fd > 0);
        // `File` has no `FromRawFd` (no unsafe in fs/): go through `OwnedFd`.
        #[allow(unsafe_code)]
        // SAFETY: `raw_fd` was just released by `into_raw_fd` and is owned here.
        let mut file2 = File::from(unsafe { OwnedFd::from_raw_fd(raw_fd) });
        let mut buf = [0; 1024];
        let n = file2.read(&mut buf).await.unwrap();
        assert_eq!(n, HELLO.len());
        assert_eq!(&buf[..n], HELLO);
    });
}
