//! The socket types are `UnwindSafe` and `RefUnwindSafe`, as tokio's are
//! (and as `runtime::task::JoinHandle` is). The halves, incoming streams and
//! `ReuniteError` follow from these (they hold an `Rc` or a reference to the
//! socket).
//!
//! Why the compiler cannot see it: each socket holds an `AsyncFd`, which
//! holds an `Rc` of its runtime's `Scope` (`runtime/src/context/scope.rs`),
//! whose `RefCell`s (reactor, timers, run queue) are not `RefUnwindSafe`.
//!
//! Why it is sound: after a panic caught while a socket is borrowed, nothing
//! is left half-updated that a later use could observe.
//! - The socket's own state is the kernel's fd and a `Copy` token: no panic
//!   can leave either inconsistent.
//! - A socket method borrows the `Scope`'s `RefCell`s only briefly, to read or
//!   update a slot's readiness bits and wakers, and runs no user code (no
//!   closure, waker or destructor) inside the borrow. A panic there (a bug,
//!   or an allocation failure) releases the borrow as it unwinds, and every
//!   combination of readiness bits and stored wakers is a valid slot: the
//!   worst is a spurious wake, or an operation that tries the syscall,
//!   gets `WouldBlock` and waits again.
//! - The closures of `try_io`/`async_io` run outside any borrow; a panic in
//!   one leaves the readiness as it was (the next operation retries).
//! - The `Scope` is shared with every task of the runtime anyway, and the
//!   executor already goes on after catching a task's panic (see
//!   `runtime/src/task/raw.rs`): these impls claim nothing the runtime does
//!   not already rely on.

use std::panic::{RefUnwindSafe, UnwindSafe};

use crate::{TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixStream};

impl UnwindSafe for TcpListener {}
impl RefUnwindSafe for TcpListener {}
impl UnwindSafe for TcpStream {}
impl RefUnwindSafe for TcpStream {}
impl UnwindSafe for UdpSocket {}
impl RefUnwindSafe for UdpSocket {}
impl UnwindSafe for UnixDatagram {}
impl RefUnwindSafe for UnixDatagram {}
impl UnwindSafe for UnixListener {}
impl RefUnwindSafe for UnixListener {}
impl UnwindSafe for UnixStream {}
impl RefUnwindSafe for UnixStream {}
