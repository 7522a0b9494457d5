//! tokio's tests/fs_dir.rs, every assertion kept.

use std::sync::{Arc, Mutex};

use runtime::fs;
use tempfile::tempdir;

use crate::support::run;

#[test]
fn create_dir() {
    run(|| async {
        let base_dir = tempdir().unwrap();
        let new_dir = base_dir.path().join("foo");
        let new_dir_2 = new_dir.clone();
        fs::create_dir(new_dir).await.unwrap();
        assert!(new_dir_2.is_dir());
    });
}

#[test]
fn create_all() {
    run(|| async {
        let base_dir = tempdir().unwrap();
        let new_dir = base_dir.path().join("foo").join("bar");
        let new_dir_2 = new_dir.clone();
        fs::create_dir_all(new_dir).await.unwrap();
        assert!(new_dir_2.is_dir());
    });
}

#[test]
fn build_dir() {
    run(|| async {
        let base_dir = tempdir().unwrap();
        let new_dir = base_dir.path().join("foo").join("bar");
        let new_dir_2 = new_dir.clone();
        fs::DirBuilder::new().recursive(true).create(new_dir).await.unwrap();
        assert!(new_dir_2.is_dir());
        assert!(fs::DirBuilder::new().recursive(false).create(new_dir_2).await.is_err());
    });
}

#[test]
fn build_dir_mode_read_only() {
    run(|| async {
        let base_dir = tempdir().unwrap();
        let new_dir = base_dir.path().join("abc");
        fs::DirBuilder::new().recursive(true).mode(0o444).create(&new_dir).await.unwrap();
        assert!(fs::metadata(new_dir).await.expect("metadata result").permissions().readonly());
    });
}

#[test]
fn remove() {
    run(|| async {
        let base_dir = tempdir().unwrap();
        let new_dir = base_dir.path().join("foo");
        let new_dir_2 = new_dir.clone();
        std::fs::create_dir(new_dir.clone()).unwrap();
        fs::remove_dir(new_dir).await.unwrap();
        assert!(!new_dir_2.exists());
    });
}

#[test]
fn read_inherent() {
    run(|| async {
        let base_dir = tempdir().unwrap();
        let p = base_dir.path();
        std::fs::create_dir(p.join("aa")).unwrap();
        std::fs::create_dir(p.join("bb")).unwrap();
        std::fs::create_dir(p.join("cc")).unwrap();
        let files = Arc::new(Mutex::new(Vec::new()));
        let f = files.clone();
        let p = p.to_path_buf();
        let mut entries = fs::read_dir(p).await.unwrap();
        while let Some(e) = entries.next_entry().await.unwrap() {
            let s = e.file_name().to_str().unwrap().to_string();
            f.lock().unwrap().push(s);
        }
        let mut files = files.lock().unwrap();
        files.sort(); // because the order is not guaranteed
        assert_eq!(*files, vec!["aa".to_string(), "bb".to_string(), "cc".to_string()]);
    });
}

#[test]
fn read_dir_entry_info() {
    run(|| async {
        let temp_dir = tempdir().unwrap();
        let file_path = temp_dir.path().join("a.txt");
        fs::write(&file_path, b"Hello File!").await.unwrap();
        let mut dir = fs::read_dir(temp_dir.path()).await.unwrap();
        let first_entry = dir.next_entry().await.unwrap().unwrap();
        assert_eq!(first_entry.path(), file_path);
        assert_eq!(first_entry.file_name(), "a.txt");
        assert!(first_entry.metadata().await.unwrap().is_file());
        assert!(first_entry.file_type().await.unwrap().is_file());
    });
}

/// Ours: more entries than one batch, each seen once, with its inode.
#[test]
fn read_dir_many_entries_in_batches() {
    run(|| async {
        use std::os::unix::fs::MetadataExt;
        let temp_dir = tempdir().unwrap();
        for i in 0..100 {
            std::fs::write(temp_dir.path().join(format!("f{i:03}")), b"").unwrap();
        }
        let mut dir = fs::read_dir(temp_dir.path()).await.unwrap();
        let mut names = Vec::new();
        while let Some(entry) = dir.next_entry().await.unwrap() {
            assert_eq!(entry.ino(), std::fs::metadata(entry.path()).unwrap().ino());
            names.push(entry.file_name().into_string().unwrap());
        }
        assert!(dir.next_entry().await.unwrap().is_none());
        names.sort();
        assert_eq!(names, (0..100).map(|i| format!("f{i:03}")).collect::<Vec<_>>());
    });
}
