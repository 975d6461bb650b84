//! Audit: one company, one truth. The answers already sent to buyers are
//! compared with each other (the same entry, or the same question, answered
//! Yes in one questionnaire and No in another) and with the bank as it is
//! today (an answer that has drifted, an entry since removed or left stale).

use crate::bank::{Bank, Entry, Staleness, normalise_answer};
use crate::values::{Polarity, answer_polarity};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One answer as it was sent, and where.
#[derive(Debug, Clone, Serialize)]
pub struct Given {
    pub file: String,
    pub sheet: String,
    /// 1-based row of the questionnaire.
    pub row: u32,
    pub question: String,
    pub answer: String,
    /// The entry the answer came from: recorded by qfill (JSON, review
    /// workbook) or, for a filled workbook, matched now.
    pub bank_id: Option<String>,
    /// The entry is qfill's match, not the answer's source: a filled
    /// workbook's cell matched now, or an answer the questionnaire already
    /// held (`kept`). The answer may be in the company's own words.
    #[serde(skip)]
    pub inferred: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Answered one way in one place and the opposite in another.
    Conflict,
    /// Differs from what the bank says today.
    Drift,
    /// Given from an entry the bank no longer has.
    Removed,
    /// Given from an entry not reviewed within the maximum age.
    Stale,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Conflict => "conflict",
            Kind::Drift => "drift",
            Kind::Removed => "removed",
            Kind::Stale => "stale",
        }
    }

    /// Whether the finding fails a CI run without `--deny-warnings`.
    pub fn is_error(self) -> bool {
        !matches!(self, Kind::Stale)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub kind: Kind,
    pub bank_id: Option<String>,
    pub message: String,
    /// Indexes into the answers audited.
    #[serde(skip)]
    pub places: Vec<usize>,
}

