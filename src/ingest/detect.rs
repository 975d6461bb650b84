//! Layout detection: on every sheet, find the header row, the question, ID and
//! answer columns, and the rows that hold questions.
//!
//! The method: label each header-looking cell with a column role by keyword,
//! pick the first row that names a question column and at least one other role,
//! check the pick against the cells below, then walk the rows and keep those
//! whose question cell reads like a question. Sheets without such a header fall
//! back to the column with the most question-like cells.

use super::vocabulary::{
    ANSWER_WORD, CODE, FOOTER, ID_LIKE, Role, SKIP_SHEET, asks, is_placeholder,
    looks_like_question, role_of,
};
use super::{Sheet, Workbook};
use std::collections::HashSet;

/// Command-line overrides of what detection would choose (0-based).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub sheets: Vec<String>,
    pub header_row: Option<u32>,
    pub question_col: Option<u32>,
    pub id_col: Option<u32>,
    pub answer_col: Option<u32>,
    pub comment_col: Option<u32>,
}

/// Where an answer goes on a question's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerTarget {
    /// One answer cell (possibly a dropdown).
    Cell(u32),
    /// One column each for Yes, No and N/A: the answer is an `x` in one of them.
    Marks { yes: u32, no: u32, na: Option<u32> },
    /// No answer column: only the free-text column, if any.
    None,
}

/// The layout found on one sheet.
#[derive(Debug, Clone)]
pub struct SheetLayout {
    pub sheet_index: usize,
    pub header_row: Option<u32>,
    pub question_col: u32,
    pub id_col: Option<u32>,
    pub answer: AnswerTarget,
    pub comment_col: Option<u32>,
    pub questions: Vec<Question>,
}

/// One detected question.
#[derive(Debug, Clone)]
pub struct Question {
    pub sheet: String,
    pub sheet_index: usize,
    /// 0-based row.
    pub row: u32,
    pub id: Option<String>,
    pub text: String,
    /// An answer already in the answer cell(s), placeholders aside.
    pub existing: Option<String>,
    pub answer: AnswerTarget,
    pub comment_col: Option<u32>,
    /// The dropdown's allowed values of the answer cell, if it has one.
    pub allowed: Option<Vec<String>>,
    /// The fewest characters a text-length validation allows in the answer or comment cell.
    pub max_len: Option<usize>,
}

impl Question {
    /// A question asked on its own (`qfill search`), with a free-text answer cell.
    pub fn standalone(text: &str) -> Question {
        Question {
            sheet: String::new(),
            sheet_index: 0,
            row: 0,
            id: None,
            text: text.to_string(),
            existing: None,
            answer: AnswerTarget::Cell(1),
            comment_col: None,
            allowed: None,
            max_len: None,
        }
    }

    /// 1-based row, as people and the spec count.
    pub fn row1(&self) -> u32 {
        self.row + 1
    }
}

/// Roles found in one row, by column.
fn row_roles(sheet: &Sheet, row: u32) -> Vec<(u32, Role, u8)> {
    (0..sheet.width())
        .filter_map(|c| {
            let t = sheet.text(row, c);
            role_of(&t).map(|(r, s)| (c, r, s))
        })
        .collect()
}

/// Does this row look like a header: a question column and another role,
/// or (HECVAT) an answer column with a free-text or buyer column beside it.
fn header_score(sheet: &Sheet, row: u32) -> u32 {
    let roles = row_roles(sheet, row);
    let q = roles
        .iter()
        .filter(|(_, r, _)| *r == Role::Question)
        .map(|x| x.2)
        .max();
    let count =
        |wanted: &[Role]| roles.iter().filter(|(_, r, _)| wanted.contains(r)).count() as u32;
    let others = count(&[Role::Id, Role::Answer, Role::Comment]);
    // Long prose in the row means it is a question or an instruction, not a header.
    let prose = (0..sheet.width()).any(|c| sheet.text(row, c).split_whitespace().count() > 12);
    if prose {
        return 0;
    }
    match q {
        Some(s) if others >= 1 => u32::from(s) * 10 + others,
        None if count(&[Role::Answer]) >= 1
            && count(&[Role::Comment, Role::Buyer, Role::Id]) >= 1 =>
        {
            5 + others
        }
        _ => 0,
    }
}

