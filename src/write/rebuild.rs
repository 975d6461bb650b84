//! The rebuilding filled writer: a new xlsx with every sheet and value of the
//! input, its merged regions and list dropdowns, and the answers in place.
//! Formatting is not carried over; the command says so.

use super::FilledWriter;
use super::cells::Placement;
use crate::compose::CELL_LIMIT;
use crate::ingest::{Value, Workbook};
use anyhow::{Context, Result};
use rust_xlsxwriter::{DataValidation, DocProperties, ExcelDateTime, Format, Workbook as XlsxBook};
use std::collections::HashMap;

pub struct RebuildWriter;

/// Fixed document timestamp, so identical runs give identical bytes.
pub fn fixed_properties() -> DocProperties {
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1).expect("valid date");
    DocProperties::new().set_creation_datetime(&epoch)
}

/// Cuts text to Excel's cell limit (counted in UTF-16 units).
pub fn clip(text: &str) -> &str {
    // A character takes at least as many UTF-8 bytes as UTF-16 units.
    if text.len() <= CELL_LIMIT {
        return text;
    }
    let mut units = 0;
    for (i, ch) in text.char_indices() {
        units += ch.len_utf16();
        if units > CELL_LIMIT {
            return &text[..i];
        }
    }
    text
}

impl FilledWriter for RebuildWriter {
    fn extension(&self, _input: &Workbook) -> &'static str {
        "filled.xlsx"
    }

    fn render(&self, input: &Workbook, cells: &[Placement]) -> Result<Vec<u8>> {
        let mut answers: HashMap<(usize, u32, u32), String> = HashMap::new();
        for p in cells {
            answers.insert((p.sheet_index, p.row, p.col), p.value.clone());
        }
        let mut book = XlsxBook::new();
        book.set_properties(&fixed_properties());
        let wrap = Format::new().set_text_wrap();
        for (si, sheet) in input.sheets.iter().enumerate() {
            let ws = book.add_worksheet();
            ws.set_name(&sheet.name)
                .with_context(|| format!("sheet `{}`: name not accepted by Excel", sheet.name))?;
            ws.set_hidden(sheet.hidden);
            for (r, row) in sheet.rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if answers.contains_key(&(si, r as u32, c as u32)) {
                        continue;
                    }
                    let (r, c) = (r as u32, c as u16);
                    let written = match v {
                        Value::Empty => continue,
                        // Text is always written as text, never as a formula.
                        Value::Text(s) => ws.write_string(r, c, clip(s)).map(|_| ()),
                        Value::Number(n) => ws.write_number(r, c, *n).map(|_| ()),
                        Value::Bool(b) => ws.write_boolean(r, c, *b).map(|_| ()),
                    };
                    written.with_context(|| {
                        format!("sheet `{}`: cannot write row {}", sheet.name, r + 1)
                    })?;
                }
            }
            for m in &sheet.merges {
                if m.first_row == m.last_row && m.first_col == m.last_col {
                    continue;
                }
                let top_left = answers
                    .get(&(si, m.first_row, m.first_col))
                    .cloned()
                    .unwrap_or_else(|| sheet.text(m.first_row, m.first_col));
                // Overlapping merges in odd files are dropped rather than failing the fill.
                let _ = ws.merge_range(
                    m.first_row,
                    m.first_col as u16,
                    m.last_row,
                    m.last_col as u16,
                    clip(&top_left),
                    &Format::new(),
                );
            }
            for lv in &sheet.lists {
                if let Ok(dv) = DataValidation::new().allow_list_strings(&lv.values) {
                    for &(r0, c0, r1, c1) in &lv.ranges {
                        let _ = ws.add_data_validation(r0, c0 as u16, r1, c1 as u16, &dv);
                    }
                }
            }
            let mut cells: Vec<_> = answers.iter().filter(|((s, _, _), _)| *s == si).collect();
            cells.sort_by_key(|(k, _)| **k);
            for (&(_, r, c), value) in cells {
                ws.write_string_with_format(r, c as u16, clip(value), &wrap)
                    .with_context(|| {
                        format!(
                            "sheet `{}`: cannot write the answer in row {}",
                            sheet.name,
                            r + 1
                        )
                    })?;
            }
        }
        book.save_to_buffer()
            .context("cannot build the filled workbook")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_respects_utf16_units() {
        let s = "😀".repeat(20_000); // 2 units each
        let c = clip(&s);
        assert_eq!(c.encode_utf16().count(), 32_766);
        assert_eq!(clip("short"), "short");
        let full = "é".repeat(CELL_LIMIT); // 2 bytes, 1 unit each
        assert_eq!(clip(&full), full);
        assert_eq!(clip(&"a".repeat(CELL_LIMIT + 1)).len(), CELL_LIMIT);
    }
}
