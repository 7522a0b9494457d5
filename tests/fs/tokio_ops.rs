//! tokio's tests/fs.rs, fs_canonicalize_dir.rs, fs_copy.rs, fs_link.rs,
//! fs_remove_dir_all.rs, fs_remove_file.rs, fs_rename.rs, fs_try_exists.rs
//! and fs_write.rs, every assertion kept.

use std::io::Write;

use runtime::fs;
use tempfile::tempdir;

use crate::support::run;

#[test]
fn path_read_write() {
    run(|| async {
        let temp = tempdir().unwrap();
        let dir = temp.path();
        fs::write(dir.join("bar"), b"bytes").await.unwrap();
        let out = fs::read(dir.join("bar")).await.unwrap();
        assert_eq!(out, b"bytes");
    });
}

#[test]
fn try_clone_should_preserve_max_buf_size() {
    run(|| async {
        let buf_size = 128;
        let temp = tempdir().unwrap();
        let dir = temp.path();
        let mut file = fs::File::create(dir.join("try_clone_should_preserve_max_buf_size")).await.unwrap();
        file.set_max_buf_size(buf_size);
        let cloned = file.try_clone().await.unwrap();
        assert_eq!(cloned.max_buf_size(), buf_size);
    });
}

#[test]
fn canonicalize_root_dir_unix() {
    run(|| async {
        assert_eq!(fs::canonicalize("/.").await.unwrap().to_str().unwrap(), "/");
    });
}

#[test]
fn copy() {
    run(|| async {
        let dir = tempdir().unwrap();
        let source_path = dir.path().join("foo.txt");
        let dest_path = dir.path().join("bar.txt");
        fs::write(&source_path, b"Hello File!").await.unwrap();
        fs::copy(&source_path, &dest_path).await.unwrap();
        let from = fs::read(&source_path).await.unwrap();
        let to = fs::read(&dest_path).await.unwrap();
        assert_eq!(from, to);
    });
}

#[test]
fn copy_permissions() {
    run(|| async {
        let dir = tempdir().unwrap();
        let from_path = dir.path().join("foo.txt");
        let to_path = dir.path().join("bar.txt");
        let from = fs::File::create(&from_path).await.unwrap();
        let mut from_perms = from.metadata().await.unwrap().permissions();
        from_perms.set_readonly(true);
        from.set_permissions(from_perms.clone()).await.unwrap();
        fs::copy(from_path, &to_path).await.unwrap();
        let to_perms = fs::metadata(to_path).await.unwrap().permissions();
        assert_eq!(from_perms, to_perms);
    });
}

#[test]
fn test_hard_link() {
    run(|| async {
        let dir = tempdir().unwrap();
        let src = dir.path().join("src.txt");
        let dst = dir.path().join("dst.txt");
        std::fs::File::create(&src).unwrap().write_all(b"hello").unwrap();
        fs::hard_link(&src, &dst).await.unwrap();
        std::fs::File::create(&src).unwrap().write_all(b"new-data").unwrap();
        let content = fs::read(&dst).await.unwrap();
        assert_eq!(content, b"new-data");
        // test that this is not a symlink:
        assert!(fs::read_link(&dst).await.is_err());
    });
}

#[test]
fn test_symlink() {
    run(|| async {
        let dir = tempdir().unwrap();
        let src = dir.path().join("src.txt");
        let dst = dir.path().join("dst.txt");
        std::fs::File::create(&src).unwrap().write_all(b"hello").unwrap();
        fs::symlink(&src, &dst).await.unwrap();
        std::fs::File::create(&src).unwrap().write_all(b"new-data").unwrap();
        let content = fs::read(&dst).await.unwrap();
        assert_eq!(content, b"new-data");
        let read = fs::read_link(dst.clone()).await.unwrap();
        assert!(read == src);
        let symlink_meta = fs::symlink_metadata(dst.clone()).await.unwrap();
        assert!(symlink_meta.file_type().is_symlink());
    });
}

#[test]
fn test_hard_link_error_source_not_found() {
    run(|| async {
        let dir = tempdir().unwrap();
        let src = dir.path().join("nonexistent.txt");
        let dst = dir.path().join("dst.txt");
        let err = fs::hard_link(&src, &dst).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    });
}

