//! `qfill batch`: a backlog folder with good and bad files, shards, skipping.

mod common;

use common::{fixture, qfill, read_json};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// backlog/ with two good questionnaires in a subfolder, a csv, a corrupt
/// workbook and an encrypted one.
fn backlog(dir: &Path) -> PathBuf {
    let root = dir.join("backlog");
    std::fs::create_dir_all(root.join("2026/acme")).unwrap();
    std::fs::copy(
        fixture("vendor-assessment.xlsx"),
        root.join("2026/acme/vendor.xlsx"),
    )
    .unwrap();
    std::fs::copy(fixture("mark-columns.xlsx"), root.join("2026/marks.xlsx")).unwrap();
    std::fs::copy(fixture("short-form.csv"), root.join("short.csv")).unwrap();
    let good = std::fs::read(fixture("vendor-assessment.xlsx")).unwrap();
    std::fs::write(root.join("corrupt.xlsx"), &good[..good.len() / 3]).unwrap();
    let mut locked = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    locked.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(root.join("locked.xlsx"), locked).unwrap();
    std::fs::write(root.join("notes.txt"), "not a questionnaire").unwrap();
    root
}

fn files_named(dir: &Path, suffix: &str) -> Vec<String> {
    let mut out: Vec<String> = walk(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .map(|p| {
            p.strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn good_files_are_filled_bad_ones_reported_and_the_status_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let root = backlog(dir.path());
    let out = dir.path().join("out");
    qfill()
        .arg("batch")
        .arg(&root)
        .arg("--out-dir")
        .arg(&out)
        .args(["-j", "2"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("corrupt.xlsx")
                .and(predicate::str::contains("remove the password")),
        );
    // Outputs mirror the input tree.
    assert_eq!(
        files_named(&out, ".review.xlsx"),
        vec![
            "2026/acme/vendor.review.xlsx",
            "2026/marks.review.xlsx",
            "short.review.xlsx"
        ]
    );
    assert!(out.join("2026/acme/vendor.filled.xlsx").exists());
    assert!(out.join("short.filled.csv").exists());
    let report = read_json(&out.join("backlog.json"));
    let files = report["files"].as_array().unwrap();
    let result = |name: &str| files.iter().find(|f| f["file"] == name).unwrap()["result"].clone();
    assert_eq!(result("corrupt.xlsx"), "failed");
    assert_eq!(result("locked.xlsx"), "failed");
    assert_eq!(result("2026/acme/vendor.xlsx"), "filled");
    assert_eq!(report["failed"], 2);
    let vendor = files
        .iter()
        .find(|f| f["file"] == "2026/acme/vendor.xlsx")
        .unwrap();
    assert_eq!(vendor["questions"], 14);
    assert_eq!(vendor["by_status"]["auto"], 11);
    // Unanswered questions are grouped, largest group first, with their files.
    let groups = report["unanswered_groups"].as_array().unwrap();
    assert!(!groups.is_empty());
    assert!(
        groups
            .windows(2)
            .all(|w| w[0]["count"].as_u64() >= w[1]["count"].as_u64())
    );
    assert!(out.join("backlog.xlsx").exists());
}

#[test]
fn shards_cover_every_file_exactly_once_and_reports_merge() {
    let dir = tempfile::tempdir().unwrap();
    let root = backlog(dir.path());
    let mut all = Vec::new();
    for i in 1..=3 {
        let out = dir.path().join(format!("part{i}"));
        let _ = qfill()
            .arg("batch")
            .arg(&root)
            .arg("--out-dir")
            .arg(&out)
            .arg("--shard")
            .arg(format!("{i}/3"))
            .assert();
        let report = read_json(&out.join("backlog.json"));
        for f in report["files"].as_array().unwrap() {
            all.push(f["file"].as_str().unwrap().to_string());
        }
    }
    all.sort();
    assert_eq!(
        all,
        vec![
            "2026/acme/vendor.xlsx",
            "2026/marks.xlsx",
            "corrupt.xlsx",
            "locked.xlsx",
            "short.csv"
        ],
        "each file in exactly one shard"
    );
    let merged = dir.path().join("merged");
    qfill()
        .args(["batch", "--merge-reports"])
        .arg(dir.path().join("part1"))
        .arg(dir.path().join("part2"))
        .arg(dir.path().join("part3"))
        .arg("--out-dir")
        .arg(&merged)
        .assert()
        .code(1);
    let report = read_json(&merged.join("backlog.json"));
    assert_eq!(report["files"].as_array().unwrap().len(), 5);
    assert_eq!(report["failed"], 2);
    qfill()
        .args(["batch", "x", "--shard", "4/3"])
        .assert()
        .code(2);
}

#[test]
fn up_to_date_files_are_skipped_unless_forced_or_changed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("in");
    std::fs::create_dir(&root).unwrap();
    std::fs::copy(fixture("short-form.csv"), root.join("a.csv")).unwrap();
    std::fs::copy(fixture("mark-columns.xlsx"), root.join("b.xlsx")).unwrap();
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        qfill()
            .arg("batch")
            .arg(&root)
            .arg("--out-dir")
            .arg(&out)
            .args(extra)
            .assert()
            .success();
        let report = read_json(&out.join("backlog.json"));
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{}={}",
                    f["file"].as_str().unwrap(),
                    f["result"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(&[]), vec!["a.csv=filled", "b.xlsx=filled"]);
    let skipped = run(&[]);
    assert_eq!(skipped, vec!["a.csv=skipped", "b.xlsx=skipped"]);
    // Skipped files still count in the report.
    let report = read_json(&out.join("backlog.json"));
    assert_eq!(report["files"][1]["questions"], 3);
    // The same bytes copied again (a checkout, a restore) are not a change ...
    std::fs::copy(fixture("short-form.csv"), root.join("a.csv")).unwrap();
    assert_eq!(run(&[]), vec!["a.csv=skipped", "b.xlsx=skipped"]);
    // ... a changed input is filled again.
    let mut changed = std::fs::read_to_string(fixture("short-form.csv")).unwrap();
    changed.push_str("Do you encrypt backups?,\n");
    std::fs::write(root.join("a.csv"), changed).unwrap();
    assert_eq!(run(&[]), vec!["a.csv=filled", "b.xlsx=skipped"]);
    assert_eq!(run(&["--force"]), vec!["a.csv=filled", "b.xlsx=filled"]);
    // Other thresholds or options give other answers: everything is refilled.
    assert_eq!(
        run(&["--auto-threshold", "0.97"]),
        vec!["a.csv=filled", "b.xlsx=filled"]
    );
    assert_eq!(
        run(&["--auto-threshold", "0.97"]),
        vec!["a.csv=skipped", "b.xlsx=skipped"]
    );
    assert_eq!(
        run(&["--include-review"]),
        vec!["a.csv=filled", "b.xlsx=filled"]
    );
    // A report someone edited, or one from an older qfill, is not trusted to skip.
    let json = out.join("a.json");
    let mut report = read_json(&json);
    report["answers_key"] = serde_json::json!("forged");
    std::fs::write(&json, serde_json::to_vec(&report).unwrap()).unwrap();
    assert_eq!(
        run(&["--include-review"]),
        vec!["a.csv=filled", "b.xlsx=skipped"]
    );
    // Changed mappings refill everything: the answers depend on them.
    let mappings = dir.path().join("mappings");
    std::fs::create_dir(&mappings).unwrap();
    std::fs::write(
        mappings.join("matching.toml"),
        "[thresholds]\nauto = 0.9\nreview = 0.01\n",
    )
    .unwrap();
    let with_mappings = ["--mappings", mappings.to_str().unwrap()];
    run(&[with_mappings[0], with_mappings[1], "--force"]);
    assert_eq!(run(&with_mappings), vec!["a.csv=skipped", "b.xlsx=skipped"]);
    std::fs::write(
        mappings.join("matching.toml"),
        "[thresholds]\nauto = 0.95\nreview = 0.05\n",
    )
    .unwrap();
    assert_eq!(run(&with_mappings), vec!["a.csv=filled", "b.xlsx=filled"]);
}

#[test]
fn every_input_gets_outputs_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    // One stem, three formats, three different questionnaires.
    std::fs::copy(fixture("vendor-assessment.xlsx"), inbox.join("vendor.xlsx")).unwrap();
    std::fs::copy(fixture("open-document.ods"), inbox.join("vendor.ods")).unwrap();
    std::fs::copy(fixture("short-form.csv"), inbox.join("vendor.csv")).unwrap();
    // The same name in two folders given side by side.
    for sub in ["a", "b"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    std::fs::copy(
        fixture("vendor-assessment.xlsx"),
        dir.path().join("a/q.xlsx"),
    )
    .unwrap();
    std::fs::copy(fixture("mark-columns.xlsx"), dir.path().join("b/q.xlsx")).unwrap();
    // A literal name that looks like a glob.
    std::fs::copy(fixture("short-form.csv"), dir.path().join("rfi[1].csv")).unwrap();
    qfill()
        .current_dir(dir.path())
        .args(["batch", "inbox", "a", "b", "rfi[1].csv", "--out-dir", "out"])
        .assert()
        .success();
    let out = dir.path().join("out");
    let questions = |json: &str| {
        read_json(&out.join(json))["questions"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(questions("vendor.xlsx.json"), 14);
    assert_eq!(questions("vendor.ods.json"), 2);
    assert_eq!(questions("vendor.csv.json"), 4);
    assert!(out.join("vendor.xlsx.filled.xlsx").exists());
    assert!(out.join("vendor.ods.filled.xlsx").exists());
    assert!(out.join("vendor.csv.filled.csv").exists());
    assert_eq!(questions("a/q.json"), 14);
    assert_eq!(questions("b/q.json"), 3);
    assert_eq!(questions("rfi[1].json"), 4);
    let backlog = read_json(&out.join("backlog.json"));
    assert_eq!(backlog["files"].as_array().unwrap().len(), 6, "{backlog}");
}
