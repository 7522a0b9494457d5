//! [`Readiness`]: the flags a driver reports for one source.

use std::fmt;

/// A set of readiness flags, as a driver reports them for one source.
///
/// The bits of `READABLE`, `PRIORITY` and `WRITABLE` are epoll's
/// (`EPOLLIN`, `EPOLLPRI`, `EPOLLOUT`): so the epoll driver reads the
/// common event, readable and/or writable and nothing else, as it comes
/// (`epoll.rs` checks this at compile time). `ERROR` is the top bit, which
/// lets [`ready_without_error`](Self::ready_without_error) be one signed
/// comparison. Other drivers build the set from the constants.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Readiness(pub(super) u8);

impl Readiness {
    /// Data can be read (or a connection accepted).
    pub(crate) const READABLE: Readiness = Readiness(1);
    /// Urgent (out-of-band) data waits: epoll's `EPOLLPRI`, Linux only; it
    /// comes with `READABLE`.
    pub(crate) const PRIORITY: Readiness = Readiness(2);
    /// Data can be written.
    pub(crate) const WRITABLE: Readiness = Readiness(4);
    /// The peer will send nothing more: a read returns 0 or an error.
    pub(crate) const READ_CLOSED: Readiness = Readiness(8);
    /// Writing can no longer succeed: a write returns an error.
    pub(crate) const WRITE_CLOSED: Readiness = Readiness(16);
    /// The source has a pending error (`SO_ERROR`); both directions wake.
    pub(crate) const ERROR: Readiness = Readiness(0x80);
    /// Everything that lets a read make progress (and wakes its waiters).
    pub(crate) const READ_ALL: Readiness = Readiness(1 | 2 | 8 | 0x80);
    /// Everything that lets a write make progress.
    pub(crate) const WRITE_ALL: Readiness = Readiness(4 | 16 | 0x80);

    /// Whether any flag of `mask` is set, and `ERROR` is not. `mask`
    /// includes `ERROR` (both directions' masks do), so the masked flags,
    /// read as a signed byte, are positive exactly then.
    #[inline(always)]
    pub(crate) const fn ready_without_error(self, mask: Readiness) -> bool {
        debug_assert!(mask.0 & Readiness::ERROR.0 != 0);
        (self.0 & mask.0) as i8 > 0
    }

    #[inline]
    pub(crate) const fn union(self, other: Readiness) -> Readiness {
        Readiness(self.0 | other.0)
    }

    #[inline]
    pub(crate) const fn intersects(self, other: Readiness) -> bool {
        self.0 & other.0 != 0
    }

    #[inline]
    pub(crate) const fn remove(self, other: Readiness) -> Readiness {
        Readiness(self.0 & !other.0)
    }
}

impl fmt::Debug for Readiness {
    // `inline`: compiled in the crates that use it, not in every build of `runtime`.
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (Readiness::READABLE, "READABLE"),
            (Readiness::WRITABLE, "WRITABLE"),
            (Readiness::READ_CLOSED, "READ_CLOSED"),
            (Readiness::WRITE_CLOSED, "WRITE_CLOSED"),
            (Readiness::ERROR, "ERROR"),
            (Readiness::PRIORITY, "PRIORITY"),
        ];
        let set: Vec<_> = names.iter().filter(|(r, _)| self.intersects(*r)).map(|(_, name)| *name).collect();
        write!(f, "Readiness({})", set.join("|"))
    }
}
