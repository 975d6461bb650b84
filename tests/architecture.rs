//! The shape of the source: modules do not import each other in a circle,
//! and the model knows nothing of the command line. Read from the source
//! files themselves, so a change that breaks the shape fails here.

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `write/cells.rs` → `write::cells`; `write/mod.rs` → `write`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|p| p != "mod")
        .collect();
    parts.join("::")
}

/// Each module of the library and the modules its non-test code names.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let path = Regex::new(r"crate::([a-z_]+(?:::[a-z_]+)?)").unwrap();
    let mut raw = BTreeMap::new();
    for f in &files {
        let m = module_of(&src, f);
        if ["main", "lib", "testing"].contains(&m.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let named: BTreeSet<String> = path.captures_iter(code).map(|c| c[1].to_string()).collect();
        raw.insert(m, named);
    }
    let modules: BTreeSet<String> = raw.keys().cloned().collect();
    // `crate::write::cells::place` names `write::cells`; `crate::bank::Bank` names `bank`.
    let resolve = |p: &str| -> Option<String> {
        let parts: Vec<&str> = p.split("::").collect();
        (1..=parts.len())
            .rev()
            .map(|k| parts[..k].join("::"))
            .find(|c| modules.contains(c))
    };
    raw.iter()
        .map(|(m, named)| {
            let deps = named
                .iter()
                .filter_map(|p| resolve(p))
                .filter(|d| d != m)
                .collect();
            (m.clone(), deps)
        })
        .collect()
}

#[test]
fn no_two_modules_import_each_other() {
    let g = imports();
    assert!(g.len() > 30, "the source was read: {} modules", g.len());
    assert!(g["commands::fill"].contains("settings"), "imports are seen");
    let mut cycles = Vec::new();
    for (a, deps) in &g {
        for b in deps {
            if a < b && g.get(b).is_some_and(|d| d.contains(a)) {
                cycles.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "modules that import each other: {cycles:?}"
    );
}

#[test]
fn the_model_knows_nothing_of_the_command_line_or_the_mappings() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model.rs");
    let text = std::fs::read_to_string(src).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    assert!(!code.contains("clap"), "model.rs names clap");
    assert!(imports()["model"].is_empty(), "{:?}", imports()["model"]);
}

#[test]
fn everything_said_on_stderr_goes_through_the_messages_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let outside: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("messages.rs"))
        .filter(|f| std::fs::read_to_string(f).unwrap().contains("eprintln!"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(files.len() > 30);
    assert!(
        outside.is_empty(),
        "eprintln! outside messages.rs: {outside:?}"
    );
}
