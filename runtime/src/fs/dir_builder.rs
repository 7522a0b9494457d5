//! [`DirBuilder`]: `std::fs::DirBuilder` with an async `create`.

use std::io;
use std::path::Path;

use super::on_path;

/// Creates directories with options: `recursive`, and on Unix the `mode`
/// (tokio's `DirBuilder`).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("runtime-doc-dirbuilder-{}", std::process::id()));
/// use runtime::fs::DirBuilder;
///
/// runtime::block_on(async {
///     DirBuilder::new().recursive(true).mode(0o755).create(dir.join("a/b")).await?;
///     assert!(runtime::fs::metadata(dir.join("a/b")).await?.is_dir());
///     runtime::fs::remove_dir_all(&dir).await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct DirBuilder {
    recursive: bool,
    #[cfg(unix)]
    mode: Option<u32>,
}

impl DirBuilder {
    /// A builder that creates one directory, with the default mode.
    pub fn new() -> DirBuilder {
        DirBuilder::default()
    }

    /// Whether missing parents are created too (default `false`).
    pub fn recursive(&mut self, recursive: bool) -> &mut Self {
        self.recursive = recursive;
        self
    }

    /// The permission bits of the directories created, before the umask.
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut Self {
        self.mode = Some(mode);
        self
    }

    /// Creates the directory at `path`; the error names it.
    pub async fn create(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(self.recursive);
        #[cfg(unix)]
        if let Some(mode) = self.mode {
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
        }
        on_path(path.as_ref(), move |path| builder.create(path)).await
    }
}
