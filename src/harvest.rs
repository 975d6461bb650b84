//! Harvest: turn questionnaires the company already answered into proposed
//! bank entries, for a person to review before anything is approved.

use crate::bank::Bank;
use crate::classify::classify;
use crate::ingest::{AnswerTarget, Question, Workbook};
use crate::mappings::Mappings;
use crate::matching::{Matcher, Signals};
use crate::model::{Circle, ControlId, Visibility};
use serde::Serialize;

/// How similar (match confidence) a harvested question must be to an existing
/// entry to be proposed as a new variant of it rather than a new entry.
const SAME_QUESTION: f64 = 0.9;

/// One proposal: a new entry, or a new variant for an existing one.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub id: String,
    pub circle: Circle,
    pub questions: Vec<String>,
    pub answer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<ControlId>,
    pub visibility: Visibility,
    pub tags: Vec<String>,
    /// For a change to an existing entry: where it is (written as a comment).
    #[serde(skip)]
    pub merges_into: Option<String>,
    /// What the change to an existing entry is: "New variant", "Edited answer".
    #[serde(skip)]
    pub reason: &'static str,
    /// Where the answer came from (written as a comment).
    #[serde(skip)]
    pub source: String,
}

/// Keywords that point at Annex A (2022) controls, for suggesting `controls`.
const CONTROL_KEYWORDS: &[(&str, &str)] = &[
    ("polic", "A.5.1"),
    ("roles and responsibilit", "A.5.2"),
    ("segregat", "A.5.3"),
    ("threat intel", "A.5.7"),
    ("inventor", "A.5.9"),
    ("acceptable use", "A.5.10"),
    ("classif", "A.5.12"),
    ("access control", "A.5.15"),
    ("identit", "A.5.16"),
    ("password", "A.5.17"),
    ("access right", "A.5.18"),
    ("supplier", "A.5.19"),
    ("vendor", "A.5.19"),
    ("third part", "A.5.19"),
    ("cloud service", "A.5.23"),
    ("incident", "A.5.24"),
    ("evidence", "A.5.28"),
    ("continuity", "A.5.30"),
    ("legal", "A.5.31"),
    ("regulat", "A.5.31"),
    ("intellectual property", "A.5.32"),
    ("record", "A.5.33"),
    ("privacy", "A.5.34"),
    ("personal data", "A.5.34"),
    ("audit", "A.5.35"),
    ("screening", "A.6.1"),
    ("background check", "A.6.1"),
    ("training", "A.6.3"),
    ("awareness", "A.6.3"),
    ("disciplinary", "A.6.4"),
    ("confidentiality", "A.6.6"),
    ("remote", "A.6.7"),
    ("physical", "A.7.1"),
    ("endpoint", "A.8.1"),
    ("privileged", "A.8.2"),
    ("source code", "A.8.4"),
    ("authenticat", "A.8.5"),
    ("capacity", "A.8.6"),
    ("malware", "A.8.7"),
    ("vulnerab", "A.8.8"),
    ("configuration", "A.8.9"),
    ("delet", "A.8.10"),
    ("masking", "A.8.11"),
    ("data leak", "A.8.12"),
    ("backup", "A.8.13"),
    ("redundan", "A.8.14"),
    ("log", "A.8.15"),
    ("monitor", "A.8.16"),
    ("clock", "A.8.17"),
    ("network", "A.8.20"),
    ("segment", "A.8.22"),
    ("encrypt", "A.8.24"),
    ("cryptograph", "A.8.24"),
    ("key management", "A.8.24"),
    ("development", "A.8.25"),
    ("secure coding", "A.8.28"),
    ("penetration", "A.8.29"),
    ("security test", "A.8.29"),
    ("outsourc", "A.8.30"),
    ("environment", "A.8.31"),
    ("change management", "A.8.32"),
    ("change control", "A.8.32"),
    ("test data", "A.8.33"),
];

