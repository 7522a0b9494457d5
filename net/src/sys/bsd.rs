//! FreeBSD, NetBSD, OpenBSD and DragonFly: the socket flags ride in
//! `socket` and `accept4` (`accept4.rs`, shared with Linux); no abstract
//! Unix socket names and `getpeereid` for credentials (`not_linux.rs`,
//! shared with macOS).

#[path = "accept4.rs"]
mod accept4;
#[path = "not_linux.rs"]
mod not_linux;
use crate::sys::libc;
pub(super) use accept4::{accept, configure, no_sigpipe, SEND_FLAGS, SOCK_FLAGS};
pub(crate) use not_linux::{abstract_addr, abstract_name, abstract_name_of, peer_cred};

/// `SO_LINGER` counts seconds here.
pub(super) const SO_LINGER: libc::c_int = libc::SO_LINGER;

/// The option `bind_reuseport` sets: the one that spreads connections over
/// the group, which on FreeBSD is `SO_REUSEPORT_LB` (plain `SO_REUSEPORT`
/// does not spread there).
#[cfg(target_os = "freebsd")]
pub(super) const REUSEPORT_SPREAD: libc::c_int = libc::SO_REUSEPORT_LB;
/// See the FreeBSD version.
#[cfg(not(target_os = "freebsd"))]
pub(super) const REUSEPORT_SPREAD: libc::c_int = libc::SO_REUSEPORT;
