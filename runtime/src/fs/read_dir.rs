//! [`read_dir`]: a directory's entries, fetched on the blocking pool in
//! batches of [`BATCH`], one batch in flight at a time (as tokio's).

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs::{FileType, Metadata};
use std::future::{poll_fn, Future};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use super::{asyncify, on_path, with_path};
use crate::task::JoinHandle;

/// How many entries one blocking job reads.
const BATCH: usize = 32;

/// A batch of entries, the std iterator, and whether it has more.
type Batch = (VecDeque<io::Result<DirEntry>>, std::fs::ReadDir, bool);

/// Opens a directory for listing; errors (and entries' errors) name it.
///
/// ```
/// runtime::block_on(async {
///     let mut entries = runtime::fs::read_dir("/").await?;
///     let mut names = Vec::new();
///     while let Some(entry) = entries.next_entry().await? {
///         names.push(entry.file_name());
///     }
///     assert!(!names.is_empty());
///     Ok::<_, std::io::Error>(())
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref();
    let std = on_path(path, |p| std::fs::read_dir(p)).await?;
    let path: Arc<Path> = path.into();
    Ok(ReadDir { path, state: State::Idle(Some((VecDeque::new(), std, true))) })
}

/// The entries of a directory, from [`read_dir`].
///
/// Not a `Stream` (as tokio's is not); [`next_entry`](ReadDir::next_entry)
/// gives one entry at a time, `Ok(None)` at the end.
#[derive(Debug)]
pub struct ReadDir {
    path: Arc<Path>,
    state: State,
}

#[derive(Debug)]
enum State {
    /// `None` after the end was reached, or if a job panicked.
    Idle(Option<Batch>),
    Busy(JoinHandle<Batch>),
}

impl ReadDir {
    /// The next entry, `Ok(None)` after the last. Cancel safe: an entry
    /// fetched for a dropped call is kept for the next one.
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next entry: `Ready(Ok(None))` after the last.
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// runtime::block_on(async {
    ///     let mut entries = runtime::fs::read_dir("/").await?;
    ///     let first = poll_fn(|cx| entries.poll_next_entry(cx)).await?;
    ///     assert!(first.is_some());
    ///     Ok::<_, std::io::Error>(())
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.state {
                State::Idle(None) => return Poll::Ready(Ok(None)),
                State::Idle(Some((entries, _, more))) => {
                    if let Some(entry) = entries.pop_front() {
                        return Poll::Ready(entry.map(Some));
                    }
                    if !*more {
                        self.state = State::Idle(None);
                        return Poll::Ready(Ok(None));
                    }
                    let State::Idle(Some((entries, std, _))) = std::mem::replace(&mut self.state, State::Idle(None))
                    else {
                        unreachable!("matched Idle(Some) above")
                    };
                    let path = self.path.clone();
                    self.state = State::Busy(crate::spawn_blocking(move || fetch(entries, std, &path)));
                }
                State::Busy(job) => match ready!(Pin::new(job).poll(cx)) {
                    Ok(batch) => self.state = State::Idle(Some(batch)),
                    Err(e) => {
                        self.state = State::Idle(None);
                        return Poll::Ready(Err(e.into()));
                    }
                },
            }
        }
    }
}

/// Reads up to [`BATCH`] entries (on the blocking pool), with each one's
/// file type where the directory listing gives it for free.
fn fetch(mut entries: VecDeque<io::Result<DirEntry>>, mut std: std::fs::ReadDir, path: &Path) -> Batch {
    for _ in 0..BATCH {
        let Some(entry) = std.next() else { return (entries, std, false) };
        entries.push_back(
            entry
                .map(|std| DirEntry { file_type: std.file_type().ok(), std: Arc::new(std) })
                .map_err(|e| with_path(e, path)),
        );
    }
    (entries, std, true)
}

/// One entry of a directory (tokio's `DirEntry`).
///
/// ```
/// runtime::block_on(async {
///     let mut entries = runtime::fs::read_dir("/").await?;
///     let entry = entries.next_entry().await?.expect("/ is not empty");
///     assert_eq!(entry.path(), std::path::Path::new("/").join(entry.file_name()));
///     let kind = entry.file_type().await?;
///     assert_eq!(kind.is_dir(), entry.metadata().await?.is_dir());
///     Ok::<_, std::io::Error>(())
/// })?;
/// # Ok::<_, std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
    file_type: Option<FileType>,
}

impl DirEntry {
    /// The full path: the directory given to [`read_dir`] joined with
    /// [`file_name`](DirEntry::file_name).
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// The entry's name, without its directory.
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// The entry's inode number, from the directory listing.
    ///
    /// ```
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// runtime::block_on(async {
    ///     let mut entries = runtime::fs::read_dir("/").await?;
    ///     let entry = entries.next_entry().await?.expect("/ is not empty");
    ///     assert_eq!(entry.ino(), entry.metadata().await?.ino());
    ///     Ok::<_, std::io::Error>(())
    /// })?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    #[cfg(unix)]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }

    /// The entry's metadata, not following a symlink (on the blocking pool).
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata().map_err(|e| with_path(e, &std.path()))).await
    }

    /// The entry's file type, not following a symlink: from the listing
    /// when it carried one, else from the blocking pool.
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(file_type) = self.file_type {
            return Ok(file_type);
        }
        let path = self.std.path();
        on_path(&path, |path| std::fs::symlink_metadata(path).map(|m| m.file_type())).await
    }
}
