//! The witness's lists against the sources, so that nothing escapes it:
//! every declaration in `linux/` is checked by `mod.rs`, every `libc::` name
//! the sources of `runtime` and `net` use is declared (or is one of the few
//! used only on other targets, listed here), nothing is declared that
//! nothing uses, and every file that writes `libc::` imports our module.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// `libc::` names used only on targets other than Linux (the BSDs and
/// macOS), so not declared in `linux/`.
const NOT_LINUX: &[&str] =
    &["__errno", "__error", "accept", "getpeereid", "SIGINFO", "SO_LINGER_SEC", "SO_NOSIGPIPE", "SO_REUSEPORT_LB"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_owned()
}

/// The `.rs` files under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Source lines that are code (doc comments and comments left out).
fn code(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| !l.trim_start().starts_with("//"))
}

fn ident_at(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// The names `linux/` declares, each with its declaring line.
fn declared() -> BTreeMap<String, String> {
    let mut files = Vec::new();
    rust_files(&root().join("runtime/src/sys/linux"), &mut files);
    let mut names = BTreeMap::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("read linux/");
        for line in code(&text) {
            let line = line.trim_start();
            let kinds = ["pub const ", "pub type ", "pub struct ", "pub fn ", "pub unsafe extern \"C\" fn "];
            let rest =
                kinds.iter().find_map(|k| line.strip_prefix(k)).or_else(|| line.strip_prefix("pub use core::ffi::"));
            if let Some(rest) = rest {
                names.insert(ident_at(rest).to_owned(), line.to_owned());
            }
        }
    }
    names
}

/// Every `libc::NAME` in the code of `runtime` and `net` (but `sys/`
/// itself), with the files that use it.
fn used() -> BTreeMap<String, BTreeSet<PathBuf>> {
    let mut files = Vec::new();
    rust_files(&root().join("runtime/src"), &mut files);
    rust_files(&root().join("net/src"), &mut files);
    let mut names: BTreeMap<String, BTreeSet<PathBuf>> = BTreeMap::new();
    for file in files.into_iter().filter(|f| !f.starts_with(root().join("runtime/src/sys"))) {
        let text = fs::read_to_string(&file).expect("read source");
        for line in code(&text) {
            for (i, _) in line.match_indices("libc::") {
                let before = line[..i].chars().next_back();
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    continue; // `__libc::`, not ours
                }
                let name = ident_at(&line[i + "libc::".len()..]);
                names.entry(name.to_owned()).or_default().insert(file.clone());
            }
        }
    }
    names
}

fn witnessed() -> BTreeSet<&'static str> {
    let lists = [super::CONSTS, super::POINTERS, super::TYPES, super::STRUCTS, super::FNS, super::RUST_FNS];
    lists.iter().flat_map(|l| l.iter().copied()).collect()
}

#[test]
fn every_declaration_is_witnessed() {
    let declared = declared();
    let witnessed = witnessed();
    let unchecked: Vec<_> = declared.keys().filter(|n| !witnessed.contains(n.as_str())).collect();
    assert!(unchecked.is_empty(), "declared in linux/ but not checked in sys/tests/mod.rs: {unchecked:?}");
    let stale: Vec<_> = witnessed.iter().filter(|n| !declared.contains_key(**n)).collect();
    assert!(stale.is_empty(), "checked in sys/tests/mod.rs but not declared in linux/: {stale:?}");
}

#[test]
fn every_libc_name_used_is_declared() {
    let declared = declared();
    let missing: Vec<_> =
        used().into_iter().filter(|(n, _)| !declared.contains_key(n) && !NOT_LINUX.contains(&n.as_str())).collect();
    assert!(missing.is_empty(), "used as libc::X but not declared in linux/ (nor in NOT_LINUX): {missing:?}");
    let used = used();
    for name in NOT_LINUX {
        assert!(!declared.contains_key(*name), "{name} is declared, but listed in NOT_LINUX");
        assert!(used.contains_key(*name), "{name} is listed in NOT_LINUX, but nothing uses it");
    }
}

#[test]
fn nothing_declared_is_unused() {
    let used = used();
    let mut files = Vec::new();
    rust_files(&root().join("runtime/src/sys/linux"), &mut files);
    let ours: String = files.iter().map(|f| fs::read_to_string(f).expect("read linux/")).collect();
    for (name, line) in declared() {
        // Used by the sources, or by another of our declarations (a
        // field's or an argument's type).
        let in_ours = code(&ours).filter(|l| l.trim_start() != line).any(|l| {
            l.match_indices(name.as_str()).any(|(i, _)| {
                let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
                !l[..i].chars().next_back().is_some_and(word) && !l[i + name.len()..].starts_with(word)
            })
        });
        assert!(used.contains_key(&name) || in_ours, "{name} is declared in linux/ but nothing uses it");
    }
}

#[test]
fn every_file_that_writes_libc_imports_it() {
    for files in used().values() {
        for file in files {
            let text = fs::read_to_string(file).expect("read source");
            // `use crate::sys::libc;`, or `libc` in a longer `use` line
            // (`use super::{epoll, libc, ...}` from `driver/mod.rs`'s).
            let imports = code(&text).any(|l| {
                let l = l.trim_start();
                (l.starts_with("use ") || l.starts_with("pub(crate) use "))
                    && l.match_indices("libc").any(|(i, _)| !l[..i].ends_with("::") || l[..i].ends_with("sys::"))
            });
            assert!(imports, "{} writes libc:: without importing `crate::sys::libc`", file.display());
        }
    }
}