/// Detects the layout of every sheet that holds questions.
pub fn detect(book: &Workbook, ov: &Overrides) -> Vec<SheetLayout> {
    book.sheets
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            if ov.sheets.is_empty() {
                !s.hidden
            } else {
                ov.sheets.iter().any(|n| n.eq_ignore_ascii_case(&s.name))
            }
        })
        .filter(|(_, s)| !ov.sheets.is_empty() || !SKIP_SHEET.is_match(&s.name))
        .filter_map(|(i, s)| detect_sheet(i, s, ov))
        .filter(|l| !l.questions.is_empty())
        .collect()
}

/// A sheet's header row: the override, the first strong header, or none.
fn find_header(sheet: &Sheet, ov: &Overrides) -> Option<u32> {
    if ov.header_row.is_some() {
        return ov.header_row;
    }
    let limit = sheet.height().min(200);
    let scores: Vec<u32> = (0..limit).map(|r| header_score(sheet, r)).collect();
    let best = *scores.iter().max()?;
    if best == 0 {
        return None;
    }
    let best_row = scores.iter().position(|s| *s == best)? as u32;
    // Headers repeated per section (HECVAT, SAMM) may word their labels
    // differently; the first one with the same answer columns starts the table.
    let answer_cols = |r: u32| -> Vec<u32> {
        row_roles(sheet, r)
            .into_iter()
            .filter(|(_, role, _)| *role == Role::Answer)
            .map(|(c, _, _)| c)
            .collect()
    };
    let wanted = answer_cols(best_row);
    (0..best_row)
        .find(|&r| scores[r as usize] > 0 && !wanted.is_empty() && answer_cols(r) == wanted)
        .or(Some(best_row))
}

fn detect_sheet(index: usize, sheet: &Sheet, ov: &Overrides) -> Option<SheetLayout> {
    let header = find_header(sheet, ov);
    let mut layout = match header {
        Some(h) => layout_from_header(index, sheet, h, ov)?,
        None => layout_from_content(index, sheet, ov)?,
    };
    let start = data_start(sheet, header);
    layout.questions = question_rows(sheet, &layout, start, ov.question_col.is_some());
    let named = !ov.sheets.is_empty() || ov.answer_col.is_some();
    if !named && is_catalogue(&layout.questions) {
        return None;
    }
    Some(layout)
}

/// A control catalogue or mapping table (CSA CCM beside a CAIQ), not a
/// questionnaire: its rows are statements, and the column taken for answers
/// is already full of something that is not an answer, such as COBIT
/// references. Writing there would destroy the buyer's content.
fn is_catalogue(questions: &[Question]) -> bool {
    if questions.len() < 3 {
        return false;
    }
    let n = questions.len();
    let asking = questions.iter().filter(|q| asks(&q.text)).count();
    let filled: Vec<&str> = questions
        .iter()
        .filter_map(|q| q.existing.as_deref())
        .collect();
    let answer_like = filled
        .iter()
        .filter(|v| ANSWER_WORD.is_match(v.trim()))
        .count();
    asking * 5 < n && filled.len() * 2 >= n && answer_like * 2 < filled.len()
}

/// Rows just under the header that are part of it: a row of Yes / No / N/A
/// sub-labels (CAIQ v3 puts one two rows down, under mapping sub-columns), or
/// empty rows and rows of short column labels.
fn data_start(sheet: &Sheet, header: Option<u32>) -> u32 {
    let Some(h) = header else { return 0 };
    let last = (h + 3).min(sheet.height().saturating_sub(1));
    let has = |r: u32, role: Role| row_roles(sheet, r).iter().any(|(_, x, _)| *x == role);
    if let Some(r) = (h + 1..=last).find(|&r| has(r, Role::Yes) && has(r, Role::No)) {
        return r + 1;
    }
    let mut r = h + 1;
    while r < sheet.height() && r <= h + 2 {
        let cells: Vec<String> = (0..sheet.width())
            .map(|c| sheet.text(r, c))
            .filter(|t| !t.is_empty())
            .collect();
        // A short question ("Are you GDPR compliant?") can name a role too.
        let labels = cells.iter().all(|t| {
            role_of(t).is_some() && t.split_whitespace().count() <= 4 && !looks_like_question(t)
        });
        if cells.is_empty() || labels {
            r += 1;
        } else {
            break;
        }
    }
    r
}

