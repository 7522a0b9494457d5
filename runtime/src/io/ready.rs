//! [`Ready`]: the readiness a source was found in (tokio's type and names),
//! and its translation from the reactor's own `Readiness` flags.
//!
//! The translation is written once, here ([`Ready::from_readiness`],
//! [`wait_mask`], [`report_mask`]), so that what the reactor stores and what
//! a readiness query reports can change independently: a query reports only
//! the flags below, never anything else a slot may keep.
//!
//! | reactor `Readiness` | `Ready` |
//! |---|---|
//! | `READABLE` | `READABLE` |
//! | `WRITABLE` | `WRITABLE` |
//! | `READ_CLOSED` | `READ_CLOSED` |
//! | `WRITE_CLOSED` | `WRITE_CLOSED` |
//! | `ERROR` | `ERROR`, and `READABLE` and `WRITABLE` (an operation in either direction makes progress: it returns the error) |
//! | `PRIORITY` (epoll's `EPOLLPRI`, with `READABLE`) | `PRIORITY` |

use std::fmt;
use std::ops;

use super::Interest;
use crate::driver::Readiness;

/// A set of readiness states, as [`ready`](super::AsyncFd::ready) and the
/// `net` types' `ready(interest)` report them.
///
/// ```
/// use runtime::io::Ready;
///
/// let ready = Ready::READABLE | Ready::READ_CLOSED;
/// assert!(ready.is_readable() && ready.is_read_closed());
/// assert!(!ready.is_writable());
/// assert!(Ready::EMPTY.is_empty());
/// assert_eq!(ready - Ready::READ_CLOSED, Ready::READABLE);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ready(u8);

const READABLE: u8 = 1;
const WRITABLE: u8 = 2;
const READ_CLOSED: u8 = 4;
const WRITE_CLOSED: u8 = 8;
const ERROR: u8 = 16;
const PRIORITY: u8 = 32;

impl Ready {
    /// No readiness.
    pub const EMPTY: Ready = Ready(0);
    /// A read may make progress.
    pub const READABLE: Ready = Ready(READABLE);
    /// A write may make progress.
    pub const WRITABLE: Ready = Ready(WRITABLE);
    /// The peer sends nothing more: reads return 0 (or an error).
    pub const READ_CLOSED: Ready = Ready(READ_CLOSED);
    /// Writes can no longer succeed (the peer is gone or the write side is shut).
    pub const WRITE_CLOSED: Ready = Ready(WRITE_CLOSED);
    /// The source has an error condition.
    pub const ERROR: Ready = Ready(ERROR);
    /// Every state at once.
    pub const ALL: Ready = Ready(READABLE | WRITABLE | READ_CLOSED | WRITE_CLOSED | ERROR | PRIORITY);
    /// Urgent (out-of-band) data waits (Linux and Android, epoll driver).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Ready = Ready(PRIORITY);

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether a read may make progress: `READABLE` or `READ_CLOSED`.
    pub fn is_readable(self) -> bool {
        self.0 & (READABLE | READ_CLOSED) != 0
    }

    /// Whether a write may make progress: `WRITABLE` or `WRITE_CLOSED`.
    pub fn is_writable(self) -> bool {
        self.0 & (WRITABLE | WRITE_CLOSED) != 0
    }

    /// Whether the read direction is closed.
    pub fn is_read_closed(self) -> bool {
        self.0 & READ_CLOSED != 0
    }

    /// Whether the write direction is closed.
    pub fn is_write_closed(self) -> bool {
        self.0 & WRITE_CLOSED != 0
    }

    /// Whether the set includes `ERROR`.
    pub fn is_error(self) -> bool {
        self.0 & ERROR != 0
    }

    /// Whether the set includes `PRIORITY` (Linux and Android).
    pub fn is_priority(self) -> bool {
        self.0 & PRIORITY != 0
    }

    /// The states an interest asks about: `READABLE | READ_CLOSED` for
    /// [`Interest::READABLE`], `WRITABLE | WRITE_CLOSED` for
    /// [`Interest::WRITABLE`], `ERROR` for [`Interest::ERROR`].
    pub(crate) fn from_interest(interest: Interest) -> Ready {
        let mut ready = Ready::EMPTY;
        if interest.is_readable() {
            ready |= Ready::READABLE | Ready::READ_CLOSED;
        }
        if interest.is_writable() {
            ready |= Ready::WRITABLE | Ready::WRITE_CLOSED;
        }
        if interest.is_error() {
            ready |= Ready::ERROR;
        }
        if interest.is_priority() {
            ready |= Ready(PRIORITY);
        }
        ready
    }

