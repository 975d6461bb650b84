//! Harvest: turn questionnaires the company already answered into proposed
//! bank entries, for a person to review before anything is approved.

use crate::bank::{Bank, Entry};
use crate::classify::{Matched, classify};
use crate::ingest::{AnswerTarget, Question, Workbook};
use crate::mappings::Mappings;
use crate::matching::{Matcher, Signals};
use crate::model::{Circle, ControlId, Visibility};
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One proposal: a new entry, or a change to an existing one.
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
    /// What it is to the bank (written as a comment).
    #[serde(skip)]
    pub change: Change,
    /// Where the answer came from (written as a comment).
    #[serde(skip)]
    pub source: String,
}

/// What a proposal is to the approved bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new entry.
    New,
    /// A new way to ask an existing entry (at `file:line:col`), its answer kept.
    Variant { at: String },
    /// A reviewer's new answer for an existing entry.
    EditedAnswer { at: String },
    /// The same question as an existing entry, with another answer: a person
    /// keeps one of the two.
    Beside { id: String, at: String },
}

impl Proposal {
    /// A new entry, not approved yet: NDA until a person says otherwise.
    pub fn new_entry(
        id: String,
        circle: Circle,
        question: &str,
        answer: String,
        short: Option<String>,
        tag: &str,
        source: String,
    ) -> Proposal {
        Proposal {
            id,
            circle,
            questions: vec![question.to_string()],
            answer,
            short,
            controls: suggest_controls(question),
            visibility: Visibility::Nda,
            tags: vec![tag.to_string()],
            change: Change::New,
            source,
        }
    }

    /// An existing entry, as it is, with a new way to ask it.
    pub fn variant(e: &Entry, question: &str, source: String) -> Proposal {
        let mut p = Proposal::of(e, source);
        p.add_question(question);
        p.change = Change::Variant {
            at: e.origin.to_string(),
        };
        p
    }

    /// An existing entry with a reviewer's answer (and the question they approved it for).
    pub fn edited(
        e: &Entry,
        question: &str,
        answer: String,
        short: Option<String>,
        source: String,
    ) -> Proposal {
        let mut p = Proposal::of(e, source);
        p.add_question(question);
        p.answer = answer;
        p.short = short.or_else(|| e.short.clone());
        p.change = Change::EditedAnswer {
            at: e.origin.to_string(),
        };
        p
    }

    fn of(e: &Entry, source: String) -> Proposal {
        Proposal {
            id: e.id.clone(),
            circle: e.circle,
            questions: e.questions.clone(),
            answer: e.answer.clone(),
            short: e.short.clone(),
            controls: e.controls.clone(),
            visibility: e.visibility,
            tags: e.tags.clone(),
            change: Change::New,
            source,
        }
    }

    /// Adds a way to ask, unless the entry has it already.
    pub fn add_question(&mut self, question: &str) {
        if !self
            .questions
            .iter()
            .any(|x| x.eq_ignore_ascii_case(question))
        {
            self.questions.push(question.to_string());
        }
    }

    /// Whether it changes an existing entry.
    pub fn changes_existing(&self) -> bool {
        matches!(
            self.change,
            Change::Variant { .. } | Change::EditedAnswer { .. }
        )
    }
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
    crate::values::polarity(value).map(|p| p.short().to_string())
}

/// A new entry id, `KIND.SOURCE.KEY`, from a question id or else the
/// question's first words, unique among `used`.
pub fn slug(
    kind: &str,
    source: &str,
    id: Option<&str>,
    text: &str,
    used: &mut HashSet<String>,
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

/// The approved bank harvest compares with, if any: never the built-in
/// example bank, whose fictional entries must not absorb a company's answers.
pub struct Approved<'a> {
    pub bank: &'a Bank,
    pub matcher: &'a Matcher,
}

