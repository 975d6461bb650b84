//! The review workbook comes back from other people's hands: `qfill apply`
//! trusts none of it, and writes where `fill` put the filled workbook.

mod common;

use calamine::{Reader, open_workbook_auto};
use common::{fixture, qfill, rewrite_review};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn cell(path: &Path, sheet: &str, row: u32, col: u32) -> String {
    let mut wb = open_workbook_auto(path).unwrap();
    let r = wb.worksheet_range(sheet).unwrap();
    r.get_value((row - 1, col))
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// `fill IN.xlsx -o out/`: returns (input, out folder, review workbook).
fn filled_into_out(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let input = dir.join("vendor.xlsx");
    std::fs::copy(fixture("vendor-assessment.xlsx"), &input).unwrap();
    let out = dir.join("out");
    qfill()
        .arg("fill")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let review = out.join("vendor.review.xlsx");
    (input, out, review)
}

/// The questionnaire no longer sits beside the review workbook once it is
/// in out/, so apply is told where it is.
fn apply(review: &Path, input: &Path) -> assert_cmd::assert::Assert {
    qfill()
        .arg("apply")
        .arg(review)
        .arg("--input")
        .arg(input)
        .arg("--force")
        .assert()
}

#[test]
fn apply_updates_the_filled_workbook_beside_the_review_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out, review) = filled_into_out(dir.path());
    rewrite_review(
        &review,
        |sheet, row, col| match (sheet, row, col) {
            ("Security", 12, "Answer") => Some("Yes, AES-256, says the reviewer.".into()),
            _ => None,
        },
        |_| None,
    );
    let filled = out.join("vendor.filled.xlsx");
    // As a user would: from the questionnaire's folder, after `fill IN -o out/`.
    qfill()
        .current_dir(dir.path())
        .args(["apply", "out/vendor.review.xlsx", "--force"])
        .assert()
        .success()
        .stderr(predicate::str::contains("out/vendor.filled.xlsx"));
    assert_eq!(
        cell(&filled, "Security", 12, 3),
        "Yes, AES-256, says the reviewer."
    );
    assert!(
        !dir.path().join("vendor.filled.xlsx").exists(),
        "nothing written next to the questionnaire"
    );
}

#[test]
fn an_nda_answer_stays_out_whatever_the_withheld_column_says() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out, review) = filled_into_out(dir.path());
    // Row 16 is answered from an NDA-only entry; someone clears the flag and approves it.
    rewrite_review(
        &review,
        |sheet, row, col| match (sheet, row, col) {
            ("Security", 16, "Withheld") => Some("no".into()),
            ("Security", 16, "Status") => Some("approved".into()),
            ("Security", 16, "Answer") => Some("Under NDA: A.8.11 is only planned.".into()),
            _ => None,
        },
        |_| None,
    );
    apply(&review, &input).success().stderr(
        predicate::str::contains("withheld Security:16").and(predicate::str::contains("NDA")),
    );
    let filled = out.join("vendor.filled.xlsx");
    assert_eq!(cell(&filled, "Security", 16, 3), "");
    // The same row goes in for an NDA audience.
    qfill()
        .arg("apply")
        .arg(&review)
        .arg("--input")
        .arg(&input)
        .args(["--force", "--audience", "nda"])
        .assert()
        .success();
    assert!(cell(&filled, "Security", 16, 3).contains("Under NDA"));
}

#[test]
fn an_unknown_bank_id_or_a_placeholder_is_not_written_to_a_public_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out, review) = filled_into_out(dir.path());
    rewrite_review(
        &review,
        |sheet, row, col| match (sheet, row, col) {
            ("Security", 12, "Bank ID") => Some("made.up-entry".into()),
            ("Security", 11, "Answer") => Some("Yes, with [[ FILL IN: vendor ]].".into()),
            _ => None,
        },
        |_| None,
    );
    apply(&review, &input).success().stderr(
        predicate::str::contains("made.up-entry").and(predicate::str::contains("placeholder")),
    );
    let filled = out.join("vendor.filled.xlsx");
    assert_eq!(cell(&filled, "Security", 12, 3), "");
    assert_eq!(cell(&filled, "Security", 11, 3), "");
}

#[test]
fn a_mistyped_status_is_reported_with_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out, review) = filled_into_out(dir.path());
    rewrite_review(
        &review,
        |sheet, row, col| match (sheet, row, col) {
            ("Security", 17, "Status") => Some("aproved".into()),
            _ => None,
        },
        |_| None,
    );
    apply(&review, &input).failure().stderr(
        predicate::str::contains("aproved")
            .and(predicate::str::contains("Review row"))
            .and(predicate::str::contains("vendor.review.xlsx")),
    );
    assert!(!out.join("vendor.filled.xlsx.tmp").exists());
}

#[test]
fn the_summary_input_path_never_leads_outside_the_review_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (_input, _out, review) = filled_into_out(dir.path());
    // ../vendor.xlsx exists and is the right questionnaire, but the
    // workbook may not send qfill there.
    rewrite_review(
        &review,
        |_, _, _| None,
        |key| (key == "Input").then(|| "../vendor.xlsx".to_string()),
    );
    qfill()
        .arg("apply")
        .arg(&review)
        .arg("--force")
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("--input").and(predicate::str::contains("plain file name")),
        );
}

#[test]
fn a_blank_sha256_does_not_skip_the_changed_questionnaire_check() {
    let dir = tempfile::tempdir().unwrap();
    let (input, _out, review) = filled_into_out(dir.path());
    rewrite_review(
        &review,
        |_, _, _| None,
        |key| (key == "Input SHA-256").then(String::new),
    );
    apply(&review, &input)
        .failure()
        .stderr(predicate::str::contains("SHA-256"));
    // A changed questionnaire is refused too.
    let second = dir.path().join("second");
    std::fs::create_dir(&second).unwrap();
    let (input2, _, review2) = filled_into_out(&second);
    std::fs::copy(fixture("mark-columns.xlsx"), &input2).unwrap();
    apply(&review2, &input2)
        .failure()
        .stderr(predicate::str::contains("changed"));
}