    /// The reactor's flags as `Ready` (the table in the module docs).
    pub(crate) fn from_readiness(r: Readiness) -> Ready {
        let pairs = [
            (Readiness::READABLE, Ready::READABLE),
            (Readiness::WRITABLE, Ready::WRITABLE),
            (Readiness::READ_CLOSED, Ready::READ_CLOSED),
            (Readiness::WRITE_CLOSED, Ready::WRITE_CLOSED),
            (Readiness::ERROR, Ready(ERROR | READABLE | WRITABLE)),
            (Readiness::PRIORITY, Ready(PRIORITY)),
        ];
        pairs.iter().filter(|(flag, _)| r.intersects(*flag)).fold(Ready::EMPTY, |acc, (_, ready)| acc | *ready)
    }

    /// The reactor flags a guard's `clear_ready` forgets for these states:
    /// the ready bits, never the closed ones (a closed direction stays
    /// closed, as in tokio).
    pub(crate) fn to_clearable(self) -> Readiness {
        let mut r = Readiness::default();
        if self.0 & READABLE != 0 {
            r = r.union(Readiness::READABLE);
        }
        if self.0 & WRITABLE != 0 {
            r = r.union(Readiness::WRITABLE);
        }
        if self.0 & ERROR != 0 {
            r = r.union(Readiness::ERROR);
        }
        if self.0 & PRIORITY != 0 {
            r = r.union(Readiness::PRIORITY);
        }
        r
    }
}

/// The reactor flags whose presence ends a wait for `interest`.
pub(crate) fn wait_mask(interest: Interest) -> Readiness {
    let mut mask = Readiness::default();
    if interest.is_readable() {
        mask = mask.union(Readiness::READ_ALL);
    }
    if interest.is_writable() {
        mask = mask.union(Readiness::WRITE_ALL);
    }
    if interest.is_error() {
        mask = mask.union(Readiness::ERROR);
    }
    if interest.is_priority() {
        mask = mask.union(Readiness::PRIORITY);
    }
    mask
}

/// What a query for `interest` reports when the reactor holds `r`.
pub(crate) fn report_mask(interest: Interest, r: Readiness) -> Ready {
    Ready::from_readiness(r) & Ready::from_interest(interest)
}

impl ops::BitOr for Ready {
    type Output = Ready;

    fn bitor(self, other: Ready) -> Ready {
        Ready(self.0 | other.0)
    }
}

impl ops::BitOrAssign for Ready {
    fn bitor_assign(&mut self, other: Ready) {
        self.0 |= other.0;
    }
}

impl ops::BitAnd for Ready {
    type Output = Ready;

    fn bitand(self, other: Ready) -> Ready {
        Ready(self.0 & other.0)
    }
}

impl ops::Sub for Ready {
    type Output = Ready;

    fn sub(self, other: Ready) -> Ready {
        Ready(self.0 & !other.0)
    }
}

impl fmt::Debug for Ready {
    // Compiled only in the crates that format one.
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ready")
            .field("is_readable", &self.is_readable())
            .field("is_writable", &self.is_writable())
            .field("is_read_closed", &self.is_read_closed())
            .field("is_write_closed", &self.is_write_closed())
            .field("is_error", &self.is_error())
            .field("is_priority", &self.is_priority())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_reports_only_what_the_interest_asks() {
        let r = Readiness::READABLE.union(Readiness::WRITE_CLOSED);
        assert_eq!(report_mask(Interest::READABLE, r), Ready::READABLE);
        assert_eq!(report_mask(Interest::WRITABLE, r), Ready::WRITE_CLOSED);
        let both = report_mask(Interest::READABLE | Interest::WRITABLE, r);
        assert_eq!(both, Ready::READABLE | Ready::WRITE_CLOSED);
    }

    #[test]
    fn ready_error_lets_both_directions_proceed() {
        let ready = report_mask(Interest::READABLE, Readiness::ERROR);
        assert!(ready.is_readable() && !ready.is_error());
        assert!(report_mask(Interest::ERROR, Readiness::ERROR).is_error());
    }

    #[test]
    fn ready_clear_keeps_closed_flags() {
        let clear = (Ready::READABLE | Ready::READ_CLOSED).to_clearable();
        assert!(clear.intersects(Readiness::READABLE));
        assert!(!clear.intersects(Readiness::READ_CLOSED));
    }
}
