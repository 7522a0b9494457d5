//! Socket addresses: the [`ToSocketAddrs`] trait, resolution, and trying
//! each resolved address in turn.
//!
//! An IP address (a [`SocketAddr`], an `(IpAddr, u16)` pair, or a string
//! such as `"127.0.0.1:80"` or `"[::1]:80"`) is parsed on the calling thread
//! and never leaves it. A host name (`"localhost:80"`, `("example.com",
//! 443)`) is resolved with std's resolver, which blocks, so it runs on the
//! runtime's blocking pool (as [`runtime::spawn_blocking`] does), never on
//! the executor thread. A string that is neither (no `:port`, a bad port) is
//! refused at once with `InvalidInput`.
//!
//! [`try_each`] is how `connect` and `bind` use the result: the addresses
//! are tried in order, the first success wins, and if all fail the last
//! error is returned, as std does; each error names the address it is for.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Anything that names one or more socket addresses: the same things std's
/// [`std::net::ToSocketAddrs`] accepts, plus arrays of [`SocketAddr`].
///
/// Sealed: the conversion is `net`'s business (it decides what may be
/// parsed inline and what needs the blocking pool).
///
/// ```
/// # runtime::block_on(async {
/// use std::net::SocketAddr;
/// let listener = net::TcpListener::bind("127.0.0.1:0").await?;
/// let refused: SocketAddr = "127.0.0.1:1".parse().unwrap();
/// // Every address is tried in order: the refused one, then the listener.
/// let stream = net::TcpStream::connect(&[refused, listener.local_addr()?][..]).await?;
/// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub trait ToSocketAddrs: sealed::Sealed {
    #[doc(hidden)]
    fn to_resolve(&self) -> sealed::Resolve;
}

pub(crate) mod sealed {
    use std::io;
    use std::net::SocketAddr;

    pub trait Sealed {}

    /// What a [`ToSocketAddrs`](super::ToSocketAddrs) value needs.
    #[derive(Debug)]
    pub enum Resolve {
        /// One address, known already.
        One(SocketAddr),
        /// Several addresses, known already.
        List(Vec<SocketAddr>),
        /// A host name and port, for the blocking pool.
        Lookup(String, u16),
        /// A string that cannot name an address.
        Invalid(io::Error),
    }
}

use sealed::{Resolve, Sealed};

/// Resolves `addr` to its addresses, on the blocking pool if it is a name.
pub(crate) async fn resolve(addr: &(impl ToSocketAddrs + ?Sized)) -> io::Result<Vec<SocketAddr>> {
    match addr.to_resolve() {
        Resolve::One(a) => Ok(vec![a]),
        Resolve::List(list) => Ok(list),
        Resolve::Invalid(e) => Err(e),
        Resolve::Lookup(host, port) => {
            let lookup = move || -> io::Result<Vec<SocketAddr>> {
                let addrs = std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))
                    .map_err(|e| io::Error::new(e.kind(), format!("resolve {host}: {e}")))?;
                // A loop, not `collect`: `Vec`'s `FromIterator` for
                // std's lookup iterator is a monomorphised copy of its own
                // (echo: 272 bytes more).
                let mut list = Vec::new();
                for a in addrs {
                    list.push(a);
                }
                Ok(list)
            };
            // Awaited in place, with no task of its own (a task for
            // the lookup would be one more task type in every program
            // that binds or connects to a string).
            match runtime::__net::run_blocking(lookup).await {
                Ok(addrs) => addrs,
                Err(e) => Err(join_error(e.is_panic())),
            }
        }
    }
}

/// The error for a lookup that did not run to its end, as tokio words it
/// (its lookup awaits a `spawn_blocking` handle and converts the
/// `JoinError`): kind `Other`, "task panicked" or "task was cancelled" (the
/// runtime shut down before a thread took the job). Not `JoinError`'s own
/// conversion, which formats the panic's message: only the flag is needed.
#[cold]
fn join_error(panicked: bool) -> io::Error {
    io::Error::other(if panicked { "task panicked" } else { "task was cancelled" })
}

/// Runs `op` on each address of `addr` in order until one succeeds;
/// otherwise returns the last error, prefixed with `what` and the address
/// (`"connect to 127.0.0.1:1: Connection refused"`), its kind unchanged.
pub(crate) async fn try_each<T, F, Fut>(addr: &(impl ToSocketAddrs + ?Sized), what: &str, mut op: F) -> io::Result<T>
where
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let mut last = None;
    for a in resolve(addr).await? {
        match op(a).await {
            Ok(value) => return Ok(value),
            Err(e) => last = Some(io::Error::new(e.kind(), format!("{what} {a}: {e}"))),
        }
    }
    Err(last.unwrap_or_else(no_addresses))
}

/// The error for a name that resolved to nothing.
pub(crate) fn no_addresses() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "could not resolve to any addresses")
}

