//! Calibration: turns what re-ranking saw into a confidence in [0, 1] that
//! means the same thing on every questionnaire: the share of answers at that
//! confidence that are right.
//!
//! A few global constants, fitted with `qfill eval` on the development sets
//! (see README, "Quality"); never rules for particular questions.

use super::Evidence;

const MARGIN_WEIGHT: f64 = 2.0;
const MISSING_WEIGHT: f64 = 0.4;
const SLOPE: f64 = 8.0;
const MIDPOINT: f64 = 0.672;

/// The confidence of a candidate with this similarity, lead over the
/// runner-up (0 for all but the leader) and evidence.
pub fn confidence(similarity: f64, margin: f64, evidence: &Evidence) -> f64 {
    let miss = evidence.lexical.missing.as_ref().map_or(0.0, |(_, w)| *w);
    let raw = similarity + MARGIN_WEIGHT * margin - MISSING_WEIGHT * miss;
    1.0 / (1.0 + (-SLOPE * (raw - MIDPOINT)).exp())
}
