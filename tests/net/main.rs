//! net integration tests (issue 3): every socket type, method and fault.
//!
//! One binary, many modules (links are slow on two cores). Every test that
//! waits is bounded: it runs through `support::run` (its own thread and
//! runtime, failing after 30 s) or a `runtime::time::timeout`. Tests that
//! change process-wide state (the fd table near its limit, the `SIGPIPE`
//! disposition) re-invoke this binary to run in a child process
//! (`util::run_child`), so they cannot disturb the tests running in parallel
//! threads here.

#[path = "../support/mock_io.rs"]
mod mock_io;
#[path = "../support/mod.rs"]
mod support;
mod unwind_safe;
mod util;

mod accept_ready;
mod async_fd_ready;
mod batching;
mod bufs;
mod copy_bidirectional;
mod faults;
mod futures_io;
mod hyper;
mod hyper_pool;
mod incoming;
mod pair_ready;
mod read_drain;
mod readiness;
mod reset_errors;
mod reuseport;
mod runtime_gone;
mod shutdown_wakes;
mod tcp_listener;
mod tcp_socket;
mod tcp_split;
mod tcp_stream;
mod try_io;
mod udp;
mod udp_poll;
mod unix;
mod unix_abstract;
mod unix_surface;
mod uring_bulk_read;
mod uring_completion;
mod uring_fixed_files;
mod uring_multishot;
mod uring_send;
mod uring_send_close;
mod vectored;
mod waiters;

/// The socket types belong to their runtime's thread.
#[test]
fn net_types_are_not_send() {
    assert_not_send!(net::TcpStream);
    assert_not_send!(net::TcpListener);
    assert_not_send!(net::UdpSocket);
    assert_not_send!(net::UnixStream);
    assert_not_send!(net::UnixListener);
    assert_not_send!(net::UnixDatagram);
    assert_not_send!(net::tcp::OwnedReadHalf);
    assert_not_send!(net::tcp::OwnedWriteHalf);
}
