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

#[test]
fn export_import_round_trip_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let xlsx = dir.path().join("bank.xlsx");
    qfill()
        .args(["bank", "export", &format!("{root}/answer-bank"), "-o"])
        .arg(&xlsx)
        .assert()
        .success();
    // Reviewers get dropdowns for circle and visibility.
    let mut z = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut z.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert!(sheet.contains("\"legal,isms,product\"") && sheet.contains("\"public,nda\""));
    let out = dir.path().join("bank");
    qfill()
        .args(["bank", "import"])
        .arg(&xlsx)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("certification.toml").exists());
    qfill()
        .args(["bank", "lint"])
        .arg(&out)
        .args([
            "--mappings",
            &format!("{root}/mappings"),
            "--today",
            "2026-11-24",
            "--deny-warnings",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("94 entries: 0 errors, 0 warnings"));
    // Importing over existing files needs --force.
    qfill()
        .args(["bank", "import"])
        .arg(&xlsx)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));
}

#[test]
fn coverage_reports_uncovered_controls_as_table_json_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let report = dir.path().join("coverage.xlsx");
    let out = qfill()
        .args([
            "bank",
            "coverage",
            &format!("{root}/answer-bank"),
            "--mappings",
            &format!("{root}/mappings"),
        ])
        .args(["--today", "2026-11-24", "--json", "--xlsx"])
        .arg(&report)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let j: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(j["entries"], 94);
    assert!(
        j["uncovered_controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "A.5.5")
    );
    assert!(j["by_owner"]["security"]["entries"].as_u64().unwrap() > 0);
    assert!(report.exists());
    qfill()
        .args([
            "bank",
            "coverage",
            &format!("{root}/answer-bank"),
            "--mappings",
            &format!("{root}/mappings"),
            "--today",
            "2026-11-24",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "applicable SoA controls no entry evidences",
        ));
}