/// Every finding over the answers given, conflicts first.
pub fn audit(given: &[Given], bank: &Bank, opts: Staleness) -> Vec<Finding> {
    let by_id: HashMap<&str, &Entry> = bank.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut out = conflicts(given);
    for (id, places) in by_entry(given) {
        match by_id.get(id) {
            None => {
                // Only an entry an answer was given from can be gone.
                let recorded: Vec<usize> =
                    places.into_iter().filter(|&i| !given[i].inferred).collect();
                if !recorded.is_empty() {
                    out.push(Finding {
                        kind: Kind::Removed,
                        bank_id: Some(id.to_string()),
                        message: format!("answered from `{id}`, which the bank no longer has"),
                        places: recorded,
                    });
                }
            }
            Some(e) => {
                let drifted: Vec<usize> = places
                    .iter()
                    .copied()
                    .filter(|&i| {
                        // An answer in the company's own words is not the entry's
                        // text: only an opposite Yes/No is drift then.
                        let g = &given[i];
                        if g.inferred {
                            contradicts(&g.answer, e)
                        } else {
                            !says_what_the_entry_says(&g.answer, e)
                        }
                    })
                    .collect();
                if !drifted.is_empty() {
                    out.push(Finding {
                        kind: Kind::Drift,
                        bank_id: Some(id.to_string()),
                        message: format!(
                            "the bank now answers `{id}` otherwise ({}): {}",
                            e.origin,
                            preview(&e.answer)
                        ),
                        places: drifted,
                    });
                }
                if e.stale(opts) {
                    let when = e.reviewed_on().map_or("never reviewed".to_string(), |d| {
                        format!("last reviewed {d}")
                    });
                    out.push(Finding {
                        kind: Kind::Stale,
                        bank_id: Some(id.to_string()),
                        message: format!(
                            "answered from `{id}`, {when} (more than {} days); review it in the bank ({})",
                            opts.max_age_days, e.origin
                        ),
                        places,
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.bank_id.cmp(&b.bank_id)));
    out
}

/// The answers given from each entry, by entry id in order.
fn by_entry(given: &[Given]) -> BTreeMap<&str, Vec<usize>> {
    let mut out: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, g) in given.iter().enumerate() {
        if let Some(id) = &g.bank_id {
            out.entry(id.as_str()).or_default().push(i);
        }
    }
    out
}

/// Yes in one place and No in another: for the same entry, or for
/// near-identical questions whatever entry answered them. N/A contradicts
/// neither: a question may not apply to one buyer's case.
fn conflicts(given: &[Given]) -> Vec<Finding> {
    let said: Vec<Option<Polarity>> = given.iter().map(|g| yes_or_no(&g.answer)).collect();
    let split = |places: &[usize]| {
        let mut seen: Vec<Polarity> = places.iter().filter_map(|&i| said[i]).collect();
        seen.sort_by_key(|p| *p as u8);
        seen.dedup();
        seen
    };
    let mut out: Vec<Finding> = Vec::new();
    for (id, places) in by_entry(given) {
        let seen = split(&places);
        if seen.len() > 1 {
            out.push(Finding {
                kind: Kind::Conflict,
                bank_id: Some(id.to_string()),
                message: format!("`{id}` was answered {}", said_as(&seen)),
                places: places.into_iter().filter(|&i| said[i].is_some()).collect(),
            });
        }
    }
    for places in same_questions(given) {
        let seen = split(&places);
        let places: Vec<usize> = places.into_iter().filter(|&i| said[i].is_some()).collect();
        let reported = out
            .iter()
            .any(|f| places.iter().all(|i| f.places.contains(i)));
        if seen.len() > 1 && !reported {
            out.push(Finding {
                kind: Kind::Conflict,
                bank_id: None,
                message: format!(
                    "the same question was answered {}: \"{}\"",
                    said_as(&seen),
                    preview(&given[places[0]].question)
                ),
                places,
            });
        }
    }
    out
}

fn said_as(seen: &[Polarity]) -> String {
    let names: Vec<&str> = seen
        .iter()
        .map(|p| match p {
            Polarity::Yes => "Yes",
            Polarity::No => "No",
            Polarity::NotApplicable => "N/A",
        })
        .collect();
    names.join(" and ")
}

/// Groups of near-identical questions asked in more than one place: the same
/// words once case, punctuation and numbering are set aside, or nearly the
/// same words (a typo, a plural) among questions that open alike.
fn same_questions(given: &[Given]) -> Vec<Vec<usize>> {
    let keys: Vec<String> = given.iter().map(|g| question_key(&g.question)).collect();
    let mut distinct: Vec<&str> = keys
        .iter()
        .map(String::as_str)
        .filter(|k| !k.is_empty())
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    let index: HashMap<&str, usize> = distinct.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    // Union-find over distinct texts; only texts that open with the same two
    // words are compared, which keeps a large archive fast.
    let mut parent: Vec<usize> = (0..distinct.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, k) in distinct.iter().enumerate() {
        let opening: Vec<&str> = k.split(' ').take(2).collect();
        blocks.entry(opening.join(" ")).or_default().push(i);
    }
    for members in blocks.values() {
        for (n, &a) in members.iter().enumerate() {
            for &b in &members[n + 1..] {
                if strsim::normalized_levenshtein(distinct[a], distinct[b]) >= NEAR_IDENTICAL {
                    let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                    parent[ra] = rb;
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        if let Some(&d) = index.get(k.as_str()) {
            groups.entry(root(&mut parent, d)).or_default().push(i);
        }
    }
    groups.into_values().filter(|g| g.len() > 1).collect()
}

/// How alike two question texts must be to count as one question.
const NEAR_IDENTICAL: f64 = 0.92;

/// A question's words, lower case, without numbering or punctuation.
fn question_key(question: &str) -> String {
    let words: Vec<String> = question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    // A leading outline number ("1", "4", "1a") is the questionnaire's, not the question's.
    let start = words
        .iter()
        .take_while(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()) && w.len() <= 3)
        .count();
    words[start..].join(" ")
}

/// Whether an answer still says what the entry says: its Yes/No agrees, and
/// any prose it carries holds the entry's answer (qfill adds boundary wording
/// around it; a cell may hold only the opening).
pub fn says_what_the_entry_says(answer: &str, e: &Entry) -> bool {
    if contradicts(answer, e) {
        return false;
    }
    if crate::values::polarity(answer).is_some() {
        // Only a short value was sent, and it agrees.
        return true;
    }
    let words = |t: &str| {
        normalise_answer(t)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (sent, now) = (words(answer), words(&e.answer));
    // A cell cut to its limit holds the opening of the answer.
    sent.contains(&now) || (sent.len() >= 200 && now.starts_with(&sent[..floor(&sent, 200)]))
}

/// The answer says Yes where the entry says No, or the other way round.
fn contradicts(answer: &str, e: &Entry) -> bool {
    let entry_says = e
        .short
        .as_deref()
        .and_then(crate::values::polarity)
        .or_else(|| answer_polarity(&e.answer));
    let entry_says = entry_says.filter(|p| *p != Polarity::NotApplicable);
    matches!((yes_or_no(answer), entry_says), (Some(a), Some(b)) if a != b)
}

/// Yes or No by the answer's opening; N/A and anything else is neither.
fn yes_or_no(answer: &str) -> Option<Polarity> {
    answer_polarity(answer).filter(|p| *p != Polarity::NotApplicable)
}

/// The largest char boundary of `s` at or below `n`.
fn floor(s: &str, n: usize) -> usize {
    (0..=n.min(s.len()))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

/// The first words of a long text, for a one-line message.
pub fn preview(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(90) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(file: &str, q: &str, answer: &str, id: Option<&str>) -> Given {
        Given {
            file: file.into(),
            sheet: "Security".into(),
            row: 2,
            question: q.into(),
            answer: answer.into(),
            bank_id: id.map(str::to_string),
            inferred: false,
        }
    }

    fn bank(answer: &str, short: Option<&str>) -> Bank {
        let e = crate::testing::entry("iam.mfa", "Do you enforce MFA?")
            .circle(crate::model::Circle::Product)
            .answer(answer)
            .control("A.8.5")
            .reviewed(2026, 6, 1, "it");
        let e = match short {
            Some(s) => e.short(s),
            None => e,
        };
        crate::testing::bank(vec![e.build()])
    }

    fn opts() -> Staleness {
        Staleness {
            today: jiff::civil::date(2026, 12, 1),
            max_age_days: 365,
        }
    }

    #[test]
    fn yes_and_no_for_one_entry_is_a_conflict_and_agreement_is_not() {
        let b = bank("Yes. MFA is enforced for every account.", Some("Yes"));
        let both = [
            given(
                "a.json",
                "Do you enforce MFA?",
                "Yes. MFA is enforced for every account.",
                Some("iam.mfa"),
            ),
            given("b.json", "Is MFA required?", "No", Some("iam.mfa")),
        ];
        let f = audit(&both, &b, opts());
        let conflict = f
            .iter()
            .find(|f| f.kind == Kind::Conflict)
            .expect("a conflict");
        assert_eq!(conflict.places, vec![0, 1]);
        assert!(
            conflict.message.contains("Yes and No"),
            "{}",
            conflict.message
        );
        let agree = [
            both[0].clone(),
            given("b.json", "Is MFA required?", "Yes", Some("iam.mfa")),
        ];
        assert!(audit(&agree, &b, opts()).is_empty());
    }

    #[test]
    fn the_same_question_answered_both_ways_is_a_conflict_without_ids() {
        let b = bank("Yes.", None);
        let g = [
            given(
                "a.xlsx",
                "1.2 Do you encrypt backups?",
                "Yes, with AES-256.",
                None,
            ),
            given("b.xlsx", "Do you encrypt backups ?", "No.", None),
            given("b.xlsx", "Do you encrypt laptops?", "No.", None),
        ];
        let f = audit(&g, &b, opts());
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].places, vec![0, 1]);
    }

    #[test]
    fn an_answer_the_bank_has_changed_since_is_drift() {
        let b = bank("No. MFA is being rolled out.", Some("No"));
        let g = [given(
            "a.json",
            "Do you enforce MFA?",
            "Yes. MFA is enforced.",
            Some("iam.mfa"),
        )];
        let f = audit(&g, &b, opts());
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].kind, Kind::Drift);
        // The bank's answer with boundary wording around it is not drift.
        let b = bank("Yes. MFA is enforced.", Some("Yes"));
        let g = [given(
            "a.json",
            "Do you enforce MFA?",
            "Yes. MFA is enforced.\n\nOur ISO/IEC 27001 certification covers…",
            Some("iam.mfa"),
        )];
        assert!(audit(&g, &b, opts()).is_empty());
    }

    #[test]
    fn a_matched_answer_in_its_own_words_is_not_drift_unless_it_says_the_opposite() {
        let b = bank("Yes. MFA is enforced for every account.", Some("Yes"));
        let mut own = given(
            "a.xlsx",
            "Do you enforce MFA?",
            "Yes, see our policy.",
            Some("iam.mfa"),
        );
        own.inferred = true;
        assert!(audit(std::slice::from_ref(&own), &b, opts()).is_empty());
        own.answer = "No, not yet.".into();
        let f = audit(&[own], &b, opts());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, Kind::Drift);
    }

    #[test]
    fn not_applicable_contradicts_neither_yes_nor_no() {
        let b = bank("Yes. Backups are encrypted.", Some("Yes"));
        let g = [
            given(
                "a.json",
                "Do you encrypt backups?",
                "Yes. Backups are encrypted.",
                Some("iam.mfa"),
            ),
            given(
                "b.xlsx",
                "Do you encrypt backups?",
                "Not applicable: we keep no backups.",
                None,
            ),
        ];
        assert!(audit(&g, &b, opts()).is_empty());
    }

    #[test]
    fn removed_and_stale_entries_are_named() {
        let b = bank("Yes.", None);
        let g = [given("a.json", "Old?", "Yes.", Some("gone.entry"))];
        let f = audit(&g, &b, opts());
        assert_eq!(f[0].kind, Kind::Removed);
        let late = Staleness {
            today: jiff::civil::date(2028, 1, 1),
            max_age_days: 365,
        };
        let g = [given(
            "a.json",
            "Do you enforce MFA?",
            "Yes.",
            Some("iam.mfa"),
        )];
        let f = audit(&g, &b, late);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, Kind::Stale);
        assert!(!f[0].kind.is_error());
    }

    #[test]
    fn outline_numbers_are_not_part_of_a_question() {
        assert_eq!(
            question_key("1.2 Do you encrypt backups?"),
            "do you encrypt backups"
        );
        assert_eq!(question_key("Do you use 2FA?"), "do you use 2fa");
    }
}