/// Controls suggested by keywords of the question, in Annex A order.
pub fn suggest_controls(question: &str) -> Vec<ControlId> {
    let q = question.to_lowercase();
    let mut out: Vec<ControlId> = CONTROL_KEYWORDS
        .iter()
        .filter(|(k, _)| q.contains(k))
        .filter_map(|(_, c)| c.parse().ok())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Yes / No / NA from an answer cell, as a bank `short`.
pub fn short_answer(value: &str) -> Option<String> {
    let v = value.trim().to_lowercase();
    let v = v
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches([')', '.', '-', ' ']);
    match v {
        "yes" | "y" | "si" | "sí" | "true" | "x" => Some("Yes".into()),
        "no" | "n" | "false" => Some("No".into()),
        "na" | "n/a" | "n.a." | "not applicable" => Some("NA".into()),
        _ => None,
    }
}

/// A new entry id, `KIND.SOURCE.KEY`, from a question id or else the
/// question's first words, unique among `used`.
pub fn slug(
    kind: &str,
    source: &str,
    id: Option<&str>,
    text: &str,
    used: &mut std::collections::HashSet<String>,
) -> String {
    let words = |s: &str| {
        s.to_lowercase()
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    };
    let key = match id {
        Some(id) => words(id),
        None => words(
            &text
                .split_whitespace()
                .take(6)
                .collect::<Vec<_>>()
                .join(" "),
        ),
    };
    let prefix: String = source
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(12)
        .collect();
    let or_q = |s: String| if s.is_empty() { "q".to_string() } else { s };
    let base = format!("{kind}.{}.{}", or_q(prefix), or_q(key));
    let id = (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| !used.contains(id))
        .expect("an unused id");
    used.insert(id.clone());
    id
}

/// Proposals from the answered rows of a completed questionnaire.
pub fn harvest(
    book: &Workbook,
    questions: &[Question],
    source: &str,
    bank: &Bank,
    mappings: &Mappings,
    matcher: Option<&Matcher>,
) -> anyhow::Result<Vec<Proposal>> {
    let mut used = std::collections::HashSet::new();
    let mut out = Vec::new();
    let texts: Vec<&str> = questions.iter().map(|q| q.text.as_str()).collect();
    // Without vectors, the lexical signal alone decides what is a variant.
    let encoded = match matcher {
        Some(m) => m.encode_questions(&texts, Signals::Both)?,
        None => Default::default(),
    };
    for (i, q) in questions.iter().enumerate() {
        let sheet = &book.sheets[q.sheet_index];
        let short = q.existing.as_deref().and_then(short_answer);
        let free_text = q
            .comment_col
            .map(|c| sheet.text(q.row, c))
            .filter(|t| !t.is_empty());
        // The answer cell itself may hold the prose when there is no comments column.
        let cell_text = match q.answer {
            AnswerTarget::Cell(_) => q.existing.clone().filter(|e| short_answer(e).is_none()),
            _ => None,
        };
        let Some(answer) = free_text.or(cell_text).or_else(|| short.clone()) else {
            continue;
        };
        let place = format!("{source}:{}:{}", q.sheet, q.row1());
        let query = encoded.query(i, &q.text);
        let best = matcher
            .map(|m| m.match_question(query, Signals::Both))
            .and_then(|r| {
                r.best()
                    .filter(|c| c.confidence >= SAME_QUESTION)
                    .map(|c| c.entry)
            });
        if let Some(i) = best {
            let e = &bank.entries[i];
            if e.questions.iter().any(|x| x.eq_ignore_ascii_case(&q.text)) {
                continue;
            }
            // Several harvested questions may be variants of one entry: one proposal for it.
            if let Some(p) = out
                .iter_mut()
                .find(|p: &&mut Proposal| p.merges_into.is_some() && p.id == e.id)
            {
                p.questions.push(q.text.clone());
                p.source.push_str(&format!(", {place}"));
                continue;
            }
            let mut questions = e.questions.clone();
            questions.push(q.text.clone());
            out.push(Proposal {
                id: e.id.clone(),
                circle: e.circle,
                questions,
                answer: e.answer.clone(),
                short: e.short.clone(),
                controls: e.controls.clone(),
                visibility: e.visibility,
                tags: e.tags.clone(),
                merges_into: Some(e.origin.to_string()),
                reason: "New variant",
                source: place,
            });
            continue;
        }
        out.push(Proposal {
            id: slug("harvest", source, q.id.as_deref(), &q.text, &mut used),
            circle: classify(&q.text, &mappings.rules, None).circle,
            questions: vec![q.text.clone()],
            answer,
            short,
            controls: suggest_controls(&q.text),
            // Harvested text has not been approved for the public yet.
            visibility: Visibility::Nda,
            tags: vec!["harvested".into()],
            merges_into: None,
            reason: "",
            source: place,
        });
    }
    Ok(out)
}

/// Writes proposals to `out`, or to `answer-bank/proposed/STEM.toml` beside
/// the approved bank (never into it); returns where they went.
pub fn write_proposals(
    proposals: &[Proposal],
    from: &std::path::Path,
    out: Option<&std::path::Path>,
    force: bool,
) -> anyhow::Result<std::path::PathBuf> {
    let name = from
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = from
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "proposals".into());
    let path = out.map(std::path::Path::to_path_buf).unwrap_or_else(|| {
        std::path::Path::new("answer-bank")
            .join("proposed")
            .join(format!("{stem}.toml"))
    });
    let output = crate::write::Output {
        path: path.clone(),
        bytes: to_toml(proposals, &name).into_bytes(),
    };
    crate::write::write_all(std::slice::from_ref(&output), from, force)?;
    Ok(path)
}

