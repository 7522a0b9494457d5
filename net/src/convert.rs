//! `TryFrom` the std socket types, as tokio has: each is the type's
//! `from_std` (which also switches the socket to nonblocking mode).
//!
//! ```
//! # runtime::block_on(async {
//! let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
//! let listener: net::TcpListener = std_listener.try_into()?;
//! assert!(listener.local_addr()?.port() > 0);
//! # std::io::Result::Ok(()) }).unwrap();
//! ```

use std::io;

macro_rules! try_from_std {
    ($($std:ty => $ty:ty),* $(,)?) => {$(
        impl TryFrom<$std> for $ty {
            type Error = io::Error;

            /// The same as `from_std`: registers the socket with the current
            /// runtime (panics outside one).
            fn try_from(socket: $std) -> io::Result<Self> {
                <$ty>::from_std(socket)
            }
        }
    )*};
}

#[cfg(feature = "tcp")]
try_from_std! {
    std::net::TcpStream => crate::TcpStream,
    std::net::TcpListener => crate::TcpListener,
}

#[cfg(feature = "udp")]
try_from_std! {
    std::net::UdpSocket => crate::UdpSocket,
}

#[cfg(feature = "unix")]
try_from_std! {
    std::os::unix::net::UnixStream => crate::UnixStream,
    std::os::unix::net::UnixListener => crate::UnixListener,
    std::os::unix::net::UnixDatagram => crate::UnixDatagram,
}
