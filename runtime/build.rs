//! Chooses the kqueue backend and, with the test-only feature `libkqueue`,
//! links libkqueue.
//!
//! Two cfgs for `src/driver/`:
//! - `kqueue_driver`: the kqueue driver is compiled (every non-Linux target;
//!   on Linux with `kqueue-emulation` or `libkqueue`);
//! - `kqueue_ffi`: it calls the real `kqueue()`/`kevent()` (the BSDs and
//!   macOS from libc; Linux with `libkqueue`), not the emulation.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(kqueue_driver)");
    println!("cargo::rustc-check-cfg=cfg(kqueue_ffi)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=LIBKQUEUE_DIR");
    let linux = env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux");
    let emulation = env::var_os("CARGO_FEATURE_KQUEUE_EMULATION").is_some();
    let libkqueue = env::var_os("CARGO_FEATURE_LIBKQUEUE").is_some();
    if libkqueue && emulation {
        fail("the features `kqueue-emulation` and `libkqueue` exclude each other: both back the kqueue driver on Linux; pick one");
    }
    if !linux {
        println!("cargo::rustc-cfg=kqueue_driver");
        println!("cargo::rustc-cfg=kqueue_ffi");
        return;
    }
    if emulation {
        println!("cargo::rustc-cfg=kqueue_driver");
    }
    if libkqueue {
        link_libkqueue();
        println!("cargo::rustc-cfg=kqueue_driver");
        println!("cargo::rustc-cfg=kqueue_ffi");
    }
}

/// Links `$LIBKQUEUE_DIR/lib/libkqueue.a` statically, and the pthread it uses.
fn link_libkqueue() {
    let Some(dir) = env::var_os("LIBKQUEUE_DIR") else {
        fail(
            "the feature `libkqueue` needs LIBKQUEUE_DIR, an install prefix holding lib/libkqueue.a \
             (build one with ../shared/tools/build-libkqueue.sh PREFIX)",
        );
    };
    let lib = PathBuf::from(dir).join("lib");
    let archive = lib.join("libkqueue.a");
    if !archive.is_file() {
        fail(&format!(
            "the feature `libkqueue`: {} does not exist (LIBKQUEUE_DIR must be the prefix \
             ../shared/tools/build-libkqueue.sh installed into)",
            archive.display()
        ));
    }
    println!("cargo::rerun-if-changed={}", archive.display());
    println!("cargo::rustc-link-search=native={}", lib.display());
    println!("cargo::rustc-link-lib=static=kqueue");
    println!("cargo::rustc-link-lib=pthread");
}

fn fail(msg: &str) -> ! {
    eprintln!("error: {msg}");
    std::process::exit(1);
}