/// Roles of the header row merged with the sub-header rows under it.
fn header_roles(sheet: &Sheet, h: u32) -> Vec<(u32, Role, u8)> {
    let mut roles = row_roles(sheet, h);
    for r in h + 1..data_start(sheet, Some(h)) {
        roles.extend(row_roles(sheet, r));
    }
    roles
}

fn best(roles: &[(u32, Role, u8)], role: Role, sheet: &Sheet, rows: &[u32]) -> Option<u32> {
    roles
        .iter()
        .filter(|(_, r, _)| *r == role)
        .max_by_key(|(c, _, s)| (*s, filled(sheet, *c, rows), std::cmp::Reverse(*c)))
        .map(|(c, _, _)| *c)
}

/// How many of the sample rows have text in a column.
fn filled(sheet: &Sheet, col: u32, rows: &[u32]) -> usize {
    rows.iter()
        .filter(|&&r| !sheet.get(r, col).is_empty())
        .count()
}

fn sample_rows(sheet: &Sheet, from: u32) -> Vec<u32> {
    (from..sheet.height()).take(400).collect()
}

/// Labels of the section headers repeated further down (HECVAT) with the
/// same answer columns: a later one may name a column the first leaves blank
/// ("Additional Information").
fn repeated_header_roles(sheet: &Sheet, h: u32, roles: &[(u32, Role, u8)]) -> Vec<(u32, Role, u8)> {
    let answers = |rs: &[(u32, Role, u8)]| -> Vec<u32> {
        rs.iter()
            .filter(|(_, r, _)| *r == Role::Answer)
            .map(|(c, _, _)| *c)
            .collect()
    };
    let wanted = answers(roles);
    if wanted.is_empty() {
        return Vec::new();
    }
    let labelled: HashSet<u32> = roles.iter().map(|(c, _, _)| *c).collect();
    let mut extra: Vec<(u32, Role, u8)> = Vec::new();
    for r in (h + 1..sheet.height()).take(2000) {
        let row = row_roles(sheet, r);
        if answers(&row) != wanted || header_score(sheet, r) == 0 {
            continue;
        }
        for (c, role, s) in row {
            if !labelled.contains(&c) && !extra.iter().any(|(x, _, _)| *x == c) {
                extra.push((c, role, s));
            }
        }
    }
    extra
}

