//! The BSDs and macOS: no `sched_getaffinity` to ask, so every CPU the
//! standard library counts is allowed; pinning is not offered (macOS has no
//! hard affinity, and the BSDs' `cpuset` calls differ).

use std::io;

/// CPUs 0..n, where n is what `std::thread::available_parallelism` counts.
pub(crate) fn allowed_cpus() -> io::Result<Vec<usize>> {
    let n = std::thread::available_parallelism()
        .map_err(|e| io::Error::new(e.kind(), format!("counting the CPUs: {e}")))?;
    Ok((0..n.get()).collect())
}

/// Pinning is unsupported here.
pub(crate) fn pin_current_thread(cpu: usize) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, format!("pinning a thread to cpu {cpu} is only supported on Linux")))
}
