//! `qfill bank lint` on the starter bank and on a bank with problems.

mod common;

use common::qfill;
use predicates::prelude::*;

#[test]
fn the_starter_bank_lints_clean() {
    let root = env!("CARGO_MANIFEST_DIR");
    qfill()
        .args([
            "bank",
            "lint",
            &format!("{root}/answer-bank"),
            "--mappings",
            &format!("{root}/mappings"),
        ])
        .args(["--today", "2026-11-24", "--deny-warnings"])
        .assert()
        .success()
        .stdout(predicate::str::contains("94 entries: 0 errors, 0 warnings"));
}

#[test]
fn problems_are_reported_with_places_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let bank = dir.path().join("bank");
    std::fs::create_dir(&bank).unwrap();
    std::fs::write(
        bank.join("a.toml"),
        "[[entry]]\nid = \"a\"\ncircle = \"product\"\nquestions = [\"Is the product certified?\"]\nanswer = \"Yes. Our platform is ISO 27001 certified.\"\nowner = \"x\"\nreviewed = 2026-10-01\n",
    )
    .unwrap();
    std::fs::write(bank.join("b.toml"), "[[entry]]\nid = \"b\"\ncircle = \"isms\"\nquestions = [\"Q?\"]\nanswer = \"A.\"\ncolour = 1\n").unwrap();
    let out = qfill()
        .args(["bank", "lint"])
        .arg(&bank)
        .args(["--today", "2026-11-24", "--json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let j: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let findings = j["findings"].as_array().unwrap();
    let rule = |r: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == r)
            .unwrap_or_else(|| panic!("no {r}: {j}"))
    };
    assert!(
        rule("over-claim")["at"]
            .as_str()
            .unwrap()
            .ends_with("a.toml:2:6")
    );
    assert!(
        rule("over-claim")["fix"]
            .as_str()
            .unwrap()
            .contains("not a certification of the product")
    );
    assert!(
        rule("schema")["at"]
            .as_str()
            .unwrap()
            .ends_with("b.toml:6:1")
    );
    assert_eq!(j["errors"], 2);
    // Warnings alone pass unless --deny-warnings.
    std::fs::remove_file(bank.join("b.toml")).unwrap();
    std::fs::write(
        bank.join("a.toml"),
        "[[entry]]\nid = \"a\"\ncircle = \"product\"\nquestions = [\"Do you encrypt data?\"]\nanswer = \"Yes.\"\nreviewed = 2026-10-01\n",
    )
    .unwrap();
    qfill()
        .args(["bank", "lint"])
        .arg(&bank)
        .args(["--today", "2026-11-24"])
        .assert()
        .success()
        .stdout(predicate::str::contains("warning[owner]"));
    qfill()
        .args(["bank", "lint"])
        .arg(&bank)
        .args(["--today", "2026-11-24", "--deny-warnings"])
        .assert()
        .code(1);
}
