//! `qfill learn REVIEW.xlsx`: turn reviewers' edits and new answers into
//! proposals for the bank (the same file format as `bank harvest`).

use super::load;
use crate::cli::LearnArgs;
use crate::harvest::{Proposal, slug, suggest_controls, write_proposals};
use crate::model::{Circle, Visibility};
use crate::write::review::read_back;
use anyhow::{Context, Result, anyhow};

pub fn run(args: &LearnArgs) -> Result<()> {
    let bytes = std::fs::read(&args.review)
        .with_context(|| format!("{}: cannot read the review workbook", args.review.display()))?;
    let review = read_back(&bytes).map_err(|e| anyhow!("{}: {e}", args.review.display()))?;
    let loaded = load(&args.bank)?;
    let source = args
        .review
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut proposals: Vec<Proposal> = Vec::new();
    let mut used = std::collections::HashSet::new();
    for row in review
        .rows
        .iter()
        .filter(|r| matches!(r.status.as_str(), "approved" | "auto") && !r.answer.is_empty())
    {
        let place = format!("{source}:{}:{}", row.sheet, row.row);
        let entry = row
            .bank_id
            .as_deref()
            .and_then(|id| loaded.bank.entries.iter().find(|e| e.id == id));
        match entry {
            // A reviewer rewrote the answer of a bank entry.
            Some(e) if row.edited() => {
                let mut questions = e.questions.clone();
                if !questions
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(&row.question))
                {
                    questions.push(row.question.clone());
                }
                proposals.push(Proposal {
                    id: e.id.clone(),
                    circle: e.circle,
                    questions,
                    answer: row.answer.clone(),
                    short: row.short.clone().or_else(|| e.short.clone()),
                    controls: e.controls.clone(),
                    visibility: e.visibility,
                    tags: e.tags.clone(),
                    merges_into: Some(e.origin.to_string()),
                    reason: "Edited answer",
                    source: place,
                });
            }
            // An approved match teaches the bank a new way to ask.
            Some(e)
                if row.status == "approved"
                    && !e
                        .questions
                        .iter()
                        .any(|x| x.eq_ignore_ascii_case(&row.question)) =>
            {
                let mut questions = e.questions.clone();
                questions.push(row.question.clone());
                proposals.push(Proposal {
                    questions,
                    merges_into: Some(e.origin.to_string()),
                    reason: "New variant",
                    source: place,
                    id: e.id.clone(),
                    circle: e.circle,
                    answer: e.answer.clone(),
                    short: e.short.clone(),
                    controls: e.controls.clone(),
                    visibility: e.visibility,
                    tags: e.tags.clone(),
                });
            }
            Some(_) => {}
            // A person wrote an answer the bank did not have.
            None => {
                proposals.push(Proposal {
                    id: slug("learned", &source, None, &row.question, &mut used),
                    circle: row.circle.parse().unwrap_or(Circle::Isms),
                    questions: vec![row.question.clone()],
                    answer: row.answer.clone(),
                    short: row.short.clone(),
                    controls: suggest_controls(&row.question),
                    visibility: Visibility::Nda,
                    tags: vec!["learned".into()],
                    merges_into: None,
                    reason: "",
                    source: place,
                });
            }
        }
    }
    if proposals.is_empty() {
        eprintln!(
            "{}: nothing to learn: no edited answers, new answers or approved new variants",
            args.review.display()
        );
        return Ok(());
    }
    let out = write_proposals(&proposals, &args.review, args.out.as_deref(), args.force)?;
    let count = |reason: &str| proposals.iter().filter(|p| p.reason == reason).count();
    eprintln!(
        "{}: {} edited answers, {} new variants, {} new entries -> {}",
        args.review.display(),
        count("Edited answer"),
        count("New variant"),
        count(""),
        out.display()
    );
    for p in &proposals {
        let what = if p.reason.is_empty() {
            "new entry"
        } else {
            p.reason
        };
        eprintln!("  {what}: {}", p.id);
    }
    Ok(())
}
