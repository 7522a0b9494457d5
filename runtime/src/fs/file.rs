//! [`File`]: an open file whose reads, writes and seeks run on the blocking
//! pool (the futures-io impls are in `file_io.rs`).

use std::fmt;
use std::fs::{Metadata, Permissions};
use std::io::{self, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use super::file_io::{Inner, Operation, State};
use super::{asyncify, OpenOptions};
use crate::io::blocking::DEFAULT_MAX_BUF_SIZE;
use crate::sync::Mutex;

type StdFile = std::fs::File;

/// An open file (tokio's `fs::File`), read and written through the
/// futures-io `AsyncRead`, `AsyncWrite` and `AsyncSeek` traits.
///
/// At most one operation is in flight, on the blocking pool. A write copies
/// up to [`max_buf_size`](File::max_buf_size) bytes and returns at once;
/// the bytes reach the file in the background, and `flush` (or `close`)
/// waits for them and reports their error. A `File` dropped with a write in
/// flight still completes it, but the error is lost: flush first. A read
/// asks for at most `max_buf_size` bytes (2 MiB by default), so a large
/// file is read in as many jobs. A read future dropped mid-way loses
/// nothing: its bytes wait for the next read.
///
/// ```
/// # let path = std::env::temp_dir().join(format!("runtime-doc-file-{}", std::process::id()));
/// use futures::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
/// use runtime::fs::File;
/// use std::io::SeekFrom;
///
/// runtime::block_on(async {
///     let mut file = File::create_new(&path).await?;
///     file.write_all(b"hello world").await?;
///     file.seek(SeekFrom::Start(6)).await?;
///     let mut word = String::new();
///     file.read_to_string(&mut word).await?;
///     assert_eq!(word, "world");
///     runtime::fs::remove_file(&path).await
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub struct File {
    pub(super) std: Arc<StdFile>,
    pub(super) inner: Mutex<Inner>,
    pub(super) max_buf_size: usize,
}

impl File {
    /// Opens a file for reading; the error names the path.
    ///
    /// ```
    /// runtime::block_on(async {
    ///     let err = runtime::fs::File::open("/no/such/file").await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    ///     assert!(err.to_string().starts_with("/no/such/file: "));
    /// });
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).open(path).await
    }

    /// Opens a file for writing, creating it or cutting it to length 0.
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("runtime-doc-create-{}", std::process::id()));
    /// runtime::block_on(async {
    ///     let file = runtime::fs::File::create(&path).await?;
    ///     assert_eq!(file.metadata().await?.len(), 0);
    ///     runtime::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().write(true).create(true).truncate(true).open(path).await
    }

    /// Creates a file that must not exist yet, open for reading and writing.
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("runtime-doc-createnew-{}", std::process::id()));
    /// runtime::block_on(async {
    ///     let _file = runtime::fs::File::create_new(&path).await?;
    ///     let again = runtime::fs::File::create_new(&path).await.unwrap_err();
    ///     assert_eq!(again.kind(), std::io::ErrorKind::AlreadyExists);
    ///     runtime::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub async fn create_new(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).write(true).create_new(true).open(path).await
    }

    /// A new [`OpenOptions`], as `OpenOptions::new()`.
    ///
    /// ```
    /// runtime::block_on(async {
    ///     let file = runtime::fs::File::options().read(true).open("/").await?;
    ///     assert!(file.metadata().await?.is_dir());
    ///     Ok::<_, std::io::Error>(())
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    #[must_use]
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps an open std file (the cursor is the std file's).
    ///
    /// ```
    /// let file = runtime::fs::File::from_std(std::fs::File::open("/")?);
    /// assert_eq!(file.max_buf_size(), 2 * 1024 * 1024);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn from_std(std: StdFile) -> File {
        File { std: Arc::new(std), inner: Mutex::new(Inner::new()), max_buf_size: DEFAULT_MAX_BUF_SIZE }
    }

    /// Waits for the operation in flight, then `fsync`s data and metadata.
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("runtime-doc-sync-{}", std::process::id()));
    /// use futures::AsyncWriteExt;
    ///
    /// runtime::block_on(async {
    ///     let mut file = runtime::fs::File::create(&path).await?;
    ///     file.write_all(b"durable").await?;
    ///     file.sync_all().await?;
    ///     runtime::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub async fn sync_all(&self) -> io::Result<()> {
        self.inner.lock().await.complete_inflight().await;
        let std = self.std.clone();
        asyncify(move || std.sync_all()).await
    }

    /// Waits for the operation in flight, then `fdatasync`s the data.
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("runtime-doc-syncdata-{}", std::process::id()));
    /// runtime::block_on(async {
    ///     let file = runtime::fs::File::create(&path).await?;
    ///     file.sync_data().await?;
    ///     runtime::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub async fn sync_data(&self) -> io::Result<()> {
        self.inner.lock().await.complete_inflight().await;
        let std = self.std.clone();
        asyncify(move || std.sync_data()).await
    }

    /// Waits for the operation in flight, then cuts or extends the file to
    /// `size` bytes. The cursor does not move (bytes read ahead are given
    /// back first).
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("runtime-doc-setlen-{}", std::process::id()));
    /// runtime::block_on(async {
    ///     let file = runtime::fs::File::create(&path).await?;
    ///     file.set_len(10).await?;
    ///     assert_eq!(file.metadata().await?.len(), 10);
    ///     runtime::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.complete_inflight().await;
        let back = inner.idle_buf().map_or(0, |buf| buf.discard_read());
        inner.start(&self.std, move |_, mut std| {
            let pos = std.seek(SeekFrom::Current(back));
            Operation::Seek(pos.and_then(|pos| std.set_len(size).map(|()| pos)))
        });
        std::future::poll_fn(|cx| inner.poll_flush_seek(cx)).await
    }

    /// The file's metadata (`fstat`).
    ///
    /// ```
    /// runtime::block_on(async {
    ///     let file = runtime::fs::File::open("/").await?;
    ///     assert!(file.metadata().await?.is_dir());
    ///     Ok::<_, std::io::Error>(())
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// A second `File` on the same open file (a `dup`), after the operation
    /// in flight; it keeps this one's max buffer size.
    ///
    /// ```
    /// runtime::block_on(async {
    ///     let file = runtime::fs::File::open("/").await?;
    ///     let clone = file.try_clone().await?;
    ///     assert!(clone.metadata().await?.is_dir());
    ///     Ok::<_, std::io::Error>(())
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub async fn try_clone(&self) -> io::Result<File> {
        self.inner.lock().await.complete_inflight().await;
        let std = self.std.clone();
        let mut file = File::from_std(asyncify(move || std.try_clone()).await?);
        file.max_buf_size = self.max_buf_size;
        Ok(file)
    }

    /// The std file, after the operation in flight completes. Bytes read
    /// ahead are lost, as with tokio's (seek to put the cursor back).
    ///
    /// ```
    /// runtime::block_on(async {
    ///     let std: std::fs::File = runtime::fs::File::open("/").await?.into_std().await;
    ///     assert!(std.metadata()?.is_dir());
    ///     Ok::<_, std::io::Error>(())
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub async fn into_std(mut self) -> StdFile {
        self.inner.get_mut().complete_inflight().await;
        // The only other owner was the job just collected, which dropped
        // its clone before handing back its result.
        Arc::try_unwrap(self.std).expect("no blocking job owns the file once the one in flight is collected")
    }

    /// The std file, if no operation is in flight; else `self` back.
    ///
    /// ```
    /// runtime::block_on(async {
    ///     let file = runtime::fs::File::open("/").await?;
    ///     assert!(file.try_into_std().is_ok());
    ///     Ok::<_, std::io::Error>(())
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    #[allow(clippy::result_large_err)]
    pub fn try_into_std(mut self) -> Result<StdFile, Self> {
        match Arc::try_unwrap(self.std) {
            Ok(std) => Ok(std),
            Err(std) => {
                self.std = std;
                Err(self)
            }
        }
    }

    /// Sets the file's permissions (`fchmod`).
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("runtime-doc-fperms-{}", std::process::id()));
    /// runtime::block_on(async {
    ///     let file = runtime::fs::File::create(&path).await?;
    ///     let mut perms = file.metadata().await?.permissions();
    ///     perms.set_readonly(true);
    ///     file.set_permissions(perms).await?;
    ///     assert!(file.metadata().await?.permissions().readonly());
    ///     runtime::fs::remove_file(&path).await
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub async fn set_permissions(&self, perm: Permissions) -> io::Result<()> {
        let std = self.std.clone();
        asyncify(move || std.set_permissions(perm)).await
    }

    /// The most bytes one read or write job moves (2 MiB by default).
    ///
    /// # Panics
    /// If `max_buf_size` is 0.
    ///
    /// ```
    /// let mut file = runtime::fs::File::from_std(std::fs::File::open("/")?);
    /// file.set_max_buf_size(64 * 1024);
    /// assert_eq!(file.max_buf_size(), 64 * 1024);
    /// # Ok::<_, std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        self.max_buf_size = max_buf_size;
    }

    /// The most bytes one read or write job moves.
    pub fn max_buf_size(&self) -> usize {
        self.max_buf_size
    }
}

impl Inner {
    /// Collects `set_len`'s job, keeping a write error for later.
    fn poll_flush_seek(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<io::Result<()>> {
        let State::Busy(_) = &self.state else { return std::task::Poll::Ready(Ok(())) };
        self.poll_op(cx).map(|op| match op? {
            Some(Operation::Seek(result)) => result.map(drop),
            _ => Ok(()),
        })
    }
}

impl From<StdFile> for File {
    fn from(std: StdFile) -> Self {
        File::from_std(std)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("runtime::fs::File").field("std", &self.std).finish()
    }
}

#[cfg(unix)]
mod unix {
    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};

    use super::File;

    impl From<OwnedFd> for File {
        fn from(fd: OwnedFd) -> Self {
            File::from_std(fd.into())
        }
    }

    impl AsRawFd for File {
        fn as_raw_fd(&self) -> RawFd {
            self.std.as_raw_fd()
        }
    }

    impl AsFd for File {
        fn as_fd(&self) -> BorrowedFd<'_> {
            self.std.as_fd()
        }
    }
}
