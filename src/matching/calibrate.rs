//! Calibration: turns what re-ranking saw into a confidence in [0, 1] that
//! means the same thing on every questionnaire: the share of answers at that
//! confidence that are right.
//!
//! A logistic function of three features of a candidate, with constants fitted
//! by `scripts/calibrate.py` on the development sets (the synthetic one and
//! two real questionnaire and bank pairs, each weighing the same, with
//! held-out folds; see README, "Quality"). Global constants, never rules for
//! particular questions.

use super::Evidence;

const INTERCEPT: f64 = -7.33;
/// Share of the question's distinctive terms the entry speaks to.
const COVERED: f64 = 4.11;
/// Closeness in meaning.
const SEMANTIC: f64 = 8.25;
/// Lead over the runner-up.
const MARGIN: f64 = 15.01;

/// The least closeness in meaning between a question and the entry's
/// closest question variant for an unreviewed answer, unless a synonym
/// group links them (a meaning the bank's curators vouch for: "offboarding"
/// / "leavers", which the encoder does not know). Below it the words match
/// but the meaning does not: a word used in another sense ("Are you
/// classified as a service provider?" / "How is information classified?",
/// 0.27). Set below every right `auto` answer of the three development sets
/// (the lowest is 0.50), so it removes none of them.
pub const MEANING_FLOOR: f32 = 0.45;

/// The confidence of a candidate with this evidence and lead over the
/// runner-up (0 for all but the leader).
pub fn confidence(margin: f64, evidence: &Evidence) -> f64 {
    let lexical = &evidence.lexical;
    // A question that is not encoded matched a variant word for word: its
    // words speak for its meaning.
    let semantic = evidence
        .semantic_similarity()
        .unwrap_or_else(|| lexical.similarity());
    let z = INTERCEPT + COVERED * lexical.covered + SEMANTIC * semantic + MARGIN * margin;
    1.0 / (1.0 + (-z).exp())
}
