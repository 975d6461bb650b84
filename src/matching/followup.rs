//! Follow-ups: questions that lean on the one before them. "What is your
//! strategy?", "How have you implemented it?", "Is that process documented?"
//! mean nothing alone; matched alone they find whatever entry shares a word.
//! Such a question is matched with its parent's text, and answered unreviewed
//! only when its parent is (see `pipeline`).

use crate::ingest::Question;
use regex::Regex;
use std::sync::LazyLock;

/// Why a question leans on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leans {
    /// It opens with a condition on the answer before ("If yes, …").
    Opening,
    /// It points back ("that process", "these documents").
    PointsBack,
    /// It names nothing of its own ("What is your process?").
    TooShort,
}

impl Leans {
    pub fn describe(self) -> &'static str {
        match self {
            Leans::Opening => "opens on the answer to the question before it",
            Leans::PointsBack => "points back to the question before it",
            Leans::TooShort => "names nothing of its own",
        }
    }
}

/// How a question depends on the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUp {
    pub leans: Leans,
    /// The question it follows (an index into the questionnaire's
    /// questions), if there is one before it on its sheet.
    pub parent: Option<usize>,
}

static OPENING: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)^\W*(if\s+(yes|so|not|no|applicable|affirmative|true|answered|you (answered|responded|selected))|(in|for)\s+(that|this|which)\s+case|otherwise|additionally|also,|and\s)\b",
    )
});

static POINTS_BACK: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)\b(this|that|these|those|such|said|the same|the above|above-mentioned|aforementioned)\s+([[:alpha:]-]+\s+){0,2}?(process(es)?|procedures?|polic(y|ies)|programs?|programmes?|plans?|training|requirements?|documents?|documentation|standards?|practices?|controls?|strateg(y|ies)|approach(es)?|systems?|tools?|assessments?|reviews?|agreements?|contracts?|reports?|measures?|mechanisms?|methods?|activities|frameworks?|certifications?)\b",
    )
});

/// Whether a question leans on another, and why; `stands_alone` says whether
/// its words name something of their own.
pub fn leans(text: &str, stands_alone: bool) -> Option<Leans> {
    if OPENING.is_match(text) {
        return Some(Leans::Opening);
    }
    // Only in its first sentence: "Do you have a BCP? Is this plan tested?"
    // points back within itself.
    let first = first_sentence(text);
    if POINTS_BACK.is_match(first) {
        return Some(Leans::PointsBack);
    }
    (!stands_alone).then_some(Leans::TooShort)
}

fn first_sentence(text: &str) -> &str {
    let t = text.trim_start();
    match t.find(['?', '.', '!', ';', '\n']) {
        Some(i) => &t[..i],
        None => t,
    }
}

/// The follow-ups of a questionnaire, by question. `leaning` says, for each
/// question, whether and why it leans on another.
pub fn follow_ups(questions: &[Question], leaning: &[Option<Leans>]) -> Vec<Option<FollowUp>> {
    (0..questions.len())
        .map(|i| {
            leaning[i].map(|leans| FollowUp {
                leans,
                parent: parent(questions, leaning, i),
            })
        })
        .collect()
}

/// The question `i` follows: the nearest one before it on its sheet whose id
/// its own id extends ("2.3" for "2.3.1"), else the nearest one before it on
/// its sheet that does not itself lean on another.
fn parent(questions: &[Question], leaning: &[Option<Leans>], i: usize) -> Option<usize> {
    let q = &questions[i];
    let before = (0..i)
        .rev()
        .filter(|&j| questions[j].sheet_index == q.sheet_index);
    if let Some(id) = q.id.as_deref() {
        let by_id = before
            .clone()
            .find(|&j| questions[j].id.as_deref().is_some_and(|p| extends(id, p)));
        if by_id.is_some() {
            return by_id;
        }
    }
    before.into_iter().find(|&j| leaning[j].is_none())
}

/// Whether `id` is a sub-number of `parent`: "2.3.1" of "2.3", "AC-1a" of "AC-1".
fn extends(id: &str, parent: &str) -> bool {
    let (id, parent) = (id.trim(), parent.trim());
    let ends_in_digit = parent.ends_with(|c: char| c.is_ascii_digit());
    !parent.is_empty()
        && id.len() > parent.len()
        && id.starts_with(parent)
        && id[parent.len()..]
            .starts_with(|c: char| ".-_( ".contains(c) || (c.is_ascii_lowercase() && ends_in_digit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::AnswerTarget;

    fn q(sheet: usize, id: Option<&str>, text: &str) -> Question {
        let q = crate::testing::question(text)
            .sheet(sheet)
            .answer(AnswerTarget::None);
        match id {
            Some(id) => q.id(id).build(),
            None => q.build(),
        }
    }

    #[test]
    fn openings_pointers_and_short_questions_lean() {
        assert_eq!(
            leans("If so, how often is it tested?", true),
            Some(Leans::Opening)
        );
        assert_eq!(leans("If yes: describe.", true), Some(Leans::Opening));
        assert_eq!(
            leans("Is that process documented?", true),
            Some(Leans::PointsBack)
        );
        assert_eq!(
            leans(
                "If needed, can you provide these documents for our review?",
                true
            ),
            Some(Leans::PointsBack)
        );
        assert_eq!(
            leans("How is this training documented?", true),
            Some(Leans::PointsBack)
        );
        assert_eq!(
            leans("What is your strategy?", false),
            Some(Leans::TooShort)
        );
        assert_eq!(
            leans("Do you have a BCP? Is this plan tested yearly?", true),
            None
        );
        assert_eq!(leans("Do you encrypt data at rest?", true), None);
        assert_eq!(
            leans("Is the data encrypted, and is it backed up?", true),
            None
        );
    }

    #[test]
    fn the_parent_is_the_id_prefix_else_the_nearest_question_that_stands_alone() {
        let qs = [
            q(0, Some("2.3"), "Do you have a supply chain risk strategy?"),
            q(0, Some("2.3.1"), "What is your strategy?"),
            q(0, Some("2.3.2"), "How have you implemented it?"),
            q(1, None, "Is that process documented?"),
            q(1, None, "Do you onboard staff formally?"),
            q(1, None, "Is that process documented?"),
            q(1, None, "What is your process?"),
        ];
        let leaning: Vec<Option<Leans>> = qs
            .iter()
            .map(|q| {
                leans(
                    &q.text,
                    !q.text.starts_with("What is your") && !q.text.starts_with("How have"),
                )
            })
            .collect();
        let f = follow_ups(&qs, &leaning);
        assert_eq!(f[0], None);
        assert_eq!(f[1].unwrap().parent, Some(0));
        assert_eq!(
            f[2].unwrap().parent,
            Some(0),
            "2.3.2 follows 2.3, not 2.3.1"
        );
        assert_eq!(f[3].unwrap().parent, None, "nothing before it on its sheet");
        assert_eq!(f[5].unwrap().parent, Some(4));
        assert_eq!(
            f[6].unwrap().parent,
            Some(4),
            "skips a question that leans itself"
        );
    }

    #[test]
    fn sub_numbers_extend_their_parent() {
        assert!(extends("2.3.1", "2.3"));
        assert!(extends("AC-1.2", "AC-1"));
        assert!(extends("AC-1a", "AC-1"));
        assert!(!extends("2.31", "2.3"));
        assert!(!extends("2.3", "2.3"));
        assert!(!extends("A&A-01.1", "A&A-01.1"));
        assert!(!extends("AB-1", "A"));
    }
}
