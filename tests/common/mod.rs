//! Helpers shared by the integration tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;

/// The real binary, run from a temporary folder so that a `./answer-bank`
/// in the working directory never changes what a test sees. Bank vectors are
/// cached under the target folder, never in the user's own cache.
pub fn qfill() -> Command {
    let mut c = Command::cargo_bin("qfill").unwrap();
    c.current_dir(std::env::temp_dir());
    c.env("NO_COLOR", "1");
    c.env("XDG_CACHE_HOME", test_cache());
    c
}

/// The cache folder the tests share.
pub fn test_cache() -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache")
}

pub fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
        .display()
        .to_string()
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Runs `qfill fill INPUT -o OUT --json OUT/q.json EXTRA...`, expects success,
/// and returns the JSON report.
pub fn fill_json(
    input: impl AsRef<std::ffi::OsStr>,
    out: &Path,
    extra: &[&str],
) -> serde_json::Value {
    let json = out.join("q.json");
    qfill()
        .arg("fill")
        .arg(input)
        .arg("-o")
        .arg(out)
        .arg("--json")
        .arg(&json)
        .args(extra)
        .assert()
        .success();
    read_json(&json)
}
