//! The halves of a `UnixStream` (see `halves.rs`, which defines them for
//! every stream type).

crate::halves::stream_halves!(UnixStream, std::os::unix::net::UnixStream, std::os::unix::net::SocketAddr);
