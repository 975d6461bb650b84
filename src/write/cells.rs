//! Which cell of the buyer's sheet receives what: shared by every filled writer.

use crate::ingest::{AnswerTarget, Question};
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

/// Every cell the outcomes write, in question order.
pub fn placements(outcomes: &[Outcome], include_review: bool) -> Vec<Placement> {
    outcomes
        .iter()
        .filter(|o| o.writes_answer(include_review))
        .flat_map(|o| {
            let answer = o.answer.as_deref().unwrap_or_default();
            place(&o.question, answer, o.short.as_deref())
        })
        .collect()
}

/// The cells that carry one question's answer: the short answer into a
/// dropdown or a mark column when the row has one, the full answer into
/// the free text.
pub fn place(q: &Question, answer: &str, short: Option<&str>) -> Vec<Placement> {
    let answer = answer.to_string();
    let at = |col: u32, value: String| Placement {
        sheet_index: q.sheet_index,
        row: q.row,
        col,
        value,
    };
    let mut out = Vec::new();
    match q.answer {
        AnswerTarget::Cell(col) => {
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
            let col = match short.and_then(polarity) {
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

    #[test]
    fn an_answer_is_placed_by_the_rows_cells() {
        use crate::testing::question;
        let cell = |col, value: &str| Placement {
            sheet_index: 0,
            row: 1,
            col,
            value: value.into(),
        };
        let full = "Yes. AES-256 everywhere.";
        // A free-text cell takes the full answer.
        let q = question("Encrypted?").build();
        assert_eq!(place(&q, full, Some("Yes")), [cell(2, full)]);
        // A dropdown takes its own value; the full answer goes to the comments.
        let q = question("Encrypted?")
            .dropdown(&["1) Yes", "2) No"])
            .comment_col(3)
            .build();
        assert_eq!(
            place(&q, full, Some("Yes")),
            [cell(2, "1) Yes"), cell(3, full)]
        );
        // A dropdown without the short answer among its values stays empty.
        assert_eq!(place(&q, full, Some("Partial")), [cell(3, full)]);
        // Mark columns: an x under No.
        let q = question("Encrypted?")
            .answer(AnswerTarget::Marks {
                yes: 4,
                no: 5,
                na: None,
            })
            .build();
        assert_eq!(place(&q, "No.", Some("No")), [cell(5, "x")]);
    }
}