/// The proposals as a bank-format TOML file, with where each came from.
pub fn to_toml(proposals: &[Proposal], source: &str) -> String {
    let mut out = format!(
        "# Proposed entries from {source}, written by `qfill`. Not approved: review each one,\n\
         # then move it into the bank (set visibility, owner and reviewed as you approve it).\n\n"
    );
    for p in proposals {
        match &p.merges_into {
            Some(at) => out.push_str(&format!(
                "# {} for `{}` ({at}), from {}\n",
                p.reason, p.id, p.source
            )),
            None => out.push_str(&format!("# From {}\n", p.source)),
        }
        #[derive(Serialize)]
        struct One<'a> {
            entry: [&'a Proposal; 1],
        }
        let one = toml::to_string(&One { entry: [p] }).unwrap_or_default();
        out.push_str(&one);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_answers_are_normalised() {
        assert_eq!(short_answer("yes").as_deref(), Some("Yes"));
        assert_eq!(short_answer("1) No").as_deref(), Some("No"));
        assert_eq!(short_answer("N/A").as_deref(), Some("NA"));
        assert_eq!(short_answer("Partially"), None);
    }

    #[test]
    fn ids_are_unique_and_readable() {
        let mut used = std::collections::HashSet::new();
        let a = slug("harvest", "CAIQ v4.xlsx", Some("A&A-01.1"), "Q?", &mut used);
        assert_eq!(a, "harvest.caiqv4xlsx.a-a-01.1");
        let b = slug("harvest", "CAIQ v4.xlsx", Some("A&A-01.1"), "Q?", &mut used);
        let c = slug("harvest", "CAIQ v4.xlsx", Some("A&A-01.1"), "Q?", &mut used);
        assert_eq!(
            (b.as_str(), c.as_str()),
            (
                "harvest.caiqv4xlsx.a-a-01.1-2",
                "harvest.caiqv4xlsx.a-a-01.1-3"
            )
        );
        assert_eq!(
            slug(
                "learned",
                "r.xlsx",
                None,
                "Do you log admin actions?",
                &mut used
            ),
            "learned.rxlsx.do-you-log-admin-actions"
        );
    }

    #[test]
    fn controls_are_suggested_from_keywords() {
        let c: Vec<String> = suggest_controls("Do you encrypt backups?")
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(c, vec!["A.8.13", "A.8.24"]);
        assert!(suggest_controls("What colour is the carpet?").is_empty());
    }
}
