//! The free functions on paths: each is `std::fs`'s, run on the blocking
//! pool, with errors that name the path (see the module docs).

use std::fs::{Metadata, Permissions};
use std::io;
use std::path::{Path, PathBuf};

use super::{on_path, on_paths};

/// Renames a file or directory, replacing `to` if it exists
/// (`std::fs::rename`).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("runtime-doc-rename-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// runtime::block_on(async {
///     runtime::fs::write(dir.join("a"), "x").await?;
///     runtime::fs::rename(dir.join("a"), dir.join("b")).await?;
///     assert!(runtime::fs::try_exists(dir.join("b")).await?);
/// #   runtime::fs::remove_dir_all(&dir).await?;
///     Ok::<_, std::io::Error>(())
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    on_paths(from.as_ref(), to.as_ref(), |from, to| std::fs::rename(from, to)).await
}

/// Removes a file (`std::fs::remove_file`).
///
/// ```
/// # let path = std::env::temp_dir().join(format!("runtime-doc-remove-{}", std::process::id()));
/// runtime::block_on(async {
///     runtime::fs::write(&path, "x").await?;
///     runtime::fs::remove_file(&path).await?;
///     assert!(!runtime::fs::try_exists(&path).await?);
///     Ok::<_, std::io::Error>(())
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    on_path(path.as_ref(), |p| std::fs::remove_file(p)).await
}

/// Removes an empty directory (`std::fs::remove_dir`).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("runtime-doc-rmdir-{}", std::process::id()));
/// runtime::block_on(async {
///     runtime::fs::create_dir(&dir).await?;
///     runtime::fs::remove_dir(&dir).await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    on_path(path.as_ref(), |p| std::fs::remove_dir(p)).await
}

/// Removes a directory and everything in it (`std::fs::remove_dir_all`).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("runtime-doc-rmall-{}", std::process::id()));
/// runtime::block_on(async {
///     runtime::fs::create_dir_all(dir.join("a/b")).await?;
///     runtime::fs::remove_dir_all(&dir).await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    on_path(path.as_ref(), |p| std::fs::remove_dir_all(p)).await
}

/// Creates a directory; its parent must exist (`std::fs::create_dir`).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("runtime-doc-mkdir-{}", std::process::id()));
/// runtime::block_on(async {
///     runtime::fs::create_dir(&dir).await?;
///     assert!(runtime::fs::metadata(&dir).await?.is_dir());
///     runtime::fs::remove_dir(&dir).await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    on_path(path.as_ref(), |p| std::fs::create_dir(p)).await
}

/// Creates a directory and any missing parents (`std::fs::create_dir_all`).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("runtime-doc-mkdirall-{}", std::process::id()));
/// runtime::block_on(async {
///     runtime::fs::create_dir_all(dir.join("a/b/c")).await?;
///     runtime::fs::remove_dir_all(&dir).await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    on_path(path.as_ref(), |p| std::fs::create_dir_all(p)).await
}

/// A path's metadata, following symlinks (`std::fs::metadata`).
///
/// ```
/// runtime::block_on(async {
///     assert!(runtime::fs::metadata("/").await?.is_dir());
///     Ok::<_, std::io::Error>(())
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    on_path(path.as_ref(), |p| std::fs::metadata(p)).await
}

/// A path's metadata, not following a final symlink
/// (`std::fs::symlink_metadata`).
///
/// ```
/// runtime::block_on(async {
///     assert!(runtime::fs::symlink_metadata("/").await?.is_dir());
///     Ok::<_, std::io::Error>(())
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    on_path(path.as_ref(), |p| std::fs::symlink_metadata(p)).await
}

/// The absolute path with every symlink, `.` and `..` resolved
/// (`std::fs::canonicalize`).
///
/// ```
/// runtime::block_on(async {
///     assert_eq!(runtime::fs::canonicalize("/.").await?, std::path::Path::new("/"));
///     Ok::<_, std::io::Error>(())
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    on_path(path.as_ref(), |p| std::fs::canonicalize(p)).await
}

/// Makes `dst` a new name for the file `src` (`std::fs::hard_link`).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("runtime-doc-link-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// runtime::block_on(async {
///     runtime::fs::write(dir.join("a"), "x").await?;
///     runtime::fs::hard_link(dir.join("a"), dir.join("b")).await?;
///     assert_eq!(runtime::fs::read(dir.join("b")).await?, b"x");
/// #   runtime::fs::remove_dir_all(&dir).await?;
///     Ok::<_, std::io::Error>(())
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn hard_link(src: impl AsRef<Path>, dst: impl AsRef<Path>) -> io::Result<()> {
    on_paths(src.as_ref(), dst.as_ref(), |src, dst| std::fs::hard_link(src, dst)).await
}

/// Where a symlink points (`std::fs::read_link`).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("runtime-doc-readlink-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// runtime::block_on(async {
///     runtime::fs::symlink("/", dir.join("root")).await?;
///     assert_eq!(runtime::fs::read_link(dir.join("root")).await?, std::path::Path::new("/"));
/// #   runtime::fs::remove_dir_all(&dir).await?;
///     Ok::<_, std::io::Error>(())
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    on_path(path.as_ref(), |p| std::fs::read_link(p)).await
}

/// Makes `dst` a symlink to `src` (`std::os::unix::fs::symlink`).
///
/// ```
/// # let link = std::env::temp_dir().join(format!("runtime-doc-symlink-{}", std::process::id()));
/// runtime::block_on(async {
///     runtime::fs::symlink("/", &link).await?;
///     assert!(runtime::fs::symlink_metadata(&link).await?.file_type().is_symlink());
///     runtime::fs::remove_file(&link).await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
#[cfg(unix)]
pub async fn symlink(src: impl AsRef<Path>, dst: impl AsRef<Path>) -> io::Result<()> {
    on_paths(src.as_ref(), dst.as_ref(), |src, dst| std::os::unix::fs::symlink(src, dst)).await
}

/// Sets a path's permissions (`std::fs::set_permissions`).
///
/// ```
/// # let path = std::env::temp_dir().join(format!("runtime-doc-perms-{}", std::process::id()));
/// runtime::block_on(async {
///     runtime::fs::write(&path, "x").await?;
///     let mut perms = runtime::fs::metadata(&path).await?.permissions();
///     perms.set_readonly(true);
///     runtime::fs::set_permissions(&path, perms).await?;
///     assert!(runtime::fs::metadata(&path).await?.permissions().readonly());
///     runtime::fs::remove_file(&path).await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn set_permissions(path: impl AsRef<Path>, perm: Permissions) -> io::Result<()> {
    on_path(path.as_ref(), move |path| std::fs::set_permissions(path, perm)).await
}

/// Whether the path exists: `Ok(false)` when it does not, an error when
/// that cannot be told (permission denied on a parent, say), as
/// `std::fs::exists`.
///
/// ```
/// runtime::block_on(async {
///     assert!(runtime::fs::try_exists("/").await?);
///     assert!(!runtime::fs::try_exists("/no/such/path").await?);
///     Ok::<_, std::io::Error>(())
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    on_path(path.as_ref(), |path| path.try_exists()).await
}
