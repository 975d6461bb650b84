//! The review loop: people edit NAME.review.xlsx, `qfill apply` writes what they
//! approved into the buyer's workbook, `qfill learn` proposes bank changes.

mod common;

use calamine::{Data, Reader, open_workbook_auto};
use common::{fixture, qfill};
use predicates::prelude::*;
use std::path::Path;

/// Rewrites a review workbook as a person would leave it: `edit(sheet, row, column) -> new value`.
fn edit_review(path: &Path, edit: impl Fn(&str, u32, &str) -> Option<String>) {
    let mut wb = open_workbook_auto(path).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    for name in ["Review", "Summary"] {
        let range = wb.worksheet_range(name).unwrap();
        let headers: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let ws = out.add_worksheet().set_name(name).unwrap();
        for (r, row) in range.rows().enumerate() {
            let q_row = if name == "Review" && r > 0 {
                row[1].to_string()
            } else {
                String::new()
            };
            for (c, cell) in row.iter().enumerate() {
                let header = headers.get(c).map(String::as_str).unwrap_or("");
                let value = match (r > 0 && name == "Review")
                    .then(|| edit(&row[0].to_string(), q_row.parse().unwrap_or(0), header))
                    .flatten()
                {
                    Some(v) => v,
                    None => match cell {
                        Data::Empty => continue,
                        other => other.to_string(),
                    },
                };
                ws.write_string(r as u32, c as u16, value).unwrap();
            }
        }
    }
    out.save(path).unwrap();
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
