//! `qfill learn REVIEW.xlsx`: turn reviewers' edits and new answers into
//! proposals for the bank (the same file format as `bank harvest`).

use crate::cli::LearnArgs;
use crate::harvest::{Change, Proposal, slug, write_proposals};
use crate::model::Circle;
use crate::settings::MatchSettings;
use crate::write::review::Decision;
use anyhow::Result;

pub fn run(args: &LearnArgs) -> Result<()> {
    let review = crate::write::review::read_path(
        &args.review,
        crate::ingest::Limits::default().max_unzipped_bytes,
    )?;
    let loaded = MatchSettings::from(&args.bank).load()?;
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
        .filter(|r| r.status.accepted() && !r.answer.is_empty())
    {
        let place = format!("{source}:{}:{}", row.sheet, row.row);
        let entry = row
            .bank_id
            .as_deref()
            .and_then(|id| loaded.bank.entries.iter().find(|e| e.id == id));
        match entry {
            // A reviewer rewrote the answer of a bank entry.
            Some(e) if row.edited() => proposals.push(Proposal::edited(
                e,
                &row.question,
                row.answer.clone(),
                row.short.clone(),
                place,
            )),
            // An approved match teaches the bank a new way to ask.
            Some(e)
                if row.status == Decision::Approved
                    && !e
                        .questions
                        .iter()
                        .any(|x| x.eq_ignore_ascii_case(&row.question)) =>
            {
                proposals.push(Proposal::variant(e, &row.question, place))
            }
            Some(_) => {}
            // A person wrote an answer the bank did not have.
            None => {
                let id = slug("learned", &source, None, &row.question, &mut used);
                let circle = row.circle.parse().unwrap_or(Circle::Isms);
                proposals.push(Proposal::new_entry(
                    id,
                    circle,
                    &row.question,
                    row.answer.clone(),
                    row.short.clone(),
                    "learned",
                    place,
                ));
            }
        }
    }
    if proposals.is_empty() {
        crate::say!(
            "{}: nothing to learn: no edited answers, new answers or approved new variants",
            args.review.display()
        );
        return Ok(());
    }
    let out = write_proposals(&proposals, &args.review, args.out.as_deref(), args.force)?;
    let count = |f: fn(&Change) -> bool| proposals.iter().filter(|p| f(&p.change)).count();
    crate::say!(
        "{}: {} edited answers, {} new variants, {} new entries -> {}",
        args.review.display(),
        count(|c| matches!(c, Change::EditedAnswer { .. })),
        count(|c| matches!(c, Change::Variant { .. })),
        count(|c| *c == Change::New),
        out.display()
    );
    for p in &proposals {
        let what = match p.change {
            Change::New => "new entry",
            Change::Variant { .. } => "new variant",
            Change::EditedAnswer { .. } => "edited answer",
            Change::Beside { .. } => "answered otherwise",
        };
        crate::say!("  {what}: {}", p.id);
    }
    Ok(())
}
