//! `Command::pre_exec`, the one `unsafe` method of the builder.

use std::io;

use super::Command;

impl Command {
    /// Runs `f` in the child after `fork` and before `exec`, as std's
    /// `CommandExt::pre_exec`.
    ///
    /// # Safety
    /// As std's: `f` runs in a copy of the process with one thread, where
    /// only async-signal-safe operations are sound (no allocation, no locks
    /// another thread may have held).
    pub unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // SAFETY: the caller upholds `CommandExt::pre_exec`'s contract,
        // which this method's contract repeats.
        unsafe { std::os::unix::process::CommandExt::pre_exec(self.as_std_mut(), f) };
        self
    }
}
