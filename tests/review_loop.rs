//! The review loop: people edit NAME.review.xlsx, `qfill apply` writes what they
//! approved into the buyer's workbook, `qfill learn` proposes bank changes.

mod common;

use calamine::{Reader, open_workbook_auto};
use common::{fixture, qfill};
use predicates::prelude::*;
use std::path::Path;

fn edit_review(path: &Path, edit: impl Fn(&str, u32, &str) -> Option<String>) {
    common::rewrite_review(path, edit, |_| None);
}

fn cell(path: &Path, sheet: &str, row: u32, col: u32) -> String {
    let mut wb = open_workbook_auto(path).unwrap();
    let r = wb.worksheet_range(sheet).unwrap();
    r.get_value((row - 1, col))
        .map(|v| v.to_string())
        .unwrap_or_default()
}

#[test]
fn apply_writes_approved_and_edited_answers_and_learn_proposes_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("vendor.xlsx");
    std::fs::copy(fixture("vendor-assessment.xlsx"), &input).unwrap();
    qfill().arg("fill").arg(&input).assert().success();
    let review = dir.path().join("vendor.review.xlsx");
    edit_review(&review, |sheet, row, column| match (sheet, row, column) {
        ("Security", 12, "Answer") => {
            Some("Yes. AES-256-GCM everywhere, checked by the reviewer.".into())
        }
        ("Security", 7, "Status") => Some("rejected".into()),
        ("Security", 17, "Answer") => Some("Grey, and it is in nobody's threat model.".into()),
        ("Security", 17, "Status") | ("Security", 16, "Status") => Some("approved".into()),
        _ => None,
    });

    qfill()
        .arg("apply")
        .arg(&review)
        .arg("--force")
        .assert()
        .success()
        .stderr(predicate::str::contains("1 rejected").and(predicate::str::contains("still open")));
    let filled = dir.path().join("vendor.filled.xlsx");
    assert_eq!(
        cell(&filled, "Security", 12, 3),
        "Yes. AES-256-GCM everywhere, checked by the reviewer."
    );
    assert_eq!(
        cell(&filled, "Security", 7, 2),
        "",
        "rejected: nothing written"
    );
    assert_eq!(
        cell(&filled, "Security", 17, 3),
        "Grey, and it is in nobody's threat model."
    );
    assert_eq!(
        cell(&filled, "Security", 16, 3),
        "",
        "an NDA answer stays out of a public workbook"
    );
    assert!(
        cell(&filled, "Security", 11, 3).contains("MFA"),
        "auto rows are written as they stand"
    );

    let proposals = dir.path().join("learned.toml");
    qfill()
        .arg("learn")
        .arg(&review)
        .arg("-o")
        .arg(&proposals)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("1 edited answers")
                .and(predicate::str::contains("new entries")),
        );
    let text = std::fs::read_to_string(&proposals).unwrap();
    assert!(
        text.contains("Edited answer for `crypto.at-rest`"),
        "{text}"
    );
    assert!(text.contains("AES-256-GCM everywhere"));
    assert!(text.contains("What colour is the carpet in your reception area?"));
    assert!(text.contains("id = \"learned."));

    // A changed questionnaire is not patched with an old review.
    std::fs::copy(fixture("mark-columns.xlsx"), &input).unwrap();
    qfill()
        .arg("apply")
        .arg(&review)
        .arg("--force")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("changed since"));
}
