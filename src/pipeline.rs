//! The pipeline for one questionnaire: detected questions → match → classify →
//! compose, giving one `Outcome` per question for the writers.

use crate::bank::Bank;
use crate::classify::{Matched, classify};
use crate::compose::{CELL_LIMIT, compose, cut_to};
use crate::ingest::Question;
use crate::mappings::Mappings;
use crate::matching::followup::{self, FollowUp, Leans};
use crate::matching::{Candidate, MatchResult, Matcher, Query, Signals};
use crate::model::{Audience, Circle, ControlId, Status};
use crate::values::{Fit, fit, pick_allowed};
use anyhow::Result;

/// The bank, its mappings and the matcher over it: what answers questions,
/// loaded once per run.
pub struct Loaded {
    pub bank: Bank,
    pub mappings: Mappings,
    pub matcher: Matcher,
}

/// What qfill decided for one question.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub question: Question,
    pub circle: Circle,
    pub status: Status,
    pub confidence: f64,
    pub bank_id: Option<String>,
    /// The best candidate's place in the bank, whether or not it answered.
    pub best_entry: Option<usize>,
    /// The composed answer (internal: may be withheld from the buyer).
    pub answer: Option<String>,
    /// The Yes/No/N/A value for constrained cells.
    pub short: Option<String>,
    /// The answer must not reach this buyer: NDA-only for a public
    /// audience, or a draft holding a placeholder.
    pub withheld: bool,
    pub controls: Vec<ControlId>,
    pub why: Vec<String>,
    /// Every candidate the matcher ranked, best first, with its confidence.
    pub candidates: Vec<(String, f64)>,
}

impl Outcome {
    /// The candidates besides the answer given: after the best one, or all of
    /// them when none was given, so that a reviewer always sees the best.
    pub fn alternatives(&self) -> &[(String, f64)] {
        match self.bank_id {
            Some(_) => self.candidates.get(1..).unwrap_or_default(),
            None => &self.candidates,
        }
    }
}

