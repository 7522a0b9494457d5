//! [`OpenOptions`]: `std::fs::OpenOptions` with an async `open`.

use std::io;
use std::path::Path;

use super::{on_path, File};

/// How to open a file: std's builder, whose [`open`](OpenOptions::open) runs
/// on the blocking pool and returns a [`File`] (tokio's `OpenOptions`).
///
/// ```
/// # let path = std::env::temp_dir().join(format!("runtime-doc-openopts-{}", std::process::id()));
/// use futures::AsyncWriteExt;
/// use runtime::fs::OpenOptions;
///
/// runtime::block_on(async {
///     let mut file = OpenOptions::new().create(true).append(true).open(&path).await?;
///     file.write_all(b"line\n").await?;
///     file.flush().await?;
///     runtime::fs::remove_file(&path).await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions(std::fs::OpenOptions);

impl OpenOptions {
    /// All options off (std's `OpenOptions::new`).
    pub fn new() -> OpenOptions {
        OpenOptions(std::fs::OpenOptions::new())
    }

    /// Open for reading.
    ///
    /// ```
    /// let mut options = runtime::fs::OpenOptions::new();
    /// options.read(true);
    /// assert!(format!("{options:?}").contains("read: true"));
    /// ```
    pub fn read(&mut self, read: bool) -> &mut Self {
        self.0.read(read);
        self
    }

    /// Open for writing.
    ///
    /// ```
    /// let mut options = runtime::fs::OpenOptions::new();
    /// options.write(true);
    /// assert!(format!("{options:?}").contains("write: true"));
    /// ```
    pub fn write(&mut self, write: bool) -> &mut Self {
        self.0.write(write);
        self
    }

    /// Every write goes to the end of the file.
    ///
    /// ```
    /// let mut options = runtime::fs::OpenOptions::new();
    /// options.append(true);
    /// assert!(format!("{options:?}").contains("append: true"));
    /// ```
    pub fn append(&mut self, append: bool) -> &mut Self {
        self.0.append(append);
        self
    }

    /// Cut an existing file to length 0 (needs `write`).
    ///
    /// ```
    /// let mut options = runtime::fs::OpenOptions::new();
    /// options.write(true).truncate(true);
    /// assert!(format!("{options:?}").contains("truncate: true"));
    /// ```
    pub fn truncate(&mut self, truncate: bool) -> &mut Self {
        self.0.truncate(truncate);
        self
    }

    /// Create the file if it is missing (needs `write` or `append`).
    ///
    /// ```
    /// let mut options = runtime::fs::OpenOptions::new();
    /// options.write(true).create(true);
    /// assert!(format!("{options:?}").contains("create: true"));
    /// ```
    pub fn create(&mut self, create: bool) -> &mut Self {
        self.0.create(create);
        self
    }

    /// Create the file, failing with `AlreadyExists` if it exists.
    ///
    /// ```
    /// let mut options = runtime::fs::OpenOptions::new();
    /// options.write(true).create_new(true);
    /// assert!(format!("{options:?}").contains("create_new: true"));
    /// ```
    pub fn create_new(&mut self, create_new: bool) -> &mut Self {
        self.0.create_new(create_new);
        self
    }

    /// The permission bits of a file created, before the umask.
    ///
    /// ```
    /// let mut options = runtime::fs::OpenOptions::new();
    /// options.write(true).create(true).mode(0o600);
    /// let shown = format!("{options:?}");
    /// assert!(shown.contains("mode: 384") || shown.contains("mode: 0o000600"), "{shown}");
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut Self {
        std::os::unix::fs::OpenOptionsExt::mode(&mut self.0, mode);
        self
    }

    /// Extra `open(2)` flags (`libc::O_*`), or-ed in.
    ///
    /// ```
    /// let mut options = runtime::fs::OpenOptions::new();
    /// options.read(true).custom_flags(0x0100_0000 /* an example bit */);
    /// assert!(format!("{options:?}").contains("custom_flags: 16777216"));
    /// ```
    #[cfg(unix)]
    pub fn custom_flags(&mut self, flags: i32) -> &mut Self {
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut self.0, flags);
        self
    }

    /// Opens `path` on the blocking pool; the error names the path.
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let options = self.0.clone();
        let std = on_path(path.as_ref(), move |path| options.open(path)).await?;
        Ok(File::from_std(std))
    }
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions::new()
    }
}

impl From<std::fs::OpenOptions> for OpenOptions {
    fn from(options: std::fs::OpenOptions) -> Self {
        OpenOptions(options)
    }
}
