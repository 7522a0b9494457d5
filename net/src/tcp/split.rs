//! The halves of a `TcpStream` (see `halves.rs`, which defines them for
//! every stream type).

crate::halves::stream_halves!(TcpStream, std::net::TcpStream, std::net::SocketAddr);

/// `peek` exists for TCP only (std has no stable `UnixStream::peek`).
macro_rules! peek {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Reads without taking the data. See [`TcpStream::peek`].
            pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.stream.peek(buf).await
            }

            /// The poll form of `peek`. See [`TcpStream::poll_peek`].
            pub fn poll_peek(
                &mut self,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<io::Result<usize>> {
                self.stream.poll_peek(cx, buf)
            }
        }
    )*};
}

peek!(ReadHalf<'_>, OwnedReadHalf);
