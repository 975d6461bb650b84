//! The internal review workbook: sheet `Review` (one row per question, where
//! people check suggestions) and sheet `Summary` (counts and provenance).

use super::rebuild::{clip, fixed_properties};
use crate::model::{Circle, Status};
use crate::pipeline::Outcome;
use anyhow::{Context, Result};
use rust_xlsxwriter::{Color, DataValidation, Format, FormatBorder, Workbook};

/// The contract's columns, in order; more may follow.
pub const HEADERS: [&str; 11] = [
    "Sheet",
    "Row",
    "Question ID",
    "Question",
    "Circle",
    "Status",
    "Confidence",
    "Bank ID",
    "Answer",
    "Controls",
    "Why",
];
/// After the contract's columns: the short value, the alternatives, and two
/// hidden columns that let `qfill apply` and `qfill learn` see what a reviewer changed.
pub const EXTRA: [&str; 4] = ["Short", "Alternatives", "Suggested answer", "Withheld"];
const WIDTHS: [f64; 15] = [
    16.0, 6.0, 12.0, 60.0, 9.0, 9.0, 11.0, 24.0, 70.0, 16.0, 40.0, 8.0, 30.0, 20.0, 8.0,
];

/// What the Summary sheet says about the run.
pub struct Provenance<'a> {
    pub input: &'a str,
    pub input_sha256: &'a str,
    pub bank_version: &'a str,
    pub audience: &'a str,
}

fn status_color(s: Status) -> Color {
    match s {
        Status::Auto => Color::RGB(0xC6EFCE),
        Status::Review => Color::RGB(0xFFEB9C),
        Status::None => Color::RGB(0xFFC7CE),
        Status::Kept => Color::RGB(0xD9D9D9),
    }
}

