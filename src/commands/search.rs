//! `qfill search "TEXT"`: the best matches for one question, explained.

use crate::cli::SearchArgs;
use crate::compose::compose;
use crate::ingest::Question;
use crate::matching::Signals;
use crate::model::{Audience, Status};
use crate::pipeline::Loaded;
use crate::pipeline::{self, Options};
use crate::settings::MatchSettings;
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct Hit<'a> {
    bank_id: &'a str,
    confidence: f64,
    status: crate::model::Status,
    circle: crate::model::Circle,
    question: &'a str,
    answer: &'a str,
    owner: Option<&'a str>,
    reviewed: Option<String>,
    /// The entry `fill` would write for this question.
    chosen: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    question: &'a str,
    circle: crate::model::Circle,
    why: Vec<String>,
    matches: Vec<Hit<'a>>,
}

pub fn run(args: &SearchArgs) -> Result<()> {
    let loaded = MatchSettings::from(&args.bank).load()?;
    let Loaded {
        bank,
        mappings,
        matcher,
    } = &loaded;
    let encoded = matcher.encode_questions(&[&args.text], Signals::Both)?;
    // The circle, status and why are the ones `fill` gives this question.
    let question = Question::standalone(&args.text);
    let options = Options {
        audience: Audience::Public,
        overwrite: false,
        signals: Signals::Both,
    };
    // The whole pipeline, as `fill` runs it on a one-question sheet (a text
    // too short to stand alone is never answered unreviewed there either).
    let outcome = pipeline::run(std::slice::from_ref(&question), &loaded, options)?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("no outcome for the question"))?;
    let mut scored = matcher.rank(encoded.query(0, &args.text), args.top.max(1), Signals::Both);
    // In the order `fill` suggests them: the entry it puts first, then the
    // ranking's. The entry `fill` answers with is marked.
    if let Some(i) = scored
        .iter()
        .position(|c| Some(c.entry) == outcome.best_entry)
    {
        let first = scored.remove(i);
        scored.insert(0, first);
    }
    let lead = outcome.bank_id.as_deref();
    let hits: Vec<Hit> = scored
        .iter()
        .map(|c| {
            let e = &bank.entries[c.entry];
            Hit {
                bank_id: &e.id,
                confidence: (c.confidence * 100.0).round() / 100.0,
                status: if Some(e.id.as_str()) == lead {
                    outcome.status
                } else {
                    // The status `fill` would give this entry: the matcher's,
                    // capped by the boundary and confidentiality rules.
                    let status = matcher.status_for(c.confidence).min_with(Status::Review);
                    compose(&args.text, Some(e), status, mappings, Audience::Public)
                        .status
                        .unwrap_or(status)
                },
                circle: e.circle,
                question: &e.questions[0],
                answer: &e.answer,
                owner: e.owner.as_deref(),
                reviewed: e.reviewed.map(|d| d.to_string()),
                chosen: Some(e.id.as_str()) == lead,
            }
        })
        .collect();
    let why = outcome.why.clone();
    let report = Report {
        question: &args.text,
        circle: outcome.circle,
        why,
        matches: hits,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "circle: {} ({})",
        report.circle,
        report.circle.display_name()
    );
    println!("why:    {}", report.why.join("; "));
    if report.matches.is_empty() {
        println!("no entry in the bank shares a term with this question");
    }
    for (i, h) in report.matches.iter().enumerate() {
        println!();
        println!(
            "{}. {}  {:.2} {}  [{}]{}",
            i + 1,
            h.bank_id,
            h.confidence,
            h.status,
            h.circle,
            if h.chosen {
                "  <- fill answers with this"
            } else {
                ""
            }
        );
        println!("   Q: {}", h.question);
        let short: String = h.answer.chars().take(160).collect();
        let more = if h.answer.chars().count() > 160 {
            "…"
        } else {
            ""
        };
        println!("   A: {short}{more}");
        if let (Some(o), Some(r)) = (h.owner, &h.reviewed) {
            println!("   owner {o}, reviewed {r}");
        }
    }
    Ok(())
}
