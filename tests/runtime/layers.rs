//! The runtime crate's layers: every file of `runtime/src` imports only files
//! on its own floor or below. The floors are the numbered list under
//! "# Layers" in `runtime/src/lib.rs` (read from there, so the docs and this
//! check cannot drift apart); a file takes the floor of the longest path in
//! that list that contains it (`task/raw.rs` before `task/`).
//!
//! An import is every `crate::…`, `super::…` and `self::…` path in code (a
//! `use` or inline), resolved to the file that defines it; a name the crate
//! root re-exports resolves through its `pub use`. Test files (`tests.rs`,
//! `loom_tests.rs`, `tests/`) are not part of the layers.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src")
}

/// `(floor, path)` pairs from lib.rs's "# Layers" list.
fn floors(lib: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut floor = None;
    let mut in_layers = false;
    for line in lib.lines().take_while(|l| l.starts_with("//!")) {
        let text = line.trim_start_matches("//!").trim();
        if text.starts_with('#') {
            in_layers = text == "# Layers";
            continue;
        }
        if !in_layers {
            continue;
        }
        if let Some((n, _)) = text.split_once(". ") {
            if let Ok(n) = n.parse::<u32>() {
                floor = Some(n);
            }
        }
        let Some(n) = floor else { continue };
        for (i, part) in text.split('`').enumerate() {
            if i % 2 == 1 && (part.ends_with(".rs") || part.ends_with('/')) {
                out.push((n, part.to_owned()));
            }
        }
    }
    out
}

fn floor_of(floors: &[(u32, String)], file: &str) -> Option<u32> {
    floors
        .iter()
        .filter(|(_, p)| if p.ends_with('/') { file.starts_with(p.as_str()) } else { file == p })
        .max_by_key(|(_, p)| p.len())
        .map(|(n, _)| *n)
}

/// The source files of the layers, relative to `runtime/src`.
fn files(dir: &Path, rel: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = fs::read_dir(dir).expect("read runtime/src").map(|e| e.expect("dir entry")).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().into_string().expect("utf-8 file name");
        let path = format!("{rel}{name}");
        if entry.file_type().expect("file type").is_dir() {
            if name != "tests" {
                files(&entry.path(), &format!("{path}/"), out);
            }
        } else if name.ends_with(".rs") && name != "tests.rs" && name != "loom_tests.rs" {
            out.push(path);
        }
    }
}

/// The module path of a file: `task/raw.rs` -> `[task, raw]`, `task/mod.rs` -> `[task]`.
fn module_of(file: &str) -> Vec<String> {
    let mut segs: Vec<String> = file.trim_end_matches(".rs").split('/').map(str::to_owned).collect();
    if matches!(segs.last().map(String::as_str), Some("mod" | "lib")) {
        segs.pop();
    }
    segs
}

/// The file that defines the module path `segs` (as far as files go).
fn resolve(segs: &[String], lib: &str) -> String {
    let (mut dir, mut file) = (String::new(), "lib.rs".to_owned());
    let mut rest = segs;
    while let Some((seg, tail)) = rest.split_first() {
        let (flat, nested) = (format!("{dir}{seg}.rs"), format!("{dir}{seg}/mod.rs"));
        if src().join(&flat).exists() {
            file = flat;
        } else if src().join(&nested).exists() {
            file = nested;
        } else {
            break;
        }
        dir = format!("{dir}{seg}/");
        rest = tail;
    }
    if file == "lib.rs" {
        if let Some(name) = rest.first() {
            if let Some(module) = reexport(lib, name) {
                return resolve(&module, lib);
            }
        }
    }
    file
}

/// The module the crate root's `pub use` takes `name` from.
fn reexport(lib: &str, name: &str) -> Option<Vec<String>> {
    for path in use_paths(lib) {
        if path.last().map(String::as_str) == Some(name) && path.len() > 1 {
            return Some(path[..path.len() - 1].to_vec());
        }
    }
    None
}

/// Code without comments and without an inline test module at the end.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or(text);
    text.lines().map(|l| l.split_once("//").map_or(l, |(code, _)| code)).collect::<Vec<_>>().join("\n")
}

/// Every path of every `use` item, braces expanded.
fn use_paths(text: &str) -> Vec<Vec<String>> {
    let code = code(text);
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        rest = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(end) = rest.find(';') else { break };
        expand(&[], &rest[..end].split_whitespace().collect::<String>(), &mut out);
        rest = &rest[end..];
    }
    out
}