/// Proposals from the answered rows of a completed questionnaire.
pub fn harvest(
    book: &Workbook,
    questions: &[Question],
    source: &str,
    mappings: &Mappings,
    approved: Option<Approved>,
) -> anyhow::Result<Vec<Proposal>> {
    let mut used: HashSet<String> = approved
        .as_ref()
        .map(|a| a.bank.entries.iter().map(|e| e.id.clone()).collect())
        .unwrap_or_default();
    let texts: Vec<&str> = questions.iter().map(|q| q.text.as_str()).collect();
    let encoded = match &approved {
        Some(a) => a.matcher.encode_questions(&texts, Signals::Both)?,
        None => Default::default(),
    };
    let mut out: Vec<Proposal> = Vec::new();
    for (i, q) in questions.iter().enumerate() {
        let Some((answer, short)) = harvested_answer(book, q) else {
            continue;
        };
        let place = format!("{source}:{}:{}", q.sheet, q.row1());
        let same = approved
            .as_ref()
            .and_then(|a| same_question(a, encoded.query(i, &q.text)).map(|e| (a, e)));
        if let Some((a, entry)) = same {
            let e = &a.bank.entries[entry];
            if says_the_same(e, &answer, short.as_deref()) {
                if e.questions.iter().any(|x| x.eq_ignore_ascii_case(&q.text)) {
                    continue;
                }
                // Several harvested questions may be variants of one entry: one proposal for it.
                match out
                    .iter_mut()
                    .find(|p| matches!(p.change, Change::Variant { .. }) && p.id == e.id)
                {
                    Some(p) => {
                        p.add_question(&q.text);
                        p.source.push_str(&format!(", {place}"));
                    }
                    None => out.push(Proposal::variant(e, &q.text, place)),
                }
                continue;
            }
            // The company answered this question otherwise: its answer is
            // kept, beside the entry, for a person to settle.
            let id = slug("harvest", source, q.id.as_deref(), &q.text, &mut used);
            let mut p =
                Proposal::new_entry(id, e.circle, &q.text, answer, short, "harvested", place);
            p.change = Change::Beside {
                id: e.id.clone(),
                at: e.origin.to_string(),
            };
            out.push(p);
            continue;
        }
        let id = slug("harvest", source, q.id.as_deref(), &q.text, &mut used);
        let circle = classify(&q.text, &mappings.rules, Matched::Nothing).circle;
        out.push(Proposal::new_entry(
            id,
            circle,
            &q.text,
            answer,
            short,
            "harvested",
            place,
        ));
    }
    Ok(out)
}

/// The answer a completed questionnaire gives to a question: its free text
/// (or the answer cell's prose), and its Yes/No/NA.
pub fn harvested_answer(book: &Workbook, q: &Question) -> Option<(String, Option<String>)> {
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
    let answer = free_text.or(cell_text).or_else(|| short.clone())?;
    Some((answer, short))
}

/// The entry that asks the same thing as the question: one the matcher would
/// answer it with unreviewed, and nothing less.
pub fn same_question(a: &Approved, query: crate::matching::Query) -> Option<usize> {
    let m = a.matcher.match_question(query, Signals::Both);
    m.best()
        .filter(|_| m.status == crate::model::Status::Auto)
        .map(|c| c.entry)
}

/// Whether a harvested answer says what the entry says: the same words, or
/// only a Yes/No/NA that agrees with the entry's.
fn says_the_same(e: &Entry, answer: &str, short: Option<&str>) -> bool {
    let words = |t: &str| {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let only_short = short.is_some_and(|s| answer.trim() == s);
    if only_short {
        return e
            .short
            .as_deref()
            .zip(short)
            .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
    }
    words(&e.answer) == words(answer)
}

/// Where proposals go: `out` as given when it names a `.toml` file, else
/// `STEM.toml` in the folder `out` names, or in `./proposals`. Never inside a
/// bank folder: proposals must not make a folder look like an approved bank.
pub fn proposals_path(from: &Path, out: Option<&Path>) -> PathBuf {
    let stem = from
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "proposals".into());
    crate::write::file_in(
        out.unwrap_or(Path::new("proposals")),
        &format!("{stem}.toml"),
    )
}

/// Writes proposals (see [`proposals_path`]); returns where they went.
pub fn write_proposals(
    proposals: &[Proposal],
    from: &Path,
    out: Option<&Path>,
    force: bool,
) -> anyhow::Result<PathBuf> {
    let name = from
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let path = proposals_path(from, out);
    let output = crate::write::Output {
        path: path.clone(),
        bytes: to_toml(proposals, &name).into_bytes(),
    };
    crate::write::write_all(std::slice::from_ref(&output), from, force)?;
    Ok(path)
}

/// Text from a questionnaire, fit for a TOML comment: one quoted line with
/// every control character escaped, so a line break in a sheet name cannot
/// start a new entry. (TOML's own serializer writes text with line breaks
/// as a multi-line string, which would break out of the comment.)
fn quoted(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap_or_default()
        .replace('\u{7f}', "\\u007f")
}

/// The proposals as a bank-format TOML file, with where each came from.
pub fn to_toml(proposals: &[Proposal], source: &str) -> String {
    let mut out = format!(
        "# Proposed entries from {}, written by `qfill`. Not approved: review each one,\n\
         # then move it into the bank (set visibility, owner and reviewed as you approve it).\n\n",
        quoted(source)
    );
    for p in proposals {
        let from = quoted(&p.source);
        out.push_str(&match &p.change {
            Change::New => format!("# From {from}\n"),
            Change::Variant { at } => format!(
                "# New variant for `{}` ({}), from {from}\n",
                p.id,
                quoted(at)
            ),
            Change::EditedAnswer { at } => format!(
                "# Edited answer for `{}` ({}), from {from}\n",
                p.id,
                quoted(at)
            ),
            Change::Beside { id, at } => format!(
                "# Same question as `{id}` ({}), answered otherwise in {from}: keep one answer\n",
                quoted(at)
            ),
        });
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
