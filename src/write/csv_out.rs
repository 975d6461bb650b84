//! csv in, csv out: the input rows with the answers in their columns.

use super::FilledWriter;
use super::cells::Placement;
use crate::ingest::Workbook;
use anyhow::{Context, Result};

pub struct CsvWriter;

/// OWASP's advice against CSV injection: a cell that a spreadsheet would read
/// as a formula gets a leading apostrophe.
/// A plain number ("-5", "+1.5") is data, not a formula, and stays as it is.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.trim().parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

impl FilledWriter for CsvWriter {
    fn extension(&self, _input: &Workbook) -> &'static str {
        "filled.csv"
    }

    fn render(&self, input: &Workbook, cells: &[Placement]) -> Result<Vec<u8>> {
        let sheet = input.sheets.first().context("the csv has no rows")?;
        let mut rows: Vec<Vec<String>> = sheet
            .rows
            .iter()
            // The buyer's own cells too: the filled file is opened in a spreadsheet.
            .map(|r| r.iter().map(|v| neutralise(&v.text())).collect())
            .collect();
        for p in cells {
            let row = &mut rows[p.row as usize];
            if row.len() <= p.col as usize {
                row.resize(p.col as usize + 1, String::new());
            }
            row[p.col as usize] = neutralise(&p.value);
        }
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut w = csv::WriterBuilder::new()
            .flexible(false)
            .from_writer(Vec::new());
        for mut row in rows {
            row.resize(width, String::new());
            w.write_record(&row)?;
        }
        w.into_inner().context("cannot build the csv")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("Yes. We do."), "Yes. We do.");
        assert_eq!(neutralise("-5"), "-5");
        assert_eq!(neutralise("+1.5"), "+1.5");
    }
}
