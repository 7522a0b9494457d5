//! [`UCred`]: the credentials of a Unix socket's peer (tokio's
//! `net::unix::UCred`), read by [`UnixStream::peer_cred`](super::UnixStream::peer_cred).

use crate::sys::libc;

/// The user, group and (where the system says) process of the peer of a
/// Unix stream, as they were when it connected.
#[derive(Clone, Copy, Debug, Eq, Hash, PartialEq)]
pub struct UCred {
    pub(crate) uid: libc::uid_t,
    pub(crate) gid: libc::gid_t,
    pub(crate) pid: Option<libc::pid_t>,
}

impl UCred {
    /// The peer's effective user id.
    pub fn uid(&self) -> libc::uid_t {
        self.uid
    }

    /// The peer's effective group id.
    pub fn gid(&self) -> libc::gid_t {
        self.gid
    }

    /// The peer's process id: `Some` on Linux and Android, `None` where the
    /// system does not report it.
    pub fn pid(&self) -> Option<libc::pid_t> {
        self.pid
    }
}
