//! `qfill search "TEXT"`: the best matches for one question, explained.

use super::{Loaded, load};
use crate::classify::classify;
use crate::cli::SearchArgs;
use crate::compose::{compose, out_of_scope_item};
use crate::matching::Signals;
use crate::model::Audience;
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
}

#[derive(Serialize)]
struct Report<'a> {
    question: &'a str,
    circle: crate::model::Circle,
    why: Vec<String>,
    matches: Vec<Hit<'a>>,
}

pub fn run(args: &SearchArgs) -> Result<()> {
    let Loaded {
        bank,
        mappings,
        matcher,
    } = load(&args.bank)?;
    let encoded = matcher.encode_questions(&[&args.text], Signals::Both)?;
    let scored = matcher.rank(encoded.query(0, &args.text), args.top.max(1), Signals::Both);
    let best = scored
        .first()
        .map(|c| (&bank.entries[c.entry], c.confidence));
    let class = classify(&args.text, &mappings.rules, best);
    let mut why = class.why.clone();
    if let Some(item) = out_of_scope_item(&args.text, &mappings) {
        why.push(format!("names out-of-scope item `{}`", item.id));
    }
    let hits: Vec<Hit> = scored
        .iter()
        .map(|c| {
            let e = &bank.entries[c.entry];
            Hit {
                bank_id: &e.id,
                confidence: (c.confidence * 100.0).round() / 100.0,
                // The status `fill` would give: the matcher's, capped by the
                // boundary and confidentiality rules of composing.
                status: {
                    let status = matcher.status_for(c.confidence);
                    compose(&args.text, Some(e), status, &mappings, Audience::Public)
                        .status
                        .unwrap_or(status)
                },
                circle: e.circle,
                question: &e.questions[0],
                answer: &e.answer,
                owner: e.owner.as_deref(),
                reviewed: e.reviewed.map(|d| d.to_string()),
            }
        })
        .collect();
    let report = Report {
        question: &args.text,
        circle: class.circle,
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
            "{}. {}  {:.2} {}  [{}]",
            i + 1,
            h.bank_id,
            h.confidence,
            h.status,
            h.circle
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
