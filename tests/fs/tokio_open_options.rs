//! tokio's tests/fs_open_options.rs, every assertion kept.

use std::io::Write;

use futures::AsyncReadExt;
use runtime::fs::OpenOptions;
use tempfile::NamedTempFile;

use crate::support::run;

const HELLO: &[u8] = b"hello world...";

#[test]
fn open_with_open_options_and_read() {
    run(|| async {
        let mut tempfile = NamedTempFile::new().unwrap();
        tempfile.write_all(HELLO).unwrap();
        let mut file = OpenOptions::new().read(true).open(tempfile).await.unwrap();
        let mut buf = [0; 1024];
        let n = file.read(&mut buf).await.unwrap();
        assert_eq!(n, HELLO.len());
        assert_eq!(&buf[..n], HELLO);
    });
}

#[test]
fn open_options_write() {
    // TESTING HACK: use Debug output to check the stored data
    assert!(format!("{:?}", OpenOptions::new().write(true)).contains("write: true"));
}

#[test]
fn open_options_append() {
    assert!(format!("{:?}", OpenOptions::new().append(true)).contains("append: true"));
}

#[test]
fn open_options_truncate() {
    assert!(format!("{:?}", OpenOptions::new().truncate(true)).contains("truncate: true"));
}

#[test]
fn open_options_create() {
    assert!(format!("{:?}", OpenOptions::new().create(true)).contains("create: true"));
}

#[test]
fn open_options_create_new() {
    assert!(format!("{:?}", OpenOptions::new().create_new(true)).contains("create_new: true"));
}

#[test]
fn open_options_mode() {
    let mode = format!("{:?}", OpenOptions::new().mode(0o644));
    assert!(mode.contains("mode: 420") || mode.contains("mode: 0o000644"), "mode is: {mode}");
}

#[test]
#[cfg(target_os = "linux")]
fn open_options_custom_flags_linux() {
    assert!(format!("{:?}", OpenOptions::new().custom_flags(libc::O_TRUNC)).contains("custom_flags: 512"));
}