/// A `"host:port"` string: an IP literal inline, a name for the pool.
fn parse_str(s: &str) -> Resolve {
    if let Ok(addr) = s.parse::<SocketAddr>() {
        return Resolve::One(addr);
    }
    let invalid = |why: &str| {
        let msg = format!("invalid socket address {s:?}: {why}");
        Resolve::Invalid(io::Error::new(io::ErrorKind::InvalidInput, msg))
    };
    let Some((host, port)) = s.rsplit_once(':') else {
        return invalid("expected host:port, e.g. 127.0.0.1:8080 or localhost:8080");
    };
    match port.parse::<u16>() {
        Ok(_) if host.is_empty() => invalid("the host is empty"),
        Ok(port) => parse_host(host, port),
        Err(_) => invalid("the port is not a number from 0 to 65535"),
    }
}

/// A host and a port: an IP literal inline, a name for the pool.
fn parse_host(host: &str, port: u16) -> Resolve {
    match host.parse::<IpAddr>() {
        Ok(ip) => Resolve::One(SocketAddr::new(ip, port)),
        Err(_) => Resolve::Lookup(host.to_owned(), port),
    }
}

macro_rules! known {
    ($($ty:ty => |$v:ident| $addr:expr;)*) => {$(
        impl Sealed for $ty {}
        impl ToSocketAddrs for $ty {
            fn to_resolve(&self) -> Resolve {
                let $v = self;
                Resolve::One($addr)
            }
        }
    )*};
}

known! {
    SocketAddr => |a| *a;
    SocketAddrV4 => |a| SocketAddr::V4(*a);
    SocketAddrV6 => |a| SocketAddr::V6(*a);
    (IpAddr, u16) => |a| SocketAddr::new(a.0, a.1);
    (Ipv4Addr, u16) => |a| SocketAddr::new(a.0.into(), a.1);
    (Ipv6Addr, u16) => |a| SocketAddr::new(a.0.into(), a.1);
}

impl Sealed for [SocketAddr] {}
impl ToSocketAddrs for [SocketAddr] {
    fn to_resolve(&self) -> Resolve {
        Resolve::List(self.to_vec())
    }
}

impl<const N: usize> Sealed for [SocketAddr; N] {}
impl<const N: usize> ToSocketAddrs for [SocketAddr; N] {
    fn to_resolve(&self) -> Resolve {
        Resolve::List(self.to_vec())
    }
}

impl Sealed for str {}
impl ToSocketAddrs for str {
    fn to_resolve(&self) -> Resolve {
        parse_str(self)
    }
}

impl Sealed for String {}
impl ToSocketAddrs for String {
    fn to_resolve(&self) -> Resolve {
        parse_str(self)
    }
}

impl Sealed for (&str, u16) {}
impl ToSocketAddrs for (&str, u16) {
    fn to_resolve(&self) -> Resolve {
        parse_host(self.0, self.1)
    }
}

impl Sealed for (String, u16) {}
impl ToSocketAddrs for (String, u16) {
    fn to_resolve(&self) -> Resolve {
        parse_host(&self.0, self.1)
    }
}

impl<T: ToSocketAddrs + ?Sized> Sealed for &T {}
impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {
    fn to_resolve(&self) -> Resolve {
        (**self).to_resolve()
    }
}

/// The std form of a Unix socket name (for `connect_addr`, `send_to_addr`):
/// a filesystem path or, on Linux and Android, an abstract name, written as
/// a path whose first byte is NUL (`"\0name"`), as tokio and std's
/// `SocketAddrExt` spell it. Elsewhere a NUL anywhere in the path is refused
/// with `InvalidInput`. The OS is chosen in `sys`.
///
/// # Errors
/// `InvalidInput` if the path holds a NUL byte (other than the leading one
/// of an abstract name) or is too long; the message names the path.
pub(crate) fn unix_addr(path: &std::path::Path) -> io::Result<std::os::unix::net::SocketAddr> {
    use std::os::unix::net::SocketAddr;
    let checked = crate::sys::SockAddr::from_path(path).map(drop);
    match crate::sys::abstract_name(path) {
        Some(name) => checked.and_then(|()| crate::sys::abstract_addr(name)),
        None => checked.and_then(|()| SocketAddr::from_pathname(path)),
    }
}

#[cfg(test)]
mod tests {
    /// tokio's `impl From<JoinError> for io::Error`, which its lookup's `?` uses.
    #[test]
    fn lookup_join_error_is_worded_as_tokio_words_it() {
        let panicked = super::join_error(true);
        assert_eq!(panicked.kind(), std::io::ErrorKind::Other);
        assert_eq!(panicked.to_string(), "task panicked");
        let cancelled = super::join_error(false);
        assert_eq!(cancelled.kind(), std::io::ErrorKind::Other);
        assert_eq!(cancelled.to_string(), "task was cancelled");
    }
}
