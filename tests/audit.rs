//! `qfill audit`: what was sent agrees with itself and with the bank today.

mod common;
use common::{fixture, qfill, read_json};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// A day on which no entry of the starter bank is stale yet.
const TODAY: &str = "2026-12-01";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// `qfill audit ARGS… --json`: its findings, and the exit code.
fn audit(args: &[&std::ffi::OsStr]) -> (serde_json::Value, i32) {
    let out = qfill()
        .arg("audit")
        .args(args)
        .args(["--json", "--today", TODAY])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (json, out.status.code().unwrap())
}

fn kinds(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn two_questionnaires_filled_from_one_bank_are_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let sent = dir.path().join("sent");
    for name in ["acme.xlsx", "globex.xlsx"] {
        let input = dir.path().join(name);
        std::fs::copy(fixture("vendor-assessment.xlsx"), &input).unwrap();
        qfill()
            .arg("fill")
            .arg(&input)
            .arg("-o")
            .arg(&sent)
            .assert()
            .success();
    }
    // The review workbooks (what the team decided; the kept insurance answer
    // is the company's own words, not drift) ...
    let (report, code) = audit(&[sent.as_os_str()]);
    let files = report["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .all(|f| f.as_str().unwrap().ends_with(".review.xlsx")),
        "{report}"
    );
    assert_eq!((kinds(&report), code), (vec![], 0), "{report:#}");
    // ... and the filled workbooks alone, as buyers received them.
    for review in ["acme.review.xlsx", "globex.review.xlsx"] {
        std::fs::remove_file(sent.join(review)).unwrap();
    }
    let (report, code) = audit(&[sent.as_os_str()]);
    assert_eq!(report["files"].as_array().unwrap().len(), 2);
    assert!(report["answers"].as_u64().unwrap() >= 20, "{report}");
    assert_eq!(kinds(&report), Vec::<String>::new(), "{report:#}");
    assert_eq!(code, 0);
}

#[test]
fn a_yes_in_one_questionnaire_and_a_no_in_another_is_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let q = "Do you back up customer data every day?";
    let acme = write(
        dir.path(),
        "acme.filled.csv",
        &format!(
            "Question,Answer\n{q},\"Yes, every night.\"\nDo you have an incident response plan?,Yes\n"
        ),
    );
    let globex = write(
        dir.path(),
        "globex.filled.csv",
        &format!("Question,Answer\n{q},No\nDo you have an incident response plan?,Yes\n"),
    );
    let (report, code) = audit(&[acme.as_os_str(), globex.as_os_str()]);
    assert_eq!(code, 1, "a conflict fails the run: {report:#}");
    let conflict = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "conflict")
        .expect("a conflict");
    assert!(
        conflict["message"].as_str().unwrap().contains("Yes and No"),
        "{conflict}"
    );
    let places: Vec<(String, u64)> = conflict["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["file"].as_str().unwrap().to_string(),
                p["row"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            (acme.display().to_string(), 2),
            (globex.display().to_string(), 2)
        ]
    );
    // The table names the files and rows too, and --xlsx keeps the findings.
    let xlsx = dir.path().join("audit.xlsx");
    qfill()
        .arg("audit")
        .arg(&acme)
        .arg(&globex)
        .args(["--today", TODAY, "--xlsx"])
        .arg(&xlsx)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("conflict").and(predicate::str::contains("globex.filled.csv")),
        )
        .stderr(predicate::str::contains("1 conflict"));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let rows = calamine::Reader::worksheet_range(&mut book, "Findings").unwrap();
    let cells: Vec<String> = rows.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.contains(&"conflict".to_string()));
    assert!(cells.contains(&globex.display().to_string()));
}

#[test]
fn an_answer_the_bank_has_since_changed_or_removed_is_found() {
    let dir = tempfile::tempdir().unwrap();
    qfill()
        .arg("init")
        .arg(dir.path().join("co"))
        .assert()
        .success();
    let bank = dir.path().join("co/answer-bank");
    let mappings = dir.path().join("co/mappings");
    let out = dir.path().join("sent");
    qfill()
        .arg("fill")
        .arg(fixture("vendor-assessment.xlsx"))
        .arg("-o")
        .arg(&out)
        .arg("--json")
        .arg(out.join("acme.json"))
        .arg("--bank")
        .arg(&bank)
        .arg("--mappings")
        .arg(&mappings)
        .assert()
        .success();
    let sent = read_json(&out.join("acme.json"));
    let auto: Vec<&serde_json::Value> = sent["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["status"] == "auto" && q["answer"].as_str().unwrap().starts_with("Yes"))
        .collect();
    assert!(auto.len() >= 2);
    let (changed, removed) = (
        auto[0]["bank_id"].as_str().unwrap(),
        auto[1]["bank_id"].as_str().unwrap(),
    );
    let args = [
        out.join("acme.json").into_os_string(),
        "--bank".into(),
        bank.clone().into_os_string(),
        "--mappings".into(),
        mappings.into_os_string(),
    ];
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    // Nothing changed yet: nothing to report.
    let (report, code) = audit(&args);
    assert_eq!((kinds(&report), code), (vec![], 0), "{report:#}");

    // The bank now says No to one, and no longer has the other.
    for file in std::fs::read_dir(&bank).unwrap() {
        let path = file.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if let Some(at) = text.find(&format!("id = \"{changed}\"")) {
            let answer =
                at + text[at..].find("answer = \"\"\"\n").unwrap() + "answer = \"\"\"\n".len();
            text.insert_str(answer, "No. We stopped doing this in 2026. ");
        }
        text = text.replace(&format!("id = \"{removed}\""), "id = \"renamed.entry\"");
        std::fs::write(&path, text).unwrap();
    }
    let (report, code) = audit(&args);
    assert_eq!(code, 1, "{report:#}");
    let findings = report["findings"].as_array().unwrap();
    let drift = findings
        .iter()
        .find(|f| f["kind"] == "drift")
        .expect("drift");
    assert_eq!(drift["bank_id"], changed);
    assert!(
        drift["message"]
            .as_str()
            .unwrap()
            .contains("No. We stopped"),
        "{drift}"
    );
    let gone = findings
        .iter()
        .find(|f| f["kind"] == "removed")
        .expect("removed");
    assert_eq!(gone["bank_id"], removed);
    assert_eq!(gone["places"][0]["row"], auto[1]["row"]);
}

#[test]
fn audit_needs_something_to_read() {
    let dir = tempfile::tempdir().unwrap();
    qfill()
        .arg("audit")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no filled workbook"));
    qfill()
        .arg("audit")
        .arg(dir.path().join("missing.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("missing.json"));
}
