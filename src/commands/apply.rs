//! `qfill apply REVIEW.xlsx`: put what reviewers approved and edited into the
//! buyer's filled workbook, through the same writer as `fill`.

use crate::cli::ApplyArgs;
use crate::ingest::{self, Question};
use crate::model::{Audience, Circle, Status};
use crate::pipeline::Outcome;
use crate::write::review::{ReviewFile, ReviewRow, read_back};
use crate::write::{self, Output};
use anyhow::{Context, Result, anyhow, bail};
use std::path::{Path, PathBuf};

pub fn run(args: &ApplyArgs) -> Result<()> {
    let bytes = std::fs::read(&args.review)
        .with_context(|| format!("{}: cannot read the review workbook", args.review.display()))?;
    let review = read_back(&bytes).map_err(|e| anyhow!("{}: {e}", args.review.display()))?;
    let input = find_input(args, &review)?;
    let book = ingest::read(&input, &args.limits.limits())?;
    if !review.input_sha256.is_empty() && book.sha256 != review.input_sha256 {
        bail!(
            "{}: the questionnaire changed since {} was written; fill it again, or pass the original with --input",
            input.display(),
            args.review.display()
        );
    }
    let overrides = super::fill::overrides(&args.layout);
    let questions: Vec<Question> = ingest::detect(&book, &overrides)
        .into_iter()
        .flat_map(|l| l.questions)
        .collect();
    let outcomes: Vec<Outcome> = questions
        .iter()
        .map(|q| {
            let row = review
                .rows
                .iter()
                .find(|r| r.sheet == q.sheet && r.row == q.row1());
            decide(q, row, args.audience)
        })
        .collect();
    let writer = write::filled_writer(book.format);
    let output = Output {
        path: write::output_path(&input, args.out_dir.as_deref(), writer.extension(&book)),
        bytes: writer.render(&book, &outcomes, false)?,
    };
    write::write_all(std::slice::from_ref(&output), &input, args.force)?;
    report(&review.rows, &outcomes, &output.path);
    Ok(())
}

/// The questionnaire the review was made for: --input, or the Summary's
/// file name beside the review workbook or in the current folder.
fn find_input(args: &ApplyArgs, review: &ReviewFile) -> Result<PathBuf> {
    if let Some(p) = &args.input {
        return Ok(p.clone());
    }
    let beside = args
        .review
        .parent()
        .unwrap_or(Path::new("."))
        .join(&review.input);
    [beside, PathBuf::from(&review.input)]
        .into_iter()
        .find(|p| !review.input.is_empty() && p.is_file())
        .ok_or_else(|| {
            anyhow!(
                "{}: cannot find `{}`, the questionnaire this review is for; pass it with --input",
                args.review.display(),
                review.input
            )
        })
}

/// What a reviewed row means for the buyer's workbook.
fn decide(q: &Question, row: Option<&ReviewRow>, audience: Audience) -> Outcome {
    let mut outcome = Outcome {
        question: q.clone(),
        circle: Circle::Isms,
        status: Status::None,
        confidence: 0.0,
        bank_id: None,
        best_entry: None,
        answer: None,
        short: None,
        withheld: false,
        controls: Vec::new(),
        why: vec!["applied from the review workbook".into()],
        candidates: Vec::new(),
    };
    let Some(row) = row else { return outcome };
    outcome.circle = row.circle.parse().unwrap_or(Circle::Isms);
    outcome.bank_id = row.bank_id.clone();
    let approved = matches!(row.status.as_str(), "approved" | "auto");
    // An NDA answer stays out of a public workbook, approved or not.
    if approved && !row.answer.is_empty() && !(row.withheld && audience == Audience::Public) {
        outcome.status = Status::Auto;
        outcome.answer = Some(row.answer.clone());
        outcome.short = row.short.clone();
    } else if row.status == "kept" {
        outcome.status = Status::Kept;
    }
    outcome
}

fn report(rows: &[ReviewRow], outcomes: &[Outcome], path: &Path) {
    let count = |s: &str| rows.iter().filter(|r| r.status == s).count();
    let written = outcomes.iter().filter(|o| o.status == Status::Auto).count();
    let edited = rows
        .iter()
        .filter(|r| matches!(r.status.as_str(), "approved" | "auto") && r.edited())
        .count();
    let open: Vec<&ReviewRow> = rows
        .iter()
        .filter(|r| matches!(r.status.as_str(), "review" | "none"))
        .collect();
    eprintln!(
        "{}: {written} answers written ({} approved, {} auto, {edited} edited by reviewers), {} rejected, {} kept, {} still open",
        path.display(),
        count("approved"),
        count("auto"),
        count("rejected"),
        count("kept"),
        open.len()
    );
    for r in open.iter().take(20) {
        let q: String = r.question.chars().take(90).collect();
        eprintln!("  open {}:{} ({}) {q}", r.sheet, r.row, r.status);
    }
    if open.len() > 20 {
        eprintln!("  … and {} more", open.len() - 20);
    }
}