#[test]
fn test_hard_link_error_destination_already_exists() {
    run(|| async {
        let dir = tempdir().unwrap();
        let src = dir.path().join("src.txt");
        let dst = dir.path().join("dst.txt");
        std::fs::write(&src, b"source content").unwrap();
        std::fs::write(&dst, b"destination content").unwrap();
        let err = fs::hard_link(&src, &dst).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    });
}

#[test]
fn test_hard_link_error_source_is_directory() {
    run(|| async {
        let dir = tempdir().unwrap();
        let src_dir = dir.path().join("src_directory");
        let dst = dir.path().join("dst.txt");
        fs::create_dir(&src_dir).await.unwrap();
        let err = fs::hard_link(&src_dir, &dst).await.unwrap_err();
        assert!(err.kind() == std::io::ErrorKind::PermissionDenied || err.kind() == std::io::ErrorKind::Other);
    });
}

#[test]
fn remove_dir_all() {
    run(|| async {
        let temp_dir = tempdir().unwrap();
        let test_dir = temp_dir.path().join("test");
        fs::create_dir(&test_dir).await.unwrap();
        let file_path = test_dir.as_path().join("a.txt");
        fs::write(&file_path, b"Hello File!").await.unwrap();
        fs::remove_dir_all(test_dir.as_path()).await.unwrap();
        // tokio tolerates an error here; so do we, but the answer must not be `true`.
        if let Ok(exists) = fs::try_exists(test_dir).await {
            assert!(!exists);
        }
        if let Ok(exists) = fs::try_exists(file_path).await {
            assert!(!exists);
        }
    });
}

#[test]
fn remove_file() {
    run(|| async {
        let temp_dir = tempdir().unwrap();
        let file_path = temp_dir.path().join("a.txt");
        fs::write(&file_path, b"Hello File!").await.unwrap();
        assert!(fs::try_exists(&file_path).await.unwrap());
        fs::remove_file(&file_path).await.unwrap();
        if let Ok(exists) = fs::try_exists(file_path).await {
            assert!(!exists);
        }
    });
}

#[test]
fn rename_file() {
    run(|| async {
        let temp_dir = tempdir().unwrap();
        let file_path = temp_dir.path().join("a.txt");
        fs::write(&file_path, b"Hello File!").await.unwrap();
        assert!(fs::try_exists(&file_path).await.unwrap());
        let new_file_path = temp_dir.path().join("b.txt");
        fs::rename(&file_path, &new_file_path).await.unwrap();
        assert!(fs::try_exists(new_file_path).await.unwrap());
        if let Ok(exists) = fs::try_exists(file_path).await {
            assert!(!exists);
        }
    });
}

#[test]
fn try_exists() {
    run(|| async {
        let dir = tempdir().unwrap();
        let existing_path = dir.path().join("foo.txt");
        fs::write(&existing_path, b"Hello File!").await.unwrap();
        let nonexisting_path = dir.path().join("bar.txt");
        assert!(fs::try_exists(existing_path).await.unwrap());
        assert!(!fs::try_exists(nonexisting_path).await.unwrap());

        use std::os::unix::prelude::PermissionsExt;
        let permission_denied_directory_path = dir.path().join("baz");
        fs::create_dir(&permission_denied_directory_path).await.unwrap();
        let permission_denied_file_path = permission_denied_directory_path.join("baz.txt");
        fs::write(&permission_denied_file_path, b"Hello File!").await.unwrap();
        let mut perms = fs::metadata(&permission_denied_directory_path).await.unwrap().permissions();
        perms.set_mode(0o244);
        fs::set_permissions(&permission_denied_directory_path, perms).await.unwrap();
        let permission_denied_result = fs::try_exists(permission_denied_file_path).await;
        // tokio skips this on FreeBSD because root may always stat; so may
        // root on Linux (CAP_DAC_OVERRIDE), where these tests often run.
        if !is_root() {
            assert_eq!(permission_denied_result.err().unwrap().kind(), std::io::ErrorKind::PermissionDenied);
        }
    });
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    #[allow(unsafe_code)]
    unsafe {
        libc::geteuid() == 0
    }
}

#[test]
fn write() {
    run(|| async {
        let dir = tempdir().unwrap();
        let path = dir.path().join("test.txt");
        fs::write(&path, "Hello, World!").await.unwrap();
        let contents = fs::read_to_string(&path).await.unwrap();
        assert_eq!(contents, "Hello, World!");
    });
}