/// Expands `a::{b, c::{d}}` under `prefix`.
fn expand(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
    let (head, group) = match tree.find('{') {
        Some(open) => (&tree[..open], Some(&tree[open + 1..tree.rfind('}').unwrap_or(tree.len())])),
        None => (tree, None),
    };
    let mut path = prefix.to_vec();
    path.extend(head.split("::").filter(|s| !s.is_empty()).map(|s| s.split(" as ").next().unwrap_or(s).to_owned()));
    match group {
        None => out.push(path),
        Some(group) => {
            let (mut depth, mut start) = (0, 0);
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&path, &group[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            if start < group.len() {
                expand(&path, &group[start..], out);
            }
        }
    }
}

/// Inline `crate::a::b` / `super::a` paths outside `use` items.
fn inline_paths(text: &str) -> Vec<Vec<String>> {
    let code = code(text);
    let mut out = Vec::new();
    for root in ["crate::", "super::"] {
        let mut rest = code.as_str();
        while let Some(at) = rest.find(root) {
            let before = rest[..at].chars().last();
            rest = &rest[at..];
            let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
            let path: Vec<String> = rest[..len].split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect();
            // `crate::{` starts a `use` group, which `use_paths` expands.
            if path.len() > 1 && !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == ':') {
                out.push(path);
            }
            rest = &rest[len..];
        }
    }
    out
}

/// The child modules `file` declares from files (`mod name;`).
fn child_modules(text: &str) -> Vec<String> {
    let code = code(text);
    let mut out = Vec::new();
    for line in code.lines() {
        let line =
            line.trim().trim_start_matches("pub(crate) ").trim_start_matches("pub(super) ").trim_start_matches("pub ");
        if let Some(name) = line.strip_prefix("mod ").and_then(|rest| rest.strip_suffix(';')) {
            out.push(name.trim().to_owned());
        }
    }
    out
}

fn is_test_file(file: &str) -> bool {
    file.ends_with("tests.rs") || file.starts_with("tests/") || file.contains("/tests/")
}

/// The files `file` imports: its child modules' files and every path it names.
fn imports(file: &str, text: &str, lib: &str) -> BTreeSet<String> {
    let module = module_of(file);
    let children = child_modules(text);
    let mut found = BTreeSet::new();
    let declared = children.iter().map(|name| vec![name.clone()]);
    for path in use_paths(text).into_iter().chain(inline_paths(text)).chain(declared) {
        let Some(first) = path.first() else { continue };
        let absolute: Vec<String> = match first.as_str() {
            "crate" => path[1..].to_vec(),
            "super" | "self" => {
                let mut base = module.clone();
                let mut segs = path.as_slice();
                while let Some(("super" | "self", tail)) = segs.split_first().map(|(h, t)| (h.as_str(), t)) {
                    if segs[0] == "super" {
                        base.pop();
                    }
                    segs = tail;
                }
                base.extend(segs.iter().cloned());
                base
            }
            child if children.iter().any(|c| c == child) => module.iter().chain(&path).cloned().collect(),
            _ => continue,
        };
        let target = resolve(&absolute, lib);
        if target != file && !is_test_file(&target) {
            found.insert(target);
        }
    }
    found
}

#[test]
fn runtime_files_import_only_their_floor_or_below() {
    let lib = fs::read_to_string(src().join("lib.rs")).expect("read lib.rs");
    let floors = floors(&lib);
    assert!(floors.len() >= 8, "lib.rs lists the floors under `# Layers`: found {floors:?}");
    let mut all = Vec::new();
    files(&src(), "", &mut all);
    let mut unplaced = Vec::new();
    let mut upward = Vec::new();
    for file in &all {
        let Some(mine) = floor_of(&floors, file) else {
            unplaced.push(file.clone());
            continue;
        };
        let text = fs::read_to_string(src().join(file)).expect("read source file");
        for target in imports(file, &text, &lib) {
            match floor_of(&floors, &target) {
                Some(theirs) if theirs <= mine => {}
                theirs => upward.push(format!("{file} (floor {mine}) imports {target} (floor {theirs:?})")),
            }
        }
    }
    assert!(unplaced.is_empty(), "files on no floor of lib.rs's `# Layers`: {unplaced:#?}");
    assert!(upward.is_empty(), "imports that go up a floor:\n{}", upward.join("\n"));
}

#[test]
fn the_layer_check_sees_an_upward_import() {
    let floors = vec![(1, "driver/".to_owned()), (2, "reactor/".to_owned()), (6, "executor/".to_owned())];
    let text = "mod wheel;\nuse wheel::Wheel;\nuse crate::executor::Executor;\nfn f() { crate::reactor::x(); }\n#[cfg(test)]\nmod tests {\n    use crate::runtime::X;\n}";
    let lib = "";
    let found = imports("driver/epoll.rs", text, lib);
    assert!(found.contains("executor/mod.rs"), "{found:?}");
    assert!(!found.contains("runtime.rs"), "an inline test module is not part of the layers: {found:?}");
    let found = imports("time/timers.rs", text, lib);
    assert!(found.contains("time/timers/wheel.rs"), "a child module's file is an import: {found:?}");
    let up: Vec<_> = found.iter().filter(|t| floor_of(&floors, t) > Some(1)).collect();
    assert_eq!(up.len(), 2, "{up:?}");
    assert_eq!(floor_of(&floors, "executor/schedule.rs"), Some(6));
}