impl Outcome {
    /// Whether the answer goes into the buyer's workbook.
    pub fn writes_answer(&self, include_review: bool) -> bool {
        !self.withheld
            && self.answer.is_some()
            && match self.status {
                Status::Auto => true,
                Status::Review => include_review,
                Status::None | Status::Kept => false,
            }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub audience: Audience,
    /// Replace answers already present in the input.
    pub overwrite: bool,
    /// Both signals, or one alone to measure it (`qfill eval --stages`).
    pub signals: Signals,
}

/// Answers every question: those that need it are encoded first, together
/// and each distinct text once; then each is matched, classified and
/// composed. A follow-up ("Is that process documented?") is matched with its
/// parent's words, and answered unreviewed only after its parent is.
pub fn run(questions: &[Question], loaded: &Loaded, opts: Options) -> Result<Vec<Outcome>> {
    let (texts, follow) = match_texts(questions, &loaded.matcher);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let encoded = loaded.matcher.encode_questions(&refs, opts.signals)?;
    // Questions are independent: match them on every core.
    use rayon::prelude::*;
    let mut outcomes: Vec<Outcome> = questions
        .par_iter()
        .enumerate()
        .map(|(i, q)| answer_one(q, encoded.query(i, &texts[i]), loaded, opts))
        .collect();
    // In order: a parent's status is final before its follow-ups are looked at.
    for (i, f) in follow.iter().enumerate() {
        if let Some(f) = f {
            hold_follow_up(&mut outcomes, i, *f, &loaded.matcher);
        }
    }
    Ok(outcomes)
}

/// What each question is matched by: its own text, or a follow-up's parent's
/// text and its own; and which questions are follow-ups.
pub fn match_texts(
    questions: &[Question],
    matcher: &Matcher,
) -> (Vec<String>, Vec<Option<FollowUp>>) {
    let leaning: Vec<Option<Leans>> = questions.iter().map(|q| matcher.leans(&q.text)).collect();
    let follow = followup::follow_ups(questions, &leaning);
    let texts = questions
        .iter()
        .zip(&follow)
        .map(|(q, f)| match f.and_then(|f| f.parent) {
            Some(p) => format!("{} {}", questions[p].text, q.text),
            None => q.text.clone(),
        })
        .collect();
    (texts, follow)
}

/// A follow-up is answered unreviewed only when it names something of its
/// own, its parent was answered unreviewed, and the entry also answers the
/// follow-up's own ask; otherwise it is a suggestion for a person.
fn hold_follow_up(outcomes: &mut [Outcome], i: usize, f: FollowUp, matcher: &Matcher) {
    let parent = f
        .parent
        .map(|p| (outcomes[p].question.row1(), outcomes[p].status));
    let o = &mut outcomes[i];
    o.why.push(match parent {
        Some((row, _)) => format!("{}: matched with row {row}", f.leans.describe()),
        None => format!("{}, and nothing before it on its sheet", f.leans.describe()),
    });
    if o.status != Status::Auto {
        return;
    }
    let hold = if f.leans == Leans::TooShort {
        Some("too short to stand alone: never answered unreviewed".to_string())
    } else {
        match parent {
            None => Some("no question to follow: never answered unreviewed".to_string()),
            Some((row, status)) if status != Status::Auto => {
                Some(format!("row {row} it follows is not answered unreviewed"))
            }
            Some(_) => {
                let verdict = o.best_entry.map(|e| matcher.verdict(&o.question.text, e));
                verdict
                    .filter(|v| v.blocks())
                    .map(|_| "the entry does not answer the follow-up's own ask".to_string())
            }
        }
    };
    if let Some(reason) = hold {
        o.status = Status::Review;
        o.why.push(reason);
    }
}

/// The start of the why line for an answer the row has no cell for.
pub const NO_ROOM: &str = "no column on this sheet takes the full answer";

/// Answers one question, given as a query (its text and vector).
pub fn answer_one(q: &Question, query: Query, loaded: &Loaded, opts: Options) -> Outcome {
    let Loaded {
        bank,
        mappings,
        matcher,
    } = loaded;
    let m = answers_before_boundaries(
        matcher.match_question(query, opts.signals),
        q,
        bank,
        matcher,
    );
    let best = m.best().map(|c| (&bank.entries[c.entry], c.confidence));
    // A candidate's circle counts by how similar it is, calibrated or not;
    // an entry that answers unreviewed decides.
    let matched = match m.best() {
        Some(c) if m.status == Status::Auto => Matched::Answer(&bank.entries[c.entry]),
        Some(c) => Matched::Candidate(&bank.entries[c.entry], c.similarity),
        None => Matched::Nothing,
    };
    let class = classify(&q.text, &mappings.rules, matched);
    let mut status = m.status;
    let entry = best.filter(|_| status != Status::None).map(|(e, _)| e);
    let mut composed = compose(&q.text, entry, status, mappings, opts.audience);
    if let Some(s) = composed.status {
        status = s;
    }
    // Excel holds 32,767 characters a cell, and a text-length validation may
    // allow fewer: a longer answer is cut at a sentence and checked by a person.
    let limit = q.max_len.map_or(CELL_LIMIT, |m| m.min(CELL_LIMIT));
    if let Some(cut) = composed.answer.as_deref().and_then(|a| cut_to(a, limit)) {
        composed.answer = Some(cut);
        status = status.min_with(Status::Review);
        composed
            .why
            .push(format!("answer cut to the cell's {limit}-character limit"));
    }
    // A dropdown takes only its own values: when the entry's short answer
    // ("Partial") is not among them, a person decides. An entry without a short
    // answer leaves the dropdown empty and answers in the free-text column.
    if let (Some(allowed), Some(short)) = (&q.allowed, composed.short.as_deref())
        && composed.answer.is_some()
        && pick_allowed(short, allowed).is_none()
    {
        status = status.min_with(Status::Review);
        composed.why.push(format!(
            "`{short}` is not one of the dropdown's values ({})",
            allowed.join(", ")
        ));
    }
    // The status says what reaches the workbook: an answer with no cell, or
    // cut down to its short form, is for a person to place.
    if composed.answer.is_some() {
        match fit(q, composed.short.as_deref()) {
            Fit::Full => {}
            Fit::ShortOnly(v) => {
                status = status.min_with(Status::Review);
                composed
                    .why
                    .push(format!("{NO_ROOM}: only `{v}` fits this row"));
            }
            Fit::Nowhere => {
                status = status.min_with(Status::Review);
                composed
                    .why
                    .push(format!("{NO_ROOM}: nothing is written on this row"));
            }
        }
    }
    if q.existing.is_some() && !opts.overwrite {
        status = Status::Kept;
    }
    let mut why = class.why;
    why.extend(m.why.iter().cloned());
    why.extend(composed.why);
    let has_answer = composed.answer.is_some();
    Outcome {
        question: q.clone(),
        circle: class.circle,
        status: if has_answer || status == Status::Kept {
            status
        } else {
            Status::None
        },
        confidence: round2(m.confidence()),
        bank_id: entry.filter(|_| has_answer).map(|e| e.id.clone()),
        best_entry: m.best().map(|c| c.entry),
        answer: composed.answer,
        short: composed.short,
        withheld: composed.withheld,
        controls: entry.map(|e| e.controls.clone()).unwrap_or_default(),
        why,
        candidates: m
            .candidates
            .iter()
            .map(|c| (bank.entries[c.entry].id.clone(), round2(c.confidence)))
            .collect(),
    }
}

/// An entry on what the certificate covers answers questions about the
/// certificate. For any other question ("Are you GDPR compliant?") the best
/// entry that answers the question itself goes first, for a person to check:
/// a boundary statement may qualify the company's answer, never replace it.
fn answers_before_boundaries(
    mut m: MatchResult,
    q: &Question,
    bank: &Bank,
    matcher: &Matcher,
) -> MatchResult {
    let boundary = |c: &Candidate| bank.entries[c.entry].tags.iter().any(|t| t == "boundary");
    if !m.best().is_some_and(boundary) || crate::compose::asks_about_the_isms(&q.text) {
        return m;
    }
    let Some(i) = m.candidates.iter().position(|c| !boundary(c)) else {
        return m;
    };
    let answer = m.candidates.remove(i);
    m.why.push(format!(
        "{} is about what the certification covers; the question does not ask about the certification: {} goes first (match {:.2})",
        bank.entries[m.candidates[0].entry].id, bank.entries[answer.entry].id, answer.confidence
    ));
    m.status = matcher
        .status_for(answer.confidence)
        .min_with(Status::Review);
    m.candidates.insert(0, answer);
    m
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::{QuestionBuilder, loaded};

    /// A question with a free-text answer cell and a comments column.
    fn question(text: &str) -> QuestionBuilder {
        crate::testing::question(text).comment_col(3)
    }

    fn answer(q: &Question, l: &Loaded) -> Outcome {
        let opts = Options {
            signals: Signals::Lexical,
            ..Options::default()
        };
        let query = Query {
            text: &q.text,
            vector: None,
        };
        answer_one(q, query, l, opts)
    }

    /// A question the starter bank answers with confidence.
    const ASKED: &str = "Is data encrypted at rest?";

    #[test]
    fn a_question_the_bank_answers_is_answered_unreviewed() {
        let l = loaded();
        let o = answer(&question(ASKED).build(), &l);
        assert_eq!(o.status, Status::Auto, "{:?}", o.why);
        assert!(o.answer.is_some());
    }

    #[test]
    fn a_dropdown_without_the_short_answer_goes_to_review() {
        let l = loaded();
        let q = question(ASKED)
            .dropdown(&["Compliant", "Not compliant"])
            .build();
        let o = answer(&q, &l);
        assert_eq!(o.status, Status::Review);
        assert!(
            o.why
                .iter()
                .any(|w| w.contains("not one of the dropdown's values")),
            "{:?}",
            o.why
        );
    }

    #[test]
    fn an_existing_answer_is_kept_unless_overwriting() {
        let l = loaded();
        let q = question(ASKED).existing("Yes, AES-256.").build();
        assert_eq!(answer(&q, &l).status, Status::Kept);
        let overwrite = Options {
            overwrite: true,
            signals: Signals::Lexical,
            ..Options::default()
        };
        let query = Query {
            text: &q.text,
            vector: None,
        };
        assert_eq!(answer_one(&q, query, &l, overwrite).status, Status::Auto);
    }

    #[test]
    fn an_answer_past_the_cells_length_limit_is_cut_and_reviewed() {
        let l = loaded();
        let q = question(ASKED).max_len(40).build();
        let o = answer(&q, &l);
        assert_eq!(o.status, Status::Review);
        assert!(
            o.answer.as_deref().is_some_and(|a| a.chars().count() <= 40),
            "{:?}",
            o.answer
        );
        assert!(
            o.why.iter().any(|w| w.contains("40-character limit")),
            "{:?}",
            o.why
        );
    }
}
