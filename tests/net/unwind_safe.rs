//! Ported from tokio 1.54 `tests/unwindsafe.rs` (`net_types_are_unwind_safe`,
//! `unix_net_types_are_unwind_safe`), every type it lists, plus the halves
//! and the other socket types tokio's also are (compile-time checks).

use std::panic::{RefUnwindSafe, UnwindSafe};

fn is_unwind_safe<T: UnwindSafe + RefUnwindSafe>() {}

#[test]
fn net_types_are_unwind_safe() {
    is_unwind_safe::<net::TcpListener>();
    is_unwind_safe::<net::TcpSocket>();
    is_unwind_safe::<net::TcpStream>();
    is_unwind_safe::<net::UdpSocket>();
}

#[test]
fn unix_net_types_are_unwind_safe() {
    is_unwind_safe::<net::UnixDatagram>();
    is_unwind_safe::<net::UnixListener>();
    is_unwind_safe::<net::UnixStream>();
}

#[test]
fn net_halves_and_helpers_are_unwind_safe() {
    is_unwind_safe::<net::tcp::ReadHalf<'static>>();
    is_unwind_safe::<net::tcp::WriteHalf<'static>>();
    is_unwind_safe::<net::tcp::OwnedReadHalf>();
    is_unwind_safe::<net::tcp::OwnedWriteHalf>();
    is_unwind_safe::<net::tcp::ReuniteError>();
    is_unwind_safe::<net::unix::ReadHalf<'static>>();
    is_unwind_safe::<net::unix::WriteHalf<'static>>();
    is_unwind_safe::<net::unix::OwnedReadHalf>();
    is_unwind_safe::<net::unix::OwnedWriteHalf>();
    is_unwind_safe::<net::unix::ReuniteError>();
    is_unwind_safe::<net::UnixSocket>();
    is_unwind_safe::<net::TcpIncoming<'static>>();
    is_unwind_safe::<net::UnixIncoming<'static>>();
}
