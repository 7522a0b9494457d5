//! I/O on the reactor: [`AsyncFd`] registers any nonblocking fd.

mod async_fd;

pub use async_fd::AsyncFd;
