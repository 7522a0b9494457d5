//! Whole-file reads and writes: [`read`] and [`read_to_string`] read in
//! jobs of at most [`DEFAULT_MAX_BUF_SIZE`]; [`write`] and [`copy`] are one
//! job each, as tokio's.

use std::fs::File as StdFile;
use std::io::{self, Read};
use std::path::Path;

use super::{on_path, on_paths, with_path};
use crate::io::blocking::DEFAULT_MAX_BUF_SIZE;

/// Reads a whole file into a vector (what `std::fs::read` returns).
///
/// The file is opened in one blocking job and read in jobs of at most
/// 2 MiB, so a large file shares the blocking pool with other work instead
/// of holding one thread from its first byte to its last. The vector is
/// sized from the file's length once and passed from job to job.
///
/// ```
/// # let path = std::env::temp_dir().join(format!("runtime-doc-read-{}", std::process::id()));
/// runtime::block_on(async {
///     runtime::fs::write(&path, b"bytes").await?;
///     assert_eq!(runtime::fs::read(&path).await?, b"bytes");
///     runtime::fs::remove_file(&path).await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref();
    let (mut file, len) = on_path(path, |path| {
        let file = StdFile::open(path)?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok((file, len))
    })
    .await?;
    let mut bytes = Vec::new();
    // The length is a hint (the file may change); one more byte lets the
    // end be seen without growing the vector.
    bytes.try_reserve_exact(usize::try_from(len).unwrap_or(0).saturating_add(1)).map_err(io::Error::other)?;
    loop {
        let (back, more, result) = crate::spawn_blocking(move || {
            let result = read_chunk(&mut file, &mut bytes);
            (file, bytes, result)
        })
        .await?;
        (file, bytes) = (back, more);
        match result {
            Ok(n) if n < DEFAULT_MAX_BUF_SIZE => return Ok(bytes),
            Ok(_) => {}
            Err(e) => return Err(with_path(e, path)),
        }
    }
}

/// Appends up to `DEFAULT_MAX_BUF_SIZE` bytes of `file` to `bytes`; fewer
/// means the end of the file was reached.
fn read_chunk(file: &mut StdFile, bytes: &mut Vec<u8>) -> io::Result<usize> {
    Read::take(file, DEFAULT_MAX_BUF_SIZE as u64).read_to_end(bytes)
}

/// Reads a whole file into a string; invalid UTF-8 is an `InvalidData`
/// error, as with `std::fs::read_to_string`.
///
/// ```
/// # let path = std::env::temp_dir().join(format!("runtime-doc-readstr-{}", std::process::id()));
/// runtime::block_on(async {
///     runtime::fs::write(&path, "text").await?;
///     assert_eq!(runtime::fs::read_to_string(&path).await?, "text");
///     runtime::fs::remove_file(&path).await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref();
    let bytes = read(path).await?;
    String::from_utf8(bytes).map_err(|_| {
        let e = io::Error::new(io::ErrorKind::InvalidData, "stream did not contain valid UTF-8");
        with_path(e, path)
    })
}

/// Creates or truncates a file and writes `contents` to it, in one blocking
/// job (`std::fs::write`). The bytes are copied first, as tokio does.
///
/// ```
/// # let path = std::env::temp_dir().join(format!("runtime-doc-write-{}", std::process::id()));
/// runtime::block_on(async {
///     runtime::fs::write(&path, "Hello, World!").await?;
///     assert_eq!(runtime::fs::read_to_string(&path).await?, "Hello, World!");
///     runtime::fs::remove_file(&path).await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let contents = contents.as_ref().to_owned();
    on_path(path.as_ref(), move |path| std::fs::write(path, contents)).await
}

/// Copies a file's contents and permissions to another path, returning the
/// bytes copied (`std::fs::copy`).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("runtime-doc-copy-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// runtime::block_on(async {
///     runtime::fs::write(dir.join("a"), "Hello File!").await?;
///     assert_eq!(runtime::fs::copy(dir.join("a"), dir.join("b")).await?, 11);
/// #   runtime::fs::remove_dir_all(&dir).await?;
///     Ok::<_, std::io::Error>(())
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    on_paths(from.as_ref(), to.as_ref(), |from, to| std::fs::copy(from, to)).await
}
