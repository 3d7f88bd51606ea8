//! The layers of docs/architecture.md, checked on the source text: no
//! module imports from a layer above its own, and the two layers that meet
//! in `app` (sources and views) do not import each other, except that a
//! view drives a growing source through the one trait `source::Source`.
//!
//! Every `crate::NAME` path in the code counts, not only `use` lines, so an
//! inline `crate::app::lang()` is caught too. Unit tests (everything after
//! a file's `#[cfg(test)]`) may build fixtures from any layer.

use std::path::{Path, PathBuf};

/// The layer of each top-level module, lowest first.
fn layer(module: &str) -> Option<u32> {
    Some(match module {
        "timeline" | "i18n" | "signals" => 0,
        "tcp" => 1,
        "wire" | "pcap" | "explain" => 2,
        "source" | "view" => 3,
        "app" | "cli" => 4,
        _ => return None,
    })
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The `crate::...` paths in `code`, as (top module, the whole path). A
/// group (`crate::source::{Source, SimConfig}`) gives one path per item.
fn crate_paths(code: &str) -> Vec<(String, String)> {
    let code: String = code
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let is_path = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
    let mut found = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let path: String = after.chars().take_while(|&c| is_path(c)).collect();
        let tail = &after[path.len()..];
        let mut paths = vec![path.clone()];
        if path.ends_with("::") && tail.starts_with('{') {
            let group = &tail[1..tail.find('}').unwrap_or(tail.len())];
            paths = group
                .split(',')
                .map(|item| item.trim().split([' ', ':']).next().unwrap_or(""))
                .filter(|item| !item.is_empty() && *item != "self")
                .map(|item| format!("{path}{item}"))
                .collect();
            if paths.is_empty() {
                paths.push(path.trim_end_matches(':').to_string());
            }
        }
        for p in paths {
            let top = p.split("::").next().unwrap_or("").to_string();
            found.push((top, p));
        }
        rest = after;
    }
    found
}

/// `source::Name`: one item of source/mod.rs, not a path into a submodule.
fn is_seam_item(path: &str) -> bool {
    let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    parts.len() == 2 && parts[0] == "source" && !SOURCE_MODULES.contains(&parts[1])
}

/// The submodules of source/, which views must not name.
const SOURCE_MODULES: [&str; 7] = [
    "capture", "kernel", "lab", "scenario", "sim", "sniff", "trace",
];

/// The top-level module a file under src/ belongs to.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

fn violations() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    files.sort();
    let mut bad = Vec::new();
    for f in &files {
        let from = module_of(&src, f);
        if matches!(from.as_str(), "lib" | "main") {
            continue;
        }
        let Some(from_layer) = layer(&from) else {
            bad.push(format!(
                "{}: module `{from}` has no layer in tests/layers.rs",
                f.display()
            ));
            continue;
        };
        if f.file_name().is_some_and(|n| n == "tests.rs") {
            // A file of unit tests (`#[cfg(test)] mod tests;`).
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (to, path) in crate_paths(code) {
            if to == from || to.is_empty() {
                continue;
            }
            let Some(to_layer) = layer(&to) else {
                bad.push(format!("{}: `crate::{path}`: unknown module", f.display()));
                continue;
            };
            let peer_crossing = from_layer == 3 && to_layer == 3;
            // The seam: a view may name what source/mod.rs itself offers
            // (`source::Source`, `source::SimConfig`, …), never a
            // source's own module (`source::capture::…`).
            let the_seam = from == "view" && is_seam_item(&path);
            if to_layer > from_layer || (peer_crossing && !the_seam) {
                bad.push(format!(
                    "{}: `crate::{path}` reaches from {from} (layer {from_layer}) into {to} (layer {to_layer})",
                    f.display()
                ));
            }
        }
    }
    bad
}

#[test]
fn no_module_imports_from_a_higher_layer() {
    let bad = violations();
    assert!(
        bad.is_empty(),
        "{} imports break the layers:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn the_check_sees_an_upward_import() {
    // The scanner itself: a path in code counts, one in a comment does not.
    let found =
        crate_paths("let l = crate::app::lang(); // crate::view::x\nuse crate::tcp::state::State;");
    let tops: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(tops, ["app", "tcp"]);
    assert!(layer("app") > layer("tcp"));
    assert!(is_seam_item("source::Source"));
    assert!(is_seam_item("source::SimConfig"));
    assert!(!is_seam_item("source::capture::index"));
    assert!(!is_seam_item("source::capture"));
}

#[test]
fn every_source_module_is_known_to_the_seam_rule() {
    // A new source must be added to SOURCE_MODULES, or views could name it.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/source");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            let name = p.file_stem()?.to_string_lossy().into_owned();
            (name != "mod").then_some(name)
        })
        .collect();
    found.sort();
    found.dedup();
    let mut known: Vec<String> = SOURCE_MODULES.iter().map(|s| s.to_string()).collect();
    known.sort();
    assert_eq!(found, known);
}
