//! [`Interest`]: which readiness a task waits for (tokio's type and names).
//!
//! A small `Copy` set of directions, passed to `ready(interest)` on
//! [`AsyncFd`](super::AsyncFd) and on every `net` socket type. It only picks
//! what to wait for: every source is registered with the driver for both
//! directions once, so an `Interest` never causes a system call.

use std::fmt;
use std::ops;

/// Readiness to wait for: [`READABLE`](Interest::READABLE),
/// [`WRITABLE`](Interest::WRITABLE), [`ERROR`](Interest::ERROR), or a union
/// of them (`|` or [`add`](Interest::add)).
///
/// ```
/// use runtime::io::Interest;
///
/// const BOTH: Interest = Interest::READABLE.add(Interest::WRITABLE);
/// assert_eq!(BOTH, Interest::READABLE | Interest::WRITABLE);
/// assert!(BOTH.is_readable() && BOTH.is_writable());
/// assert_eq!(BOTH.remove(Interest::READABLE), Some(Interest::WRITABLE));
/// assert_eq!(Interest::READABLE.remove(Interest::READABLE), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interest(u8);

/// Bit of [`Interest::READABLE`].
const READABLE: u8 = 1;
/// Bit of [`Interest::WRITABLE`].
const WRITABLE: u8 = 2;
/// Bit of [`Interest::ERROR`].
const ERROR: u8 = 4;
/// Bit of `Interest::PRIORITY` (Linux and Android).
const PRIORITY: u8 = 8;

impl Interest {
    /// Interest in reading: data, an end of stream, or a connection to accept.
    pub const READABLE: Interest = Interest(READABLE);
    /// Interest in writing.
    pub const WRITABLE: Interest = Interest(WRITABLE);
    /// Interest in an error condition only (`EPOLLERR`: a pending
    /// `SO_ERROR`, a message on the error queue). Errors also end a wait
    /// for [`READABLE`](Self::READABLE) or [`WRITABLE`](Self::WRITABLE).
    /// The kqueue driver has no error filter: there a socket error wakes
    /// the read and write filters, so wait for those.
    pub const ERROR: Interest = Interest(ERROR);
    /// Interest in urgent (out-of-band) data: epoll's `EPOLLPRI`, as on a
    /// TCP socket whose peer sent with `MSG_OOB`. Linux and Android only,
    /// and only with the epoll driver (kqueue has no such filter).
    ///
    /// ```
    /// use runtime::io::Interest;
    ///
    /// let interest = Interest::READABLE | Interest::PRIORITY;
    /// assert!(interest.is_priority() && interest.is_readable());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Interest = Interest(PRIORITY);

    /// Whether the set includes [`READABLE`](Self::READABLE).
    pub const fn is_readable(self) -> bool {
        self.0 & READABLE != 0
    }

    /// Whether the set includes [`WRITABLE`](Self::WRITABLE).
    pub const fn is_writable(self) -> bool {
        self.0 & WRITABLE != 0
    }

    /// Whether the set includes [`ERROR`](Self::ERROR).
    pub const fn is_error(self) -> bool {
        self.0 & ERROR != 0
    }

    /// Whether the set includes `PRIORITY` (Linux and Android).
    pub const fn is_priority(self) -> bool {
        self.0 & PRIORITY != 0
    }

    /// The union of two sets; works in `const` context.
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// `self` without `other`; `None` if nothing is left.
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        let left = self.0 & !other.0;
        (left != 0).then_some(Interest(left))
    }
}

impl ops::BitOr for Interest {
    type Output = Interest;

    fn bitor(self, other: Interest) -> Interest {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    fn bitor_assign(&mut self, other: Interest) {
        *self = self.add(other);
    }
}

impl fmt::Debug for Interest {
    // Compiled only in the crates that format one.
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written name by name: no `Vec` and `join` compiled into every build.
        let names = [(READABLE, "READABLE"), (WRITABLE, "WRITABLE"), (ERROR, "ERROR"), (PRIORITY, "PRIORITY")];
        let mut sep = "";
        for (bit, name) in names {
            if self.0 & bit != 0 {
                f.write_str(sep)?;
                f.write_str(name)?;
                sep = " | ";
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Interest;

    #[test]
    fn interest_debug_names_each_direction_joined_by_a_bar() {
        assert_eq!(format!("{:?}", Interest::READABLE), "READABLE");
        assert_eq!(format!("{:?}", Interest::READABLE | Interest::WRITABLE), "READABLE | WRITABLE");
        let all = Interest::PRIORITY | Interest::ERROR | Interest::WRITABLE | Interest::READABLE;
        assert_eq!(format!("{all:?}"), "READABLE | WRITABLE | ERROR | PRIORITY");
    }
}
