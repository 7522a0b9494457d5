//! [`Command`]: std's builder, plus `kill_on_drop`, spawning onto the runtime.

use std::ffi::OsStr;
use std::future::Future;
use std::io;
use std::path::Path;
use std::process::{Command as StdCommand, CommandArgs, CommandEnvs, ExitStatus, Output, Stdio};

use super::child::Child;
use super::orphan;
use super::stdio::{ChildStderr, ChildStdin, ChildStdout};
use crate::context;

/// A process builder: std's [`std::process::Command`] with tokio's
/// additions, whose [`spawn`](Command::spawn), [`status`](Command::status)
/// and [`output`](Command::output) wait on the runtime.
///
/// ```
/// use runtime::process::Command;
///
/// runtime::block_on(async {
///     let out = Command::new("echo").arg("hello").output().await?;
///     assert!(out.status.success());
///     assert_eq!(out.stdout, b"hello\n");
///     std::io::Result::Ok(())
/// }).unwrap();
/// ```
#[derive(Debug)]
pub struct Command {
    std: StdCommand,
    kill_on_drop: bool,
}

impl Command {
    /// A command for `program`, found on `PATH` unless it names a path,
    /// with std's defaults (inherited environment, directory and stdio).
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command::from(StdCommand::new(program))
    }

    /// The std command underneath.
    pub fn as_std(&self) -> &StdCommand {
        &self.std
    }

    /// The std command underneath, mutably.
    pub fn as_std_mut(&mut self) -> &mut StdCommand {
        &mut self.std
    }

    /// The std command (the `kill_on_drop` setting is lost).
    pub fn into_std(self) -> StdCommand {
        self.std
    }

    /// Adds one argument.
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable for the child.
    pub fn env<K, V>(&mut self, key: K, val: V) -> &mut Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.env(key, val);
        self
    }

    /// Sets environment variables for the child.
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Removes an environment variable from the child's environment.
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Clears the child's environment.
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// Sets the child's working directory.
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// Sets the child's stdin ([`Stdio::piped`] gives [`Child::stdin`](super::Child::stdin)).
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdin(cfg);
        self
    }

    /// Sets the child's stdout.
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdout(cfg);
        self
    }

    /// Sets the child's stderr.
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stderr(cfg);
        self
    }

    /// Whether a [`Child`] dropped before it exits is killed (SIGKILL). Off
    /// by default, as in std and tokio; either way the child is reaped.
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// The [`kill_on_drop`](Command::kill_on_drop) setting.
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }

    /// The program.
    pub fn get_program(&self) -> &OsStr {
        self.std.get_program()
    }

    /// The arguments (without the program).
    pub fn get_args(&self) -> CommandArgs<'_> {
        self.std.get_args()
    }

    /// The environment changes.
    pub fn get_envs(&self) -> CommandEnvs<'_> {
        self.std.get_envs()
    }

    /// The working directory, if set.
    pub fn get_current_dir(&self) -> Option<&Path> {
        self.std.get_current_dir()
    }

    /// Spawns the child and starts watching its exit with the current
    /// runtime (see the module docs). Piped stdio becomes
    /// [`ChildStdin`]/[`ChildStdout`]/[`ChildStderr`], registered with
    /// the runtime.
    ///
    /// # Errors
    /// If the program cannot be started: a missing program is `NotFound`,
    /// with its name in the message.
    ///
    /// # Panics
    /// Outside a runtime.
    #[track_caller]
    pub fn spawn(&mut self) -> io::Result<Child> {
        if !context::is_entered() {
            panic!("{}", context::NO_RUNTIME);
        }
        orphan::reap();
        let mut std_child = self.std.spawn().map_err(|e| spawn_error(e, self.std.get_program()))?;
        let (stdin, stdout, stderr) = (std_child.stdin.take(), std_child.stdout.take(), std_child.stderr.take());
        // From here the child is ours: an error below drops it (killed if
        // asked, reaped either way).
        let mut child = Child::new(std_child, self.kill_on_drop);
        child.stdin = stdin.map(ChildStdin::from_std).transpose()?;
        child.stdout = stdout.map(ChildStdout::from_std).transpose()?;
        child.stderr = stderr.map(ChildStderr::from_std).transpose()?;
        Ok(child)
    }

    /// Spawns the child with its stdio closed by the parent (any piped
    /// stream is dropped) and waits for its exit status.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// runtime::block_on(async {
    ///     let status = Command::new("true").status().await?;
    ///     assert!(status.success());
    ///     std::io::Result::Ok(())
    /// }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`spawn`](Command::spawn) and [`Child::wait`](super::Child::wait).
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> {
        let child = self.spawn();
        async {
            let mut child = child?;
            drop((child.stdin.take(), child.stdout.take(), child.stderr.take()));
            child.wait().await
        }
    }

    /// Spawns the child with stdout and stderr piped, and collects its exit
    /// status and both outputs.
    ///
    /// # Errors
    /// As [`spawn`](Command::spawn) and
    /// [`Child::wait_with_output`](super::Child::wait_with_output).
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> {
        self.std.stdout(Stdio::piped());
        self.std.stderr(Stdio::piped());
        let child = self.spawn();
        async { child?.wait_with_output().await }
    }

    /// Runs the child as user `id` (`setuid`).
    pub fn uid(&mut self, id: u32) -> &mut Command {
        std::os::unix::process::CommandExt::uid(&mut self.std, id);
        self
    }

    /// Runs the child as group `id` (`setgid`).
    pub fn gid(&mut self, id: u32) -> &mut Command {
        std::os::unix::process::CommandExt::gid(&mut self.std, id);
        self
    }

    /// Sets the child's `argv[0]`.
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        std::os::unix::process::CommandExt::arg0(&mut self.std, arg);
        self
    }

    /// Puts the child in process group `pgroup` (0: a new group led by the
    /// child).
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        std::os::unix::process::CommandExt::process_group(&mut self.std, pgroup);
        self
    }
}

impl From<StdCommand> for Command {
    fn from(std: StdCommand) -> Command {
        Command { std, kill_on_drop: false }
    }
}

/// A spawn error that names the program, keeping the kind (`NotFound`…)
/// and the OS error's text.
fn spawn_error(e: io::Error, program: &OsStr) -> io::Error {
    io::Error::new(e.kind(), format!("spawning {program:?}: {e}"))
}