fn layout_from_header(index: usize, sheet: &Sheet, h: u32, ov: &Overrides) -> Option<SheetLayout> {
    let mut roles = header_roles(sheet, h);
    let repeated = repeated_header_roles(sheet, h, &roles);
    roles.extend(repeated);
    let rows = sample_rows(sheet, data_start(sheet, Some(h)));
    let question_col = match ov.question_col {
        Some(c) => c,
        None => {
            // The column with the most questions below the header, where a
            // "Question" label counts extra; a label alone is not enough
            // (HECVAT section titles read "Required Questions").
            let label = |c: u32| {
                roles
                    .iter()
                    .find(|(rc, _, _)| *rc == c)
                    .map(|(_, r, s)| (*r, *s))
            };
            (0..sheet.width())
                .filter_map(|c| match label(c) {
                    None => Some((c, 0)),
                    Some((Role::Question, s)) => Some((c, s)),
                    Some(_) => None,
                })
                .map(|(c, strength)| {
                    let n = prose_count(sheet, c, &rows);
                    (c, n, n * (4 + usize::from(strength)))
                })
                .filter(|(_, n, _)| *n >= 1)
                .max_by_key(|(c, _, score)| (*score, std::cmp::Reverse(*c)))
                .map(|(c, _, _)| c)?
        }
    };
    let id_col = ov
        .id_col
        .or_else(|| best(&roles, Role::Id, sheet, &rows))
        .or_else(|| id_col_by_content(sheet, question_col, &rows))
        .filter(|c| *c != question_col);
    let comment_col = ov
        .comment_col
        .or_else(|| best(&roles, Role::Comment, sheet, &rows).filter(|c| *c > question_col))
        .or_else(|| best(&roles, Role::Comment, sheet, &rows));
    let col_of = |role| {
        roles
            .iter()
            .filter(|(c, r, _)| *r == role && *c > question_col)
            .map(|(c, _, _)| *c)
            .min()
    };
    let marks = match (col_of(Role::Yes), col_of(Role::No)) {
        (Some(yes), Some(no)) => Some(AnswerTarget::Marks {
            yes,
            no,
            na: col_of(Role::Na),
        }),
        _ => None,
    };
    let answer = match (ov.answer_col, marks) {
        (Some(c), _) => AnswerTarget::Cell(c),
        (None, Some(m)) => m,
        (None, None) => {
            let by_header = roles
                .iter()
                .filter(|(c, r, _)| {
                    *r == Role::Answer && *c != question_col && Some(*c) != comment_col
                })
                .min_by_key(|(c, _, s)| (std::cmp::Reverse(*s), *c < question_col, *c))
                .map(|(c, _, _)| *c);
            match by_header.or_else(|| dropdown_col(sheet, question_col, &rows)) {
                Some(c) => AnswerTarget::Cell(c),
                None if comment_col.is_some() => AnswerTarget::None,
                None => AnswerTarget::Cell(first_free_col(sheet, question_col, &rows, &roles)),
            }
        }
    };
    Some(SheetLayout {
        sheet_index: index,
        header_row: Some(h),
        question_col,
        id_col,
        answer,
        comment_col,
        questions: Vec::new(),
    })
}

fn prose_count(sheet: &Sheet, col: u32, rows: &[u32]) -> usize {
    rows.iter()
        .filter(|&&r| looks_like_question(&sheet.text(r, col)))
        .count()
}

/// A column right of the questions whose cells carry a Yes/No dropdown.
fn dropdown_col(sheet: &Sheet, question_col: u32, rows: &[u32]) -> Option<u32> {
    (question_col + 1..sheet.width().max(question_col + 6)).find(|&c| {
        rows.iter().take(50).any(|&r| {
            sheet
                .allowed_values(r, c)
                .is_some_and(|v| v.iter().any(|x| x.eq_ignore_ascii_case("yes")))
        })
    })
}

/// The first column right of the questions that is empty below the header and names no role.
fn first_free_col(
    sheet: &Sheet,
    question_col: u32,
    rows: &[u32],
    roles: &[(u32, Role, u8)],
) -> u32 {
    (question_col + 1..)
        .find(|&c| {
            filled(sheet, c, rows) * 10 <= rows.len() && !roles.iter().any(|(rc, _, _)| *rc == c)
        })
        .unwrap_or(question_col + 1)
}

/// A column (often hidden) whose cells beside the questions read like ids.
fn id_col_by_content(sheet: &Sheet, question_col: u32, rows: &[u32]) -> Option<u32> {
    let q_rows: Vec<u32> = rows
        .iter()
        .copied()
        .filter(|&r| looks_like_question(&sheet.text(r, question_col)))
        .collect();
    if q_rows.is_empty() {
        return None;
    }
    (0..sheet.width())
        .filter(|c| *c != question_col)
        .find(|&c| {
            let ids = q_rows
                .iter()
                .filter(|&&r| ID_LIKE.is_match(&sheet.text(r, c)))
                .count();
            ids * 10 >= q_rows.len() * 4
        })
}

