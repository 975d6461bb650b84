//! Which cell of the buyer's sheet receives what: shared by every filled writer.

use crate::ingest::AnswerTarget;
use crate::pipeline::Outcome;
use crate::values::{Polarity, pick_allowed, polarity};

/// One value to put into the buyer's sheet (0-based row and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub sheet_index: usize,
    pub row: u32,
    pub col: u32,
    pub value: String,
}

/// The cells an outcome writes; empty when nothing is written.
pub fn placements(o: &Outcome, include_review: bool) -> Vec<Placement> {
    if !o.writes_answer(include_review) {
        return Vec::new();
    }
    let q = &o.question;
    let answer = o.answer.clone().unwrap_or_default();
    let at = |col: u32, value: String| Placement {
        sheet_index: q.sheet_index,
        row: q.row,
        col,
        value,
    };
    let mut out = Vec::new();
    match q.answer {
        AnswerTarget::Cell(col) => {
            let short = o.short.as_deref();
            match (&q.allowed, short, q.comment_col) {
                // A dropdown: only an allowed value; the full answer goes to the free text.
                (Some(allowed), _, comment) => {
                    if let Some(v) = short.and_then(|s| pick_allowed(s, allowed)) {
                        out.push(at(col, v));
                    }
                    if let Some(c) = comment {
                        out.push(at(c, answer));
                    }
                }
                (None, Some(s), Some(comment)) => {
                    out.push(at(col, s.to_string()));
                    out.push(at(comment, answer));
                }
                (None, _, _) => out.push(at(col, answer)),
            }
        }
        AnswerTarget::Marks { yes, no, na } => {
            let col = match o.short.as_deref().and_then(polarity) {
                Some(Polarity::Yes) => Some(yes),
                Some(Polarity::No) => Some(no),
                Some(Polarity::NotApplicable) => na,
                None => None,
            };
            if let Some(c) = col {
                out.push(at(c, "x".into()));
            }
            if let Some(c) = q.comment_col {
                out.push(at(c, answer));
            }
        }
        AnswerTarget::None => {
            if let Some(c) = q.comment_col {
                out.push(at(c, answer));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_answers_map_onto_dropdown_values() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            pick_allowed("Yes", &list(&["Yes", "No", "NA"])).as_deref(),
            Some("Yes")
        );
        assert_eq!(
            pick_allowed("N/A", &list(&["Yes", "No", "NA"])).as_deref(),
            Some("NA")
        );
        assert_eq!(
            pick_allowed("Yes", &list(&["1) Yes", "2) No"])).as_deref(),
            Some("1) Yes")
        );
        assert_eq!(
            pick_allowed("Yes", &list(&["Si", "No", "Parcial"])).as_deref(),
            Some("Si")
        );
        assert_eq!(
            pick_allowed("Partial", &list(&["Si", "No", "Parcial"])),
            None
        );
        assert_eq!(pick_allowed("Yes", &list(&["AWS", "Azure"])), None);
    }
}
