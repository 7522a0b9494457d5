//! Linux: which CPUs this process may run on (`sched_getaffinity`), and
//! pinning the calling thread to one of them (`sched_setaffinity`).
//!
//! The only `unsafe` of the pool: two system calls on a `cpu_set_t` that
//! lives on the stack, and the libc macros that read and set its bits.

use crate::sys::libc;
use std::io;
use std::mem;

/// The CPUs the calling thread may run on, in increasing order (at most
/// `CPU_SETSIZE`, 1024, which the fixed-size mask can describe).
pub(crate) fn allowed_cpus() -> io::Result<Vec<usize>> {
    // SAFETY: `cpu_set_t` is a plain bit array; all zeroes is the empty set.
    let mut set: libc::cpu_set_t = unsafe { mem::zeroed() };
    // SAFETY: pid 0 is the calling thread; the size is that of `set`, which
    // outlives the call and which the kernel only writes within.
    let rc = unsafe { libc::sched_getaffinity(0, mem::size_of::<libc::cpu_set_t>(), &mut set) };
    if rc != 0 {
        let error = io::Error::last_os_error();
        return Err(io::Error::new(error.kind(), format!("sched_getaffinity: {error}")));
    }
    let cpus = (0..libc::CPU_SETSIZE as usize)
        // SAFETY: `cpu` is below CPU_SETSIZE, so the macro reads inside `set`.
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
        .collect();
    Ok(cpus)
}

/// Pins the calling thread to `cpu`.
pub(crate) fn pin_current_thread(cpu: usize) -> io::Result<()> {
    if cpu >= libc::CPU_SETSIZE as usize {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("cpu {cpu} is beyond CPU_SETSIZE")));
    }
    // SAFETY: as in `allowed_cpus`, all zeroes is the empty set.
    let mut set: libc::cpu_set_t = unsafe { mem::zeroed() };
    // SAFETY: `cpu` is below CPU_SETSIZE (checked above), so the macro writes
    // inside `set`.
    unsafe { libc::CPU_SET(cpu, &mut set) };
    // SAFETY: pid 0 is the calling thread; the kernel only reads `set`, whose
    // size is passed.
    let rc = unsafe { libc::sched_setaffinity(0, mem::size_of::<libc::cpu_set_t>(), &set) };
    if rc != 0 {
        let error = io::Error::last_os_error();
        return Err(io::Error::new(error.kind(), format!("sched_setaffinity to cpu {cpu}: {error}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_cpus_are_not_empty_and_pinning_to_one_keeps_only_it() {
        let cpus = allowed_cpus().unwrap();
        assert!(!cpus.is_empty());
        let last = *cpus.last().unwrap();
        std::thread::spawn(move || {
            pin_current_thread(last).unwrap();
            assert_eq!(allowed_cpus().unwrap(), vec![last]);
        })
        .join()
        .unwrap();
        assert!(pin_current_thread(usize::MAX).is_err());
    }
}
