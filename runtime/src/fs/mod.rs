//! Files and directories, as tokio's `fs`: each operation runs `std::fs` on
//! the blocking pool ([`spawn_blocking`](crate::spawn_blocking)) while the
//! runtime's thread serves other tasks.
//!
//! The free functions ([`read`], [`write`](fn@write), [`read_dir`], [`metadata`], …)
//! each take one blocking job, except [`read`] and [`read_to_string`], which
//! read in jobs of at most 2 MiB so a large file never holds one thread for
//! its whole length. [`File`] implements the futures-io `AsyncRead`,
//! `AsyncWrite` and `AsyncSeek` with tokio's semantics: one operation in
//! flight, writes buffered until `flush`/`close`, a dropped `File` finishing
//! its pending write.
//!
//! Unlike tokio's (and std's), the free functions' errors name the path:
//! `No such file or directory (os error 2)` reads
//! `/etc/missing: No such file or directory (os error 2)`. The kind is the
//! OS error's, and the OS error itself is the error's
//! [`source`](std::error::Error::source).
//!
//! ```
//! # let dir = std::env::temp_dir().join(format!("runtime-doc-fs-{}", std::process::id()));
//! runtime::block_on(async {
//!     runtime::fs::create_dir_all(&dir).await?;
//!     runtime::fs::write(dir.join("hello.txt"), "hello").await?;
//!     assert_eq!(runtime::fs::read_to_string(dir.join("hello.txt")).await?, "hello");
//!     let err = runtime::fs::read(dir.join("missing")).await.unwrap_err();
//!     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
//!     assert!(err.to_string().contains("missing"));
//!     runtime::fs::remove_dir_all(&dir).await
//! })?;
//! # Ok::<_, std::io::Error>(())
//! ```

mod dir_builder;
mod file;
mod file_io;
mod open_options;
mod paths;
mod read_dir;
mod read_write;

use std::error::Error;
use std::fmt;
use std::io;
use std::path::Path;

pub use dir_builder::DirBuilder;
pub use file::File;
pub use open_options::OpenOptions;
#[cfg(unix)]
pub use paths::symlink;
pub use paths::{
    canonicalize, create_dir, create_dir_all, hard_link, metadata, read_link, remove_dir, remove_dir_all, remove_file,
    rename, set_permissions, symlink_metadata, try_exists,
};
pub use read_dir::{read_dir, DirEntry, ReadDir};
pub use read_write::{copy, read, read_to_string, write};

/// Runs `f` on the blocking pool; a panic in `f` becomes an `io::Error`.
pub(crate) async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    crate::spawn_blocking(f).await.unwrap_or_else(|e| Err(e.into()))
}

/// An OS error with the path (or paths) it concerns.
#[derive(Debug)]
struct PathError {
    paths: String,
    source: io::Error,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.paths, self.source)
    }
}

impl Error for PathError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.source)
    }
}

/// `e`, of the same kind, saying which path it concerns.
pub(crate) fn with_path(e: io::Error, path: &Path) -> io::Error {
    let paths = path.display().to_string();
    io::Error::new(e.kind(), PathError { paths, source: e })
}

/// `e`, of the same kind, naming both paths of a two-path operation.
pub(crate) fn with_paths(e: io::Error, from: &Path, to: &Path) -> io::Error {
    let paths = format!("{} -> {}", from.display(), to.display());
    io::Error::new(e.kind(), PathError { paths, source: e })
}

/// Runs `op(path)` on the blocking pool; its error names the path.
async fn on_path<T, F>(path: &Path, op: F) -> io::Result<T>
where
    F: FnOnce(&Path) -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let path = path.to_owned();
    asyncify(move || op(&path).map_err(|e| with_path(e, &path))).await
}

/// Runs `op(from, to)` on the blocking pool; its error names both paths.
async fn on_paths<T, F>(from: &Path, to: &Path, op: F) -> io::Result<T>
where
    F: FnOnce(&Path, &Path) -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let (from, to) = (from.to_owned(), to.to_owned());
    asyncify(move || op(&from, &to).map_err(|e| with_paths(e, &from, &to))).await
}