/// No header: the column with the most question-like cells, if there are enough.
fn layout_from_content(index: usize, sheet: &Sheet, ov: &Overrides) -> Option<SheetLayout> {
    let rows = sample_rows(sheet, 0);
    let question_col = match ov.question_col {
        Some(c) => c,
        None => {
            let (col, count) = (0..sheet.width())
                .map(|c| (c, prose_count(sheet, c, &rows)))
                .max_by_key(|(c, n)| (*n, std::cmp::Reverse(*c)))?;
            // A lone question-like line is an instruction, not a questionnaire.
            if count < 3 {
                return None;
            }
            col
        }
    };
    let q_rows: Vec<u32> = rows
        .iter()
        .copied()
        .filter(|&r| looks_like_question(&sheet.text(r, question_col)))
        .collect();
    let id_col = ov
        .id_col
        .or_else(|| id_col_by_content(sheet, question_col, &q_rows));
    let answer = AnswerTarget::Cell(
        ov.answer_col
            .or_else(|| dropdown_col(sheet, question_col, &q_rows))
            .unwrap_or_else(|| first_free_col(sheet, question_col, &q_rows, &[])),
    );
    Some(SheetLayout {
        sheet_index: index,
        header_row: None,
        question_col,
        id_col,
        answer,
        comment_col: ov.comment_col,
        questions: Vec::new(),
    })
}

/// The question rows below `start`. With `named_column` (the user said which
/// column holds the questions) any text there counts, short labels included.
fn question_rows(
    sheet: &Sheet,
    layout: &SheetLayout,
    start: u32,
    named_column: bool,
) -> Vec<Question> {
    let qc = layout.question_col;
    let header_label = layout
        .header_row
        .map(|h| sheet.text(h, qc).to_lowercase())
        .unwrap_or_default();
    let candidates: Vec<u32> = (start..sheet.height())
        .filter(|&r| {
            let t = sheet.text(r, qc);
            let reads = if named_column {
                !t.is_empty() && !FOOTER.is_match(&t)
            } else {
                looks_like_question(&t)
            };
            reads && t.to_lowercase() != header_label && header_score(sheet, r) == 0
        })
        .collect();
    // When nearly every question carries an ID, rows without one are guidance
    // or criteria; when many do, a row without one must at least ask something.
    let id_col = layout.id_col;
    let with_id = |r: u32| id_col.is_some_and(|c| !sheet.text(r, c).is_empty());
    let id_share =
        candidates.iter().filter(|&&r| with_id(r)).count() * 10 / candidates.len().max(1);
    let keep = |r: u32| match id_share {
        _ if id_col.is_none() || with_id(r) => true,
        9.. => false,
        4.. => asks(&sheet.text(r, qc)),
        _ => true,
    };
    let codes = match layout.answer {
        AnswerTarget::Cell(c) => template_codes(sheet, c, &candidates),
        _ => HashSet::new(),
    };
    candidates
        .into_iter()
        .filter(|&r| keep(r))
        .filter(|&r| !sheet.covered_by_merge(r, qc))
        .map(|r| Question {
            sheet: sheet.name.clone(),
            sheet_index: layout.sheet_index,
            row: r,
            id: id_col.map(|c| sheet.text(r, c)).filter(|s| !s.is_empty()),
            text: sheet.text(r, qc),
            existing: existing_answer(sheet, r, &layout.answer, &codes),
            answer: layout.answer.clone(),
            comment_col: layout.comment_col,
            allowed: match layout.answer {
                AnswerTarget::Cell(c) => sheet.allowed_values(r, c).map(<[String]>::to_vec),
                _ => None,
            },
            max_len: [
                layout.comment_col,
                if let AnswerTarget::Cell(c) = layout.answer {
                    Some(c)
                } else {
                    None
                },
            ]
            .into_iter()
            .flatten()
            .filter_map(|c| sheet.max_length(r, c))
            .min(),
        })
        .collect()
}

/// Answer cells that all hold one of a few upper-case codes (`TXT`, `YNANA`,
/// `RESP01`) name the answer type of a template, not an answer.
fn template_codes(sheet: &Sheet, col: u32, rows: &[u32]) -> HashSet<String> {
    let values: HashSet<String> = rows
        .iter()
        .map(|&r| sheet.text(r, col))
        .filter(|t| !t.is_empty())
        .collect();
    let answer_words = [
        "YES", "NO", "NA", "N/A", "X", "TRUE", "FALSE", "SI", "PARTIAL",
    ];
    let all_codes = !values.is_empty()
        && values.len() <= 4
        && values
            .iter()
            .all(|v| CODE.is_match(v) && !answer_words.contains(&v.as_str()));
    if all_codes { values } else { HashSet::new() }
}

