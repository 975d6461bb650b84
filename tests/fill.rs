//! `qfill fill` end to end: the real binary on the project's own fixtures.

mod common;

use calamine::{Data, Reader, open_workbook_auto};
use common::{fill_json, fixture, qfill, read_json};
use predicates::prelude::*;
use std::path::Path;

fn cell(path: &Path, sheet: &str, a1_row: u32, col: char) -> String {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let c = (col as u8 - b'A') as u32;
    match range.get_value((a1_row - 1, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn question<'a>(json: &'a serde_json::Value, sheet: &str, row: u64) -> &'a serde_json::Value {
    json["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["sheet"] == sheet && q["row"] == row)
        .unwrap_or_else(|| panic!("no question at {sheet}:{row}"))
}

#[test]
fn fills_the_buyers_workbook_and_writes_review_and_json() {
    let out = tempfile::tempdir().unwrap();
    let json = out.path().join("q.json");
    qfill()
        .args(["fill", &fixture("vendor-assessment.xlsx")])
        .arg("-o")
        .arg(out.path())
        .arg("--json")
        .arg(&json)
        .assert()
        .success()
        .stderr(predicate::str::contains("14 questions"));

    let filled = out.path().join("vendor-assessment.filled.xlsx");
    // Dropdown cell gets the short value, the comments column the full answer.
    assert_eq!(cell(&filled, "Security", 7, 'C'), "Yes");
    assert!(cell(&filled, "Security", 7, 'D').contains("certified to ISO/IEC 27001:2022"));
    assert_eq!(cell(&filled, "Security", 12, 'C'), "Yes");
    assert!(cell(&filled, "Security", 12, 'D').contains("AES-256"));
    // Out-of-scope item: the boundary entry says no.
    assert_eq!(cell(&filled, "Security", 8, 'C'), "No");
    assert!(cell(&filled, "Security", 8, 'D').contains("outside our"));
    // Certification is not legal compliance.
    assert!(
        cell(&filled, "Security", 9, 'D').contains("does\nnot by itself")
            || cell(&filled, "Security", 9, 'D').contains("does not by itself")
    );
    // The NDA entry is withheld from a public audience; the unknown question is left blank.
    assert_eq!(cell(&filled, "Security", 16, 'D'), "");
    assert_eq!(cell(&filled, "Security", 17, 'C'), "");
    // Everything else of the input is still there: title, section rows, cover sheet.
    assert_eq!(
        cell(&filled, "Security", 1, 'A'),
        "Information Security Questionnaire"
    );
    assert_eq!(cell(&filled, "Security", 10, 'A'), "Access and encryption");
    assert!(cell(&filled, "Cover", 1, 'A').contains("Supplier Security Assessment"));
    // An existing answer is kept; a placeholder is replaced.
    assert_eq!(
        cell(&filled, "Privacy & Legal", 6, 'C'),
        "Yes, see certificate attached."
    );
    assert!(cell(&filled, "Privacy & Legal", 7, 'C').contains("Brightwave Software Ltd"));

    let j = read_json(&json);
    assert_eq!(j["input"], "vendor-assessment.xlsx");
    assert_eq!(j["input_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(j["questions"].as_array().unwrap().len(), 14);
    let q = question(&j, "Security", 7);
    assert_eq!(q["question_id"], "SEC-1.1");
    assert_eq!(q["status"], "auto");
    assert_eq!(q["bank_id"], "iso.certified");
    assert_eq!(q["circle"], "isms");
    assert_eq!(q["controls"][0], "A.5.35");
    assert!(
        q["why"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "rule isms/certification")
    );
    let nda = question(&j, "Security", 16);
    assert_eq!(nda["status"], "review");
    assert!(
        nda["answer"].is_null(),
        "NDA text must not reach public JSON"
    );
    let none = question(&j, "Security", 17);
    assert_eq!(none["status"], "none");
    assert!(none["bank_id"].is_null());
    assert_eq!(question(&j, "Privacy & Legal", 6)["status"], "kept");
    assert_eq!(question(&j, "Security", 12)["circle"], "product");
    assert_eq!(question(&j, "Privacy & Legal", 4)["circle"], "legal");

    let review = out.path().join("vendor-assessment.review.xlsx");
    let mut wb = open_workbook_auto(&review).unwrap();
    assert_eq!(wb.sheet_names(), vec!["Review", "Summary"]);
    let r = wb.worksheet_range("Review").unwrap();
    let headers: Vec<String> = r
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        &headers[..11],
        [
            "Sheet",
            "Row",
            "Question ID",
            "Question",
            "Circle",
            "Status",
            "Confidence",
            "Bank ID",
            "Answer",
            "Controls",
            "Why"
        ]
    );
    assert_eq!(r.height(), 15, "one row per question plus the header");
    // Internal review shows the NDA answer that the buyer does not get.
    let nda_row = r.rows().find(|row| row[2] == "SEC-3.2").unwrap();
    assert!(nda_row[8].to_string().contains("Under NDA"));
    let summary = wb.worksheet_range("Summary").unwrap();
    let text: Vec<String> = summary
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert!(
        text.iter()
            .any(|l| l.starts_with("Input SHA-256|") && l.len() > 64)
    );
    assert!(text.iter().any(|l| l == "auto|11"), "{text:?}");
}

#[test]
fn nda_audience_and_include_review_change_what_the_buyer_gets() {
    let out = tempfile::tempdir().unwrap();
    qfill()
        .args([
            "fill",
            &fixture("vendor-assessment.xlsx"),
            "--audience",
            "nda",
        ])
        .arg("-o")
        .arg(out.path())
        .assert()
        .success();
    let filled = out.path().join("vendor-assessment.filled.xlsx");
    assert!(cell(&filled, "Security", 16, 'D').contains("A.8.11"));

    let out = tempfile::tempdir().unwrap();
    qfill()
        .args([
            "fill",
            &fixture("vendor-assessment.xlsx"),
            "--auto-threshold",
            "1.0",
            "--include-review",
        ])
        .arg("-o")
        .arg(out.path())
        .assert()
        .success();
    // Nothing is auto at threshold 1.0 except perfect matches; review ones are written too.
    let filled = out.path().join("vendor-assessment.filled.xlsx");
    assert_eq!(cell(&filled, "Security", 7, 'C'), "Yes");
    assert_eq!(
        cell(&filled, "Security", 17, 'C'),
        "",
        "a `none` question stays blank"
    );
}

#[test]
fn csv_in_csv_out() {
    let out = tempfile::tempdir().unwrap();
    let j = fill_json(fixture("short-form.csv"), out.path(), &[]);
    let text = std::fs::read_to_string(out.path().join("short-form.filled.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][2], "Yes");
    assert!(rows[0][3].contains("incident response plan"));
    assert_eq!(&rows[2][2], "No", "the product is not certified");
    assert_eq!(&rows[3][2], "", "no answer for an unknown question");
    assert_eq!(question(&j, "csv", 5)["status"], "none");
}

#[test]
fn mark_columns_get_an_x() {
    let out = tempfile::tempdir().unwrap();
    qfill()
        .args(["fill", &fixture("mark-columns.xlsx")])
        .arg("-o")
        .arg(out.path())
        .assert()
        .success();
    let filled = out.path().join("mark-columns.filled.xlsx");
    // Row 3: encryption at rest, Yes. Row 4: BYOK, No.
    assert_eq!(cell(&filled, "Assessment", 3, 'C'), "x");
    assert_eq!(cell(&filled, "Assessment", 3, 'D'), "");
    assert_eq!(cell(&filled, "Assessment", 4, 'D'), "x");
    assert_eq!(cell(&filled, "Assessment", 4, 'C'), "");
    assert!(cell(&filled, "Assessment", 3, 'F').contains("AES-256"));
}

#[test]
fn layout_flags_override_detection() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("odd.csv");
    // Two-word "questions" a detector would not take for questions on its own.
    std::fs::write(
        &input,
        "x,y,z\nEncryption at rest,,\nBackup frequency,,\nPenetration testing,,\n",
    )
    .unwrap();
    qfill()
        .arg("fill")
        .arg(&input)
        .arg("-o")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("no questions found")
                .and(predicate::str::contains("--question-col")),
        );
    let json = dir.path().join("q.json");
    qfill()
        .arg("fill")
        .arg(&input)
        .args([
            "--header-row",
            "1",
            "--question-col",
            "A",
            "--answer-col",
            "C",
            "--json",
        ])
        .arg(&json)
        .arg("-o")
        .arg(dir.path())
        .assert()
        .success();
    // A named question column is trusted: every text below the header is a question.
    let j = read_json(&json);
    let rows: Vec<u64> = j["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, vec![2, 3, 4]);
}

#[test]
fn existing_outputs_are_kept_unless_forced_and_runs_are_repeatable() {
    let out = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut c = qfill();
        c.args(["fill", &fixture("vendor-assessment.xlsx")])
            .arg("-o")
            .arg(out.path())
            .args(extra);
        c.assert()
    };
    run(&[]).success();
    let filled = out.path().join("vendor-assessment.filled.xlsx");
    let review = out.path().join("vendor-assessment.review.xlsx");
    let first = (
        std::fs::read(&filled).unwrap(),
        std::fs::read(&review).unwrap(),
    );
    run(&[]).code(1).stderr(predicate::str::contains("--force"));
    run(&["--force"]).success();
    assert_eq!(
        first.0,
        std::fs::read(&filled).unwrap(),
        "identical runs give identical bytes"
    );
    assert_eq!(first.1, std::fs::read(&review).unwrap());
    // No temporary files are left behind.
    let names: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn errors_name_the_file_and_exit_1_usage_errors_exit_2() {
    qfill()
        .args(["fill", "does-not-exist.xlsx"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "does-not-exist.xlsx: no such file",
        ));
    qfill().args(["fill"]).assert().code(2);
    qfill()
        .args(["fill", "x.csv", "--question-col", "C3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use a letter like C"));
    qfill()
        .args(["fill", "x.xlsx", "--audience", "everyone"])
        .assert()
        .code(2);

    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("image.xlsx");
    std::fs::write(&fake, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
    qfill()
        .arg("fill")
        .arg(&fake)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("image.xlsx: not a spreadsheet"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no outputs for a failed run"
    );
}

#[test]
fn a_bad_bank_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bank = dir.path().join("bank");
    std::fs::create_dir(&bank).unwrap();
    let entry = "[[entry]]\nid = \"a\"\ncircle = \"isms\"\nquestions = [\"Q?\"]\nanswer = \"A.\"\n";
    std::fs::write(bank.join("one.toml"), format!("{entry}\n{entry}")).unwrap();
    qfill()
        .args(["fill", &fixture("short-form.csv")])
        .arg("--bank")
        .arg(&bank)
        .arg("-o")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("one.toml:8:")
                .and(predicate::str::contains("duplicate entry id `a`")),
        );
}

#[test]
fn init_writes_an_editable_bank_that_fill_uses() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("kit");
    qfill().arg("init").arg(&target).assert().success();
    assert!(target.join("answer-bank/certification.toml").exists());
    assert!(target.join("mappings/scope.toml").exists());
    qfill()
        .arg("init")
        .arg(&target)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));

    // Edit the bank: the fill uses the edited answer.
    let cert = target.join("answer-bank/crypto.toml");
    let text = std::fs::read_to_string(&cert)
        .unwrap()
        .replace("with\nAES-256", "with AES-256-GCM (edited)")
        .replace("AES-256,", "AES-256-GCM (edited),");
    std::fs::write(&cert, text).unwrap();
    let out = dir.path().join("out");
    qfill()
        .args(["fill", &fixture("vendor-assessment.xlsx")])
        .arg("--bank")
        .arg(target.join("answer-bank"))
        .arg("--mappings")
        .arg(target.join("mappings"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(
        cell(
            &out.join("vendor-assessment.filled.xlsx"),
            "Security",
            12,
            'D'
        )
        .contains("(edited)")
    );
}

#[test]
fn search_explains_the_best_matches() {
    let out = qfill()
        .args(["search", "Do you enforce 2FA for employees?", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let j: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(j["matches"][0]["bank_id"], "access.mfa-staff");
    assert_eq!(j["circle"], "product");
    qfill()
        .args(["search", "title:foo AND (bar \"baz"])
        .assert()
        .success();
}

#[test]
fn other_formats_are_read_by_content_and_filled_as_xlsx() {
    let out = tempfile::tempdir().unwrap();
    qfill()
        .args(["fill", &fixture("open-document.ods")])
        .arg("-o")
        .arg(out.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("formatting"));
    let filled = out.path().join("open-document.filled.xlsx");
    assert!(cell(&filled, "Questions", 2, 'C').contains("AES-256"));

    // A csv saved with an .xlsx name is still read as csv, by its content.
    let renamed = out.path().join("renamed.xlsx");
    std::fs::copy(fixture("short-form.csv"), &renamed).unwrap();
    qfill()
        .arg("fill")
        .arg(&renamed)
        .arg("-o")
        .arg(out.path())
        .assert()
        .success();
    assert!(out.path().join("renamed.filled.csv").exists());
}

#[test]
fn search_shows_the_status_fill_would_give() {
    let out = qfill()
        .args([
            "search",
            "Does your ISO 27001 certification cover your mobile app encryption at rest?",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let j: serde_json::Value = serde_json::from_slice(&out).unwrap();
    // Whatever entry matches, a question about an out-of-scope item is never auto.
    assert!(
        j["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] != "auto" || m["bank_id"] == "iso.covers-mobile-app"),
        "{j}"
    );
    // The entry written for the out-of-scope item is the one fill would use.
    let chosen: Vec<&serde_json::Value> = j["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["chosen"] == true)
        .collect();
    assert_eq!(chosen[0]["bank_id"], "iso.covers-mobile-app", "{j}");
}

#[test]
fn legacy_xls_is_read_and_filled_as_a_new_xlsx() {
    // fixtures/legacy-marks.xls is mark-columns.xlsx saved as Excel 97-2003 by LibreOffice.
    let out = tempfile::tempdir().unwrap();
    qfill()
        .args(["fill", &fixture("legacy-marks.xls")])
        .arg("-o")
        .arg(out.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("is xls").and(predicate::str::contains("marks in C/D/E")));
    let filled = out.path().join("legacy-marks.filled.xlsx");
    assert_eq!(cell(&filled, "Assessment", 3, 'C'), "x");
    assert_eq!(cell(&filled, "Assessment", 4, 'D'), "x");
}
