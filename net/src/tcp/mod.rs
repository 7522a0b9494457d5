//! TCP: [`TcpSocket`] (options before connecting or listening),
//! [`TcpListener`], [`TcpStream`] and the stream's halves.

mod listener;
mod socket;
mod split;
mod stream;

pub use listener::TcpListener;
pub use socket::TcpSocket;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use stream::TcpStream;