pub fn render(outcomes: &[Outcome], prov: &Provenance) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    book.set_properties(&fixed_properties());
    // An internal working file: written fast rather than small.
    book.set_zip_compression_level(1);
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x1F4E78))
        .set_font_color(Color::White)
        .set_border_bottom(FormatBorder::Thin);
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let pct = Format::new()
        .set_num_format("0.00")
        .set_align(rust_xlsxwriter::FormatAlign::Top);

    let status_formats = Status::ALL.map(|s| {
        Format::new()
            .set_background_color(status_color(s))
            .set_align(rust_xlsxwriter::FormatAlign::Top)
    });
    let ws = book.add_worksheet();
    ws.set_name("Review")?;
    for (c, h) in HEADERS.iter().chain(EXTRA.iter()).enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header)?;
        ws.set_column_width(c as u16, WIDTHS[c])?;
    }
    for (i, o) in outcomes.iter().enumerate() {
        let r = i as u32 + 1;
        let q = &o.question;
        let controls: Vec<String> = o.controls.iter().map(ToString::to_string).collect();
        let alternatives: Vec<String> = o
            .alternatives()
            .iter()
            .map(|(id, c)| format!("{id} ({c:.2})"))
            .collect();
        ws.write_string_with_format(r, 0, &q.sheet, &wrap)?;
        ws.write_number_with_format(r, 1, q.row1(), &wrap)?;
        ws.write_string_with_format(r, 2, q.id.as_deref().unwrap_or(""), &wrap)?;
        ws.write_string_with_format(r, 3, clip(&q.text), &wrap)?;
        ws.write_string_with_format(r, 4, o.circle.as_str(), &wrap)?;
        let status_format = Status::ALL.iter().position(|s| *s == o.status);
        ws.write_string_with_format(
            r,
            5,
            o.status.as_str(),
            &status_formats[status_format.unwrap_or_default()],
        )?;
        ws.write_number_with_format(r, 6, o.confidence, &pct)?;
        ws.write_string_with_format(r, 7, o.bank_id.as_deref().unwrap_or(""), &wrap)?;
        let answer = match (&o.status, &q.existing) {
            (Status::Kept, Some(existing)) => existing.as_str(),
            _ => o.answer.as_deref().unwrap_or(""),
        };
        ws.write_string_with_format(r, 8, clip(answer), &wrap)?;
        ws.write_string_with_format(r, 9, controls.join(", "), &wrap)?;
        ws.write_string_with_format(r, 10, clip(&o.why.join("; ")), &wrap)?;
        ws.write_string_with_format(r, 11, o.short.as_deref().unwrap_or(""), &wrap)?;
        ws.write_string_with_format(r, 12, alternatives.join(", "), &wrap)?;
        ws.write_string(r, 13, clip(answer))?;
        ws.write_string(r, 14, if o.withheld { "yes" } else { "no" })?;
    }
    let last = outcomes.len() as u32;
    // The reference copies stay out of the reviewer's way.
    ws.set_column_hidden(13)?;
    ws.set_column_hidden(14)?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last.max(1), (HEADERS.len() + EXTRA.len() - 1) as u16)?;
    // Reviewers set the status from a list; `approved`/`rejected` feed `qfill apply`/`learn`.
    let statuses = DataValidation::new()
        .allow_list_strings(&["auto", "review", "none", "kept", "approved", "rejected"])
        .context("status list")?;
    if last > 0 {
        ws.add_data_validation(1, 5, last, 5, &statuses)?;
    }

    let sum = book.add_worksheet();
    sum.set_name("Summary")?;
    sum.set_column_width(0, 28)?;
    sum.set_column_width(1, 70)?;
    let bold = Format::new().set_bold();
    let mut r = 0;
    let mut line = |sum: &mut rust_xlsxwriter::Worksheet, k: &str, v: &str| -> Result<()> {
        sum.write_string_with_format(r, 0, k, &bold)?;
        // Counts are numbers, so people can sum and chart them.
        match v.parse::<u32>() {
            Ok(n) => sum.write_number(r, 1, n)?,
            Err(_) => sum.write_string(r, 1, v)?,
        };
        r += 1;
        Ok(())
    };
    line(sum, "Input", prov.input)?;
    line(sum, "Input SHA-256", prov.input_sha256)?;
    line(sum, "Bank version", prov.bank_version)?;
    line(sum, "Audience", prov.audience)?;
    line(sum, "Questions", &outcomes.len().to_string())?;
    line(sum, "", "")?;
    line(sum, "By status", "")?;
    for s in Status::ALL {
        let n = outcomes.iter().filter(|o| o.status == s).count();
        line(sum, s.as_str(), &n.to_string())?;
    }
    line(sum, "", "")?;
    line(sum, "By circle", "")?;
    for c in Circle::ALL {
        let n = outcomes.iter().filter(|o| o.circle == c).count();
        line(
            sum,
            &format!("{} – {}", c.as_str(), c.display_name()),
            &n.to_string(),
        )?;
    }
    book.save_to_buffer()
        .context("cannot build the review workbook")
}

/// One row of a review workbook as a person left it.
#[derive(Debug, Clone)]
pub struct ReviewRow {
    pub sheet: String,
    /// 1-based row of the questionnaire.
    pub row: u32,
    pub question: String,
    pub circle: String,
    pub status: Decision,
    pub bank_id: Option<String>,
    pub answer: String,
    pub short: Option<String>,
    /// What qfill suggested, to tell an edit from the suggestion.
    pub suggested: String,
    pub withheld: bool,
}

/// A Status cell of the review workbook: what qfill said, or what a
/// reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Auto,
    Review,
    None,
    Kept,
    Approved,
    Rejected,
}

impl Decision {
    pub const ALL: [Decision; 6] = [
        Decision::Auto,
        Decision::Review,
        Decision::None,
        Decision::Kept,
        Decision::Approved,
        Decision::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Auto => "auto",
            Decision::Review => "review",
            Decision::None => "none",
            Decision::Kept => "kept",
            Decision::Approved => "approved",
            Decision::Rejected => "rejected",
        }
    }

    /// The answer goes to the buyer: a reviewer approved it, or qfill was
    /// confident and nobody objected.
    pub fn accepted(self) -> bool {
        matches!(self, Decision::Approved | Decision::Auto)
    }

    /// Nobody has decided yet.
    pub fn open(self) -> bool {
        matches!(self, Decision::Review | Decision::None)
    }

    fn parse(text: &str) -> Option<Decision> {
        let t = text.trim();
        Decision::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(t))
    }
}

