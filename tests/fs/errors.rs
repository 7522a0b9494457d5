//! Errors name the path (tokio's and std's do not: a deliberate
//! difference, in docs/FROM_TOKIO.md) and keep the OS error's kind and,
//! as their source, the OS error itself.

use std::io::ErrorKind;

use runtime::fs;
use tempfile::tempdir;

use crate::support::run;

/// The OS error under a path-naming error.
fn os_error(err: &std::io::Error) -> Option<i32> {
    err.get_ref()?.source()?.downcast_ref::<std::io::Error>()?.raw_os_error()
}

#[test]
fn read_of_a_missing_file_names_it() {
    run(|| async {
        let dir = tempdir().unwrap();
        let path = dir.path().join("missing.txt");
        let err = fs::read(&path).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert!(err.to_string().starts_with(&format!("{}: ", path.display())), "{err}");
        assert_eq!(os_error(&err), Some(libc::ENOENT));
    });
}

#[test]
fn every_free_function_names_the_path() {
    run(|| async {
        let dir = tempdir().unwrap();
        let missing = dir.path().join("missing");
        let name = missing.display().to_string();
        let errors = [
            fs::File::open(&missing).await.unwrap_err(),
            fs::read_to_string(&missing).await.unwrap_err(),
            fs::read_dir(&missing).await.unwrap_err(),
            fs::metadata(&missing).await.unwrap_err(),
            fs::symlink_metadata(&missing).await.unwrap_err(),
            fs::canonicalize(&missing).await.unwrap_err(),
            fs::read_link(&missing).await.unwrap_err(),
            fs::remove_file(&missing).await.unwrap_err(),
            fs::remove_dir(&missing).await.unwrap_err(),
            fs::remove_dir_all(&missing).await.unwrap_err(),
            fs::create_dir(missing.join("a")).await.unwrap_err(),
            fs::write(missing.join("a"), b"x").await.unwrap_err(),
            fs::DirBuilder::new().create(missing.join("a")).await.unwrap_err(),
            fs::OpenOptions::new().read(true).open(&missing).await.unwrap_err(),
        ];
        for err in errors {
            assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
            assert!(err.to_string().contains(&name), "{err}");
            assert_eq!(os_error(&err), Some(libc::ENOENT), "{err}");
        }
    });
}

#[test]
fn two_path_errors_name_both() {
    run(|| async {
        let dir = tempdir().unwrap();
        let (from, to) = (dir.path().join("from"), dir.path().join("to"));
        for err in [
            fs::rename(&from, &to).await.unwrap_err(),
            fs::copy(&from, &to).await.unwrap_err(),
            fs::hard_link(&from, &to).await.unwrap_err(),
        ] {
            assert_eq!(err.kind(), ErrorKind::NotFound);
            assert_eq!(err.to_string().find(&from.display().to_string()), Some(0), "{err}");
            assert!(err.to_string().contains(&format!(" -> {}: ", to.display())), "{err}");
        }
        fs::write(&to, b"x").await.unwrap();
        let err = fs::symlink(&from, &to).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        assert!(err.to_string().contains(&to.display().to_string()), "{err}");
    });
}

#[test]
fn invalid_utf8_is_invalid_data_naming_the_path() {
    run(|| async {
        let dir = tempdir().unwrap();
        let path = dir.path().join("latin1.txt");
        fs::write(&path, [0xff, 0xfe]).await.unwrap();
        let err = fs::read_to_string(&path).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        assert!(err.to_string().contains(&path.display().to_string()), "{err}");
    });
}

#[test]
fn create_new_on_an_existing_file_is_already_exists() {
    run(|| async {
        let dir = tempdir().unwrap();
        let path = dir.path().join("there");
        fs::write(&path, b"x").await.unwrap();
        let err = fs::File::create_new(&path).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        assert!(err.to_string().contains("there"), "{err}");
    });
}
