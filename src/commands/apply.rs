//! `qfill apply REVIEW.xlsx`: put what reviewers approved and edited into the
//! buyer's filled workbook, through the same writer as `fill`.
//!
//! The review workbook has been in other people's hands: nothing in it is
//! trusted. Visibility and placeholders are checked again against the bank,
//! the questionnaire must be the one the review was made for, and its path
//! never leads outside the review workbook's folder.

use crate::bank::{Bank, Entry};
use crate::cli::ApplyArgs;
use crate::ingest::{self, Question};
use crate::model::{Audience, Visibility};
use crate::settings::{self, Sources};
use crate::write::cells::{Placement, place};
use crate::write::review::{self, Decision, ReviewFile, ReviewRow};
use crate::write::{self, Output};
use anyhow::{Result, anyhow, bail};
use std::path::{Path, PathBuf};

pub fn run(args: &ApplyArgs) -> Result<()> {
    let review = review::read_path(&args.review, args.limits.limits().max_unzipped_bytes)?;
    let input = find_input(args, &review)?;
    let book = ingest::read(&input, &args.limits.limits())?;
    check_same_questionnaire(&review, &book.sha256, &input, &args.review)?;
    let (bank, _) = Sources::resolve(args.bank.as_deref(), args.mappings.as_deref()).load()?;
    let overrides = settings::overrides(&args.layout);
    let questions: Vec<Question> = ingest::detect(&book, &overrides)
        .into_iter()
        .flat_map(|l| l.questions)
        .collect();
    let applied: Vec<(&Question, Applied)> = questions
        .iter()
        .map(|q| {
            let row = review
                .rows
                .iter()
                .find(|r| r.sheet == q.sheet && r.row == q.row1());
            (q, decide(row, &bank, args.audience))
        })
        .collect();
    let cells: Vec<Placement> = applied
        .iter()
        .flat_map(|(q, a)| match a {
            Applied::Write { answer, short } => place(q, answer, short.as_deref()),
            _ => Vec::new(),
        })
        .collect();
    let filled = write::render_filled(&input, &book, &cells)?;
    let out_dir = args
        .out_dir
        .clone()
        .unwrap_or_else(|| folder_of(&args.review));
    let output = Output {
        path: write::output_path(&input, Some(&out_dir), filled.extension),
        bytes: filled.bytes,
    };
    write::write_all(std::slice::from_ref(&output), &input, args.force)?;
    if let Some(note) = filled.note {
        crate::say!("{note}");
    }
    report(&review.rows, &applied, &output.path);
    Ok(())
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The review must be for this very questionnaire: a review workbook without
/// the questionnaire's SHA-256 cannot prove it, so it is refused too.
fn check_same_questionnaire(
    review: &ReviewFile,
    sha256: &str,
    input: &Path,
    review_path: &Path,
) -> Result<()> {
    if review.input_sha256.trim().is_empty() {
        bail!(
            "{}: the Summary sheet has no `Input SHA-256`, so qfill cannot tell whether {} is the questionnaire this review was made for; fill it again to get a new review workbook",
            review_path.display(),
            input.display()
        );
    }
    if !review.input_sha256.trim().eq_ignore_ascii_case(sha256) {
        bail!(
            "{}: the questionnaire changed since {} was written; fill it again, or pass the original with --input",
            input.display(),
            review_path.display()
        );
    }
    Ok(())
}

/// The questionnaire the review was made for: --input, or the Summary's
/// file name in the review workbook's folder or the current one. The name comes from the
/// workbook, so it must be a plain file name: no folders, no `..`.
fn find_input(args: &ApplyArgs, review: &ReviewFile) -> Result<PathBuf> {
    if let Some(p) = &args.input {
        return Ok(p.clone());
    }
    let name = review.input.trim();
    let plain = Path::new(name)
        .file_name()
        .is_some_and(|f| f == std::ffi::OsStr::new(name))
        && !name.contains(['/', '\\']);
    if !plain {
        bail!(
            "{}: the Summary names `{name}` as its questionnaire, which is not a plain file name beside the review workbook; pass the questionnaire with --input",
            args.review.display()
        );
    }
    // Beside the review workbook, else where `fill IN -o out/` was run.
    let beside = folder_of(&args.review).join(name);
    [beside, PathBuf::from(name)]
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| {
            anyhow!(
                "{}: cannot find `{name}`, the questionnaire this review is for, in {} or the current folder; pass it with --input",
                args.review.display(),
                folder_of(&args.review).display()
            )
        })
}

/// Why an accepted answer may still not go to this audience, judged from the
/// bank as it is now, never from the review workbook's own columns.
fn withhold_reason(row: &ReviewRow, bank: &Bank, audience: Audience) -> Option<String> {
    let entry: Option<&Entry> = match &row.bank_id {
        Some(id) => match bank.entries.iter().find(|e| &e.id == id) {
            Some(e) => Some(e),
            // An id the bank does not know cannot be shown to be public.
            None if audience == Audience::Public => {
                return Some(format!(
                    "bank entry `{id}` is not in the bank, so its visibility is unknown"
                ));
            }
            None => None,
        },
        None => None,
    };
    if audience == Audience::Public
        && let Some(e) = entry
        && e.visibility != Visibility::Public
    {
        return Some(format!("bank entry `{}` is NDA-only", e.id));
    }
    crate::bank::placeholder(&row.answer).map(|p| format!("the answer holds a placeholder `{p}`"))
}

/// What a reviewed row means for the buyer's workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Applied {
    /// An accepted answer: written.
    Write {
        answer: String,
        short: Option<String>,
    },
    /// Accepted, but not for this audience or not finished: why.
    Withheld(String),
    /// Nothing to write: no row, rejected, open or kept.
    Nothing,
}

fn decide(row: Option<&ReviewRow>, bank: &Bank, audience: Audience) -> Applied {
    let Some(row) = row else {
        return Applied::Nothing;
    };
    if !row.status.accepted() || row.answer.is_empty() {
        return Applied::Nothing;
    }
    match withhold_reason(row, bank, audience) {
        Some(reason) => Applied::Withheld(reason),
        None => Applied::Write {
            answer: row.answer.clone(),
            short: row.short.clone(),
        },
    }
}

fn report(rows: &[ReviewRow], applied: &[(&Question, Applied)], path: &Path) {
    let count = |d: Decision| rows.iter().filter(|r| r.status == d).count();
    let written = applied
        .iter()
        .filter(|(_, a)| matches!(a, Applied::Write { .. }))
        .count();
    let edited = rows
        .iter()
        .filter(|r| r.status.accepted() && r.edited())
        .count();
    let open: Vec<&ReviewRow> = rows.iter().filter(|r| r.status.open()).collect();
    crate::say!(
        "{}: {written} answers written ({} approved, {} auto, {edited} edited by reviewers), {} rejected, {} kept, {} still open",
        path.display(),
        count(Decision::Approved),
        count(Decision::Auto),
        count(Decision::Rejected),
        count(Decision::Kept),
        open.len()
    );
    for (q, a) in applied {
        if let Applied::Withheld(reason) = a {
            crate::say!("  withheld {}:{} not written: {reason}", q.sheet, q.row1());
        }
    }
    for r in open.iter().take(20) {
        let q: String = r.question.chars().take(90).collect();
        crate::say!("  open {}:{} ({}) {q}", r.sheet, r.row, r.status.as_str());
    }
    if open.len() > 20 {
        crate::say!("  … and {} more", open.len() - 20);
    }
}
