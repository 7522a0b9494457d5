//! [`Child`]: a spawned process, its exit awaited on the runtime.

use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::process::{ExitStatus, Output};
use std::task::Poll;

use super::exit::ExitWatch;
use super::orphan;
use super::stdio::{poll_read_to_end, ChildStderr, ChildStdin, ChildStdout};

/// A child process spawned by [`Command::spawn`](super::Command::spawn),
/// tokio's `Child`.
///
/// Dropping a `Child` neither waits for it nor kills it (unless
/// [`kill_on_drop`](super::Command::kill_on_drop) was set), as with std;
/// it does not become a zombie either: the runtime reaps it when it exits
/// (see the module docs).
///
/// It belongs to the runtime that spawned it (it is `!Send`); waited for in
/// another runtime, after the first one has gone, it registers there.
pub struct Child {
    state: State,
    /// The parent's end of the child's stdin, if piped. [`wait`](Child::wait)
    /// closes it first.
    pub stdin: Option<ChildStdin>,
    /// The parent's end of the child's stdout, if piped.
    pub stdout: Option<ChildStdout>,
    /// The parent's end of the child's stderr, if piped.
    pub stderr: Option<ChildStderr>,
}

enum State {
    Running {
        child: std::process::Child,
        watch: ExitWatch,
        kill_on_drop: bool,
    },
    Done(ExitStatus),
    /// Only while dropping.
    Gone,
}

impl Child {
    pub(super) fn new(child: std::process::Child, kill_on_drop: bool) -> Child {
        let watch = ExitWatch::new(child.id());
        Child { state: State::Running { child, watch, kill_on_drop }, stdin: None, stdout: None, stderr: None }
    }

    /// The child's process id, or `None` once it has been waited for (its
    /// pid may belong to another process by then).
    pub fn id(&self) -> Option<u32> {
        match &self.state {
            State::Running { child, .. } => Some(child.id()),
            _ => None,
        }
    }

    /// Waits for the child to exit and returns its status; later calls
    /// return the same status at once.
    ///
    /// Closes [`stdin`](Child::stdin) first, so a child reading its input
    /// to the end does not wait for the parent that waits for it.
    ///
    /// Cancel safe: dropping the future before it completes loses nothing.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// runtime::block_on(async {
    ///     let mut child = Command::new("sh").args(["-c", "exit 3"]).spawn()?;
    ///     assert_eq!(child.wait().await?.code(), Some(3));
    ///     assert_eq!(child.id(), None);
    ///     std::io::Result::Ok(())
    /// }).unwrap();
    /// ```
    ///
    /// # Errors
    /// If `waitpid` fails, or when polled outside a runtime (where nothing
    /// would wake it).
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        poll_fn(|cx| match &mut self.state {
            State::Running { child, watch, .. } => {
                let status = std::task::ready!(watch.poll_exit(child, cx))?;
                self.state = State::Done(status);
                Poll::Ready(Ok(status))
            }
            State::Done(status) => Poll::Ready(Ok(*status)),
            State::Gone => Poll::Ready(Err(io::Error::other("the child is being dropped"))),
        })
        .await
    }

    /// Reaps the child if it has exited (`Some(status)`), without waiting;
    /// `None` while it runs.
    ///
    /// # Errors
    /// If `waitpid` fails.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        match &mut self.state {
            State::Running { child, .. } => {
                let status = child.try_wait()?;
                if let Some(status) = status {
                    self.state = State::Done(status);
                }
                Ok(status)
            }
            State::Done(status) => Ok(Some(*status)),
            State::Gone => Ok(None),
        }
    }

    /// Sends SIGKILL to the child without waiting for it. Once the child
    /// has been waited for, it does nothing and succeeds.
    ///
    /// # Errors
    /// If `kill(2)` fails.
    pub fn start_kill(&mut self) -> io::Result<()> {
        match &mut self.state {
            State::Running { child, .. } => child.kill(),
            _ => Ok(()),
        }
    }

    /// Sends SIGKILL to the child and waits for it to exit.
    ///
    /// ```
    /// use std::os::unix::process::ExitStatusExt;
    /// use runtime::process::Command;
    ///
    /// runtime::block_on(async {
    ///     let mut child = Command::new("sleep").arg("100").spawn()?;
    ///     child.kill().await?;
    ///     assert_eq!(child.wait().await?.signal(), Some(libc::SIGKILL));
    ///     std::io::Result::Ok(())
    /// }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`start_kill`](Child::start_kill) and [`wait`](Child::wait).
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await?;
        Ok(())
    }

    /// Waits for the child to exit while reading all of its piped stdout
    /// and stderr (empty where not piped); closes stdin first.
    ///
    /// # Errors
    /// As [`wait`](Child::wait), or if reading a pipe fails.
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        let (mut out, mut err) = (self.stdout.take(), self.stderr.take());
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut status = None;
        let wait = self.wait();
        let mut wait = std::pin::pin!(wait);
        poll_fn(|cx| {
            if status.is_none() {
                if let Poll::Ready(s) = wait.as_mut().poll(cx) {
                    status = Some(s?);
                }
            }
            let out_done = poll_read_to_end(&mut out, &mut stdout, cx)?.is_ready();
            let err_done = poll_read_to_end(&mut err, &mut stderr, cx)?.is_ready();
            if out_done && err_done && status.is_some() {
                Poll::Ready(Ok::<(), io::Error>(()))
            } else {
                Poll::Pending
            }
        })
        .await?;
        let status = status.ok_or_else(|| io::Error::other("the child's status was lost"))?;
        Ok(Output { status, stdout, stderr })
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if let State::Running { mut child, watch, kill_on_drop } = std::mem::replace(&mut self.state, State::Gone) {
            if kill_on_drop {
                let _ = child.kill();
            }
            orphan::adopt(child, watch);
        }
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Child");
        match &self.state {
            State::Running { child, .. } => d.field("id", &child.id()),
            State::Done(status) => d.field("status", status),
            State::Gone => d.field("state", &"dropping"),
        };
        d.field("stdin", &self.stdin).field("stdout", &self.stdout).field("stderr", &self.stderr).finish()
    }
}