impl ReviewRow {
    pub fn edited(&self) -> bool {
        self.answer.trim() != self.suggested.trim()
    }
}

/// A review workbook read back: its rows, and the input it was made for.
pub struct ReviewFile {
    pub rows: Vec<ReviewRow>,
    pub input: String,
    pub input_sha256: String,
}

/// Reads the review workbook at `path`, no larger unpacked than `cap`
/// bytes, naming the file in every error.
pub fn read_path(path: &std::path::Path, cap: u64) -> Result<ReviewFile> {
    let bytes = crate::ingest::read_capped(path, cap)
        .map_err(|e| anyhow::anyhow!("{}: cannot read the review workbook: {e}", path.display()))?;
    read_back(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Reads a review workbook written by `qfill fill` (and edited by people).
pub fn read_back(bytes: &[u8]) -> Result<ReviewFile> {
    from_book(&crate::ingest::read_bytes(bytes, &Default::default())?)
}

/// Whether a workbook is laid out as a review workbook (its two sheets).
pub fn is_review(book: &crate::ingest::Workbook) -> bool {
    ["Review", "Summary"]
        .iter()
        .all(|name| book.sheets.iter().any(|s| s.name == *name))
}

/// A review workbook already read.
pub fn from_book(book: &crate::ingest::Workbook) -> Result<ReviewFile> {
    let sheet = |name: &str| {
        book.sheets
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| anyhow::anyhow!("no sheet `{name}`: is this a qfill review workbook?"))
    };
    let review = sheet("Review")?;
    let headers: Vec<String> = (0..review.width()).map(|c| review.text(0, c)).collect();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .map(|c| c as u32)
            .ok_or_else(|| anyhow::anyhow!("sheet `Review` has no `{name}` column"))
    };
    let (sheet_c, row_c, q_c) = (col("Sheet")?, col("Row")?, col("Question")?);
    let (circle_c, status_c, bank_c, answer_c) = (
        col("Circle")?,
        col("Status")?,
        col("Bank ID")?,
        col("Answer")?,
    );
    let (short_c, suggested_c, withheld_c) = (
        col("Short").ok(),
        col("Suggested answer")?,
        col("Withheld")?,
    );
    let raw = |r: u32, c: u32| match review.get(r, c) {
        crate::ingest::Value::Text(s) => s.trim().to_string(),
        v => v.text(),
    };
    let mut rows = Vec::new();
    let mut unknown = Vec::new();
    for r in 1..review.height() {
        let row_text = raw(r, row_c);
        let Ok(row) = row_text.parse::<u32>() else {
            continue;
        };
        let status_text = raw(r, status_c);
        let Some(status) = Decision::parse(&status_text) else {
            unknown.push(format!("Review row {}: `{status_text}`", r + 1));
            continue;
        };
        let opt = |c: u32| Some(raw(r, c)).filter(|s| !s.is_empty());
        rows.push(ReviewRow {
            sheet: raw(r, sheet_c),
            row,
            question: raw(r, q_c),
            circle: raw(r, circle_c),
            status,
            bank_id: opt(bank_c),
            answer: raw(r, answer_c),
            short: short_c.and_then(opt),
            suggested: raw(r, suggested_c),
            withheld: raw(r, withheld_c) == "yes",
        });
    }
    // A typo must not quietly turn an approval into nothing.
    if !unknown.is_empty() {
        let valid: Vec<&str> = Decision::ALL.iter().map(|d| d.as_str()).collect();
        anyhow::bail!(
            "{} Status cell(s) hold no known status ({}): {}",
            unknown.len(),
            valid.join(", "),
            unknown.join(", ")
        );
    }
    let summary = sheet("Summary")?;
    let value = |key: &str| {
        (0..summary.height())
            .find(|&r| summary.text(r, 0) == key)
            .map(|r| summary.text(r, 1))
            .unwrap_or_default()
    };
    Ok(ReviewFile {
        rows,
        input: value("Input"),
        input_sha256: value("Input SHA-256"),
    })
}
