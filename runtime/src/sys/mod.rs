//! The C library's declarations, under one name on every target:
//! `sys::libc`. Every file that calls the C library writes
//! `use crate::sys::libc;` and then `libc::X`, as it would with the `libc`
//! crate.
//!
//! - On Linux x86_64 and aarch64 (glibc and musl), `libc` is this crate's
//!   own module, `linux/`: only the types, constants, structs and functions
//!   the runtime and `net` use, with the C layouts of both architectures.
//!   The `libc` crate is not a dependency there: it is the longest step of a
//!   clean build before this crate can start compiling (issue 20).
//! - Everywhere else (the BSDs, macOS, other Linux architectures) `libc` is
//!   the `libc` crate itself, as before.
//!
//! `net` reaches the same module through `runtime::__libc` (hidden, not a
//! public API). `tests/` checks every declaration of `linux/` against the
//! `libc` crate (a dev-dependency): layouts, values and function types.

#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
pub mod linux;
#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
pub use self::linux as libc;
#[cfg(not(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64"))))]
pub use ::libc;

#[cfg(all(test, target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
mod tests;