fn existing_answer(
    sheet: &Sheet,
    row: u32,
    target: &AnswerTarget,
    codes: &HashSet<String>,
) -> Option<String> {
    let real = |c: u32| {
        let t = sheet.text(row, c);
        (!t.is_empty() && !is_placeholder(&t) && !codes.contains(&t)).then_some(t)
    };
    match *target {
        AnswerTarget::Cell(c) => real(c),
        AnswerTarget::Marks { yes, no, na } => {
            let labels = [(Some(yes), "Yes"), (Some(no), "No"), (na, "N/A")];
            labels
                .iter()
                .find(|(c, _)| c.and_then(real).is_some())
                .map(|(_, l)| l.to_string())
        }
        AnswerTarget::None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_openings_that_end_in_an_accent_ask() {
        assert!(looks_like_question("Está cifrada la información"));
        assert!(looks_like_question("¿Qué controles aplican"));
        assert!(looks_like_question("Cómo gestionan los accesos"));
        assert!(!looks_like_question("Estás aquí"));
    }
    use crate::ingest::Format;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet::from_rows("S", rows)
    }

    fn book(sheets: Vec<Sheet>) -> Workbook {
        Workbook {
            format: Format::Xlsx,
            sheets,
            sha256: String::new(),
            bytes: Vec::new(),
        }
    }

    #[test]
    fn finds_header_below_title_and_skips_section_rows() {
        let s = sheet(&[
            &["Supplier Security Assessment"],
            &["Please answer every question."],
            &[],
            &[
                "Ref",
                "Control Question",
                "Vendor Response (Yes/No/N/A)",
                "Supporting Evidence / Comments",
                "Buyer Notes",
            ],
            &["Governance"],
            &["SA.1.1", "Do you have an information security policy?"],
            &["SA.1.2", "Describe how access is reviewed."],
            &["Access"],
            &["SA.2.3", "Is MFA enforced for administrators?"],
            &["End of Standard"],
        ]);
        let l = detect(&book(vec![s]), &Overrides::default());
        assert_eq!(l.len(), 1);
        let l = &l[0];
        assert_eq!(
            (l.header_row, l.question_col, l.id_col),
            (Some(3), 1, Some(0))
        );
        assert_eq!(l.answer, AnswerTarget::Cell(2));
        assert_eq!(l.comment_col, Some(3));
        let rows: Vec<u32> = l.questions.iter().map(|q| q.row1()).collect();
        assert_eq!(rows, vec![6, 7, 9]);
        assert_eq!(l.questions[0].id.as_deref(), Some("SA.1.1"));
    }

    #[test]
    fn yes_no_na_sub_headers_become_mark_columns() {
        let s = sheet(&[
            &[
                "Control ID",
                "Question ID",
                "Consensus Assessment Questions",
                "Consensus Assessment Answers",
                "",
                "",
                "Notes",
            ],
            &["", "", "", "Yes", "No", "Not Applicable", ""],
            &[
                "AIS-01",
                "AIS-01.1",
                "Do you use industry standards to build in security?",
                "",
                "",
                "",
                "",
            ],
            &[
                "",
                "AIS-01.2",
                "Do you use an automated source code analysis tool?",
                "x",
                "",
                "",
                "",
            ],
        ]);
        let l = &detect(&book(vec![s]), &Overrides::default())[0];
        assert_eq!(
            l.answer,
            AnswerTarget::Marks {
                yes: 3,
                no: 4,
                na: Some(5)
            }
        );
        assert_eq!(l.id_col, Some(1));
        assert_eq!(l.questions.len(), 2);
        assert_eq!(l.questions[1].existing.as_deref(), Some("Yes"));
    }

    #[test]
    fn cover_sheets_and_lone_questions_are_not_questionnaires() {
        let cover = sheet(&[
            &["How to complete this questionnaire"],
            &[],
            &["Do you have any questions? Contact your buyer."],
        ]);
        assert!(detect(&book(vec![cover]), &Overrides::default()).is_empty());
    }

    #[test]
    fn a_control_catalogue_with_a_full_mapping_column_is_not_a_questionnaire() {
        let rows: Vec<[String; 3]> = (1..=6)
            .map(|i| {
                [
                    format!("CO-0{i}"),
                    format!("Audit plans and activities number {i} shall be agreed upon with customers before any audit begins."),
                    format!("COBIT 4.1 ME 2.{i}, PO 9.{i}"),
                ]
            })
            .collect();
        let mut table: Vec<Vec<&str>> = vec![vec![
            "Control ID",
            "Control Specification",
            "Compliance Mapping",
        ]];
        table.extend(rows.iter().map(|r| r.iter().map(String::as_str).collect()));
        let as_slices: Vec<&[&str]> = table.iter().map(Vec::as_slice).collect();
        let catalogue = sheet(&as_slices);
        assert!(detect(&book(vec![catalogue.clone()]), &Overrides::default()).is_empty());
        // Named with --sheet, it is read as asked.
        let named = Overrides {
            sheets: vec!["S".into()],
            ..Overrides::default()
        };
        assert_eq!(detect(&book(vec![catalogue]), &named)[0].questions.len(), 6);
        // A completed questionnaire of statements is still one.
        let mut done: Vec<Vec<&str>> = vec![vec!["Control ID", "Requirement", "Compliance"]];
        done.extend(
            rows.iter()
                .map(|r| vec![r[0].as_str(), r[1].as_str(), "Yes"]),
        );
        let as_slices: Vec<&[&str]> = done.iter().map(Vec::as_slice).collect();
        assert_eq!(
            detect(&book(vec![sheet(&as_slices)]), &Overrides::default()).len(),
            1
        );
    }

    #[test]
    fn every_row_under_a_clear_header_is_a_question_however_few() {
        let one = sheet(&[&["Question", "Answer"], &["Are you GDPR compliant?", ""]]);
        let found = detect(&book(vec![one]), &Overrides::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].questions.len(), 1);
        assert_eq!(found[0].questions[0].row, 1);
        let two = sheet(&[
            &["Question", "Answer"],
            &["Are you GDPR compliant?", ""],
            &["Do you require MFA for all remote access?", ""],
        ]);
        let found = detect(&book(vec![two]), &Overrides::default());
        assert_eq!(found[0].questions.len(), 2);
    }

    #[test]
    fn headerless_sheets_fall_back_to_the_most_question_like_column() {
        let s = sheet(&[
            &["1", "Do you encrypt data at rest?"],
            &["2", "Do you run penetration tests every year?"],
            &["3", "Describe your incident response plan."],
        ]);
        let l = &detect(&book(vec![s]), &Overrides::default())[0];
        assert_eq!(
            (l.question_col, l.id_col, l.answer.clone()),
            (1, Some(0), AnswerTarget::Cell(2))
        );
        assert_eq!(l.questions.len(), 3);
    }

    #[test]
    fn placeholders_are_not_answers() {
        for p in [
            "Vendor Name",
            "mm/dd/yyyy",
            "555-555-5555",
            "https://www.vendor.domain/privacy",
            "Select",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for a in ["Yes", "No", "N/A", "We encrypt everything."] {
            assert!(!is_placeholder(a), "{a}");
        }
    }

    #[test]
    fn section_titles_and_metadata_do_not_read_as_questions() {
        for t in [
            "Governance",
            "Vendor Name",
            "Data Protection",
            "End of Standard",
            "© Copyright 2024 CSA",
        ] {
            assert!(!looks_like_question(t), "{t}");
        }
        for t in [
            "Is MFA enforced?",
            "Describe your backup process.",
            "Explain how keys are rotated",
        ] {
            assert!(looks_like_question(t), "{t}");
        }
    }
}
