//! Size limits checked before a workbook is unpacked, so that a zip bomb or a
//! sheet with a cell a million rows down is refused before memory runs out.

use quick_xml::Reader;
use quick_xml::events::Event;
use std::io::{Cursor, Read};
use zip::ZipArchive;

/// How much a questionnaire may unpack to. Real questionnaires are far smaller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Uncompressed bytes of all parts of a zip package together.
    pub max_unzipped_bytes: u64,
    /// Rows of one sheet (the last row with anything in it).
    pub max_rows: u32,
    /// Cells of one sheet's used rectangle (rows × columns).
    pub max_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_unzipped_bytes: 256 * 1024 * 1024,
            max_rows: 100_000,
            max_cells: 5_000_000,
        }
    }
}

/// Refuses a zip package whose parts unpack to more than the limit. Declared
/// sizes are checked first; parts are then read through a cap, since a
/// crafted file may declare less than it holds.
pub fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| "the file is corrupt or truncated".to_string())?;
    let too_big = || {
        format!(
            "the file unpacks to more than {} MB (a zip bomb?); if it is genuine, raise --max-unzipped-mb",
            limits.max_unzipped_bytes / (1024 * 1024)
        )
    };
    let declared: u64 = (0..zip.len())
        .filter_map(|i| zip.by_index_raw(i).ok().map(|f| f.size()))
        .sum();
    if declared > limits.max_unzipped_bytes {
        return Err(too_big());
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else { continue };
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let is_sheet = name.contains("worksheets/") && name.ends_with(".xml");
        let mut capped = entry.take(limits.max_unzipped_bytes - total + 1);
        if is_sheet {
            let mut xml = Vec::new();
            capped
                .read_to_end(&mut xml)
                .map_err(|_| "the file is corrupt or truncated".to_string())?;
            total += xml.len() as u64;
            if total > limits.max_unzipped_bytes {
                return Err(too_big());
            }
            check_extent(&xml, limits).map_err(|e| format!("{} ({name})", e))?;
        } else {
            total += std::io::copy(&mut capped, &mut std::io::sink())
                .map_err(|_| "the file is corrupt or truncated".to_string())?;
            if total > limits.max_unzipped_bytes {
                return Err(too_big());
            }
        }
    }
    Ok(())
}

/// The last row and column a worksheet part uses, from the references of the
/// cells that hold something. Formatting alone (an empty `<c r="A1048576" s="3"/>`
/// or a styled row at the bottom of the sheet, common in real templates) does not count.
fn check_extent(xml: &[u8], limits: &Limits) -> Result<(), String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let (mut max_row, mut max_col) = (0u32, 0u32);
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "c" => {
                if let Some(r) = e.try_get_attribute("r").ok().flatten()
                    && let Some((row, col)) = super::ooxml::parse_cell(&r.value)
                {
                    max_row = max_row.max(row + 1);
                    max_col = max_col.max(col + 1);
                }
            }
            Ok(Event::Eof) => break,
            Err(_) => return Err("a sheet is not well-formed XML (the file is corrupt)".into()),
            _ => {}
        }
        buf.clear();
    }
    check_dimensions(max_row, max_col, limits)
}

/// Refuses a sheet larger than the row and cell limits.
pub fn check_dimensions(rows: u32, cols: u32, limits: &Limits) -> Result<(), String> {
    if rows > limits.max_rows {
        return Err(format!(
            "a sheet reaches row {rows}, more than the limit of {} rows; if it is genuine, raise --max-rows",
            limits.max_rows
        ));
    }
    let cells = u64::from(rows) * u64::from(cols);
    if cells > limits.max_cells {
        return Err(format!(
            "a sheet spans {cells} cells, more than the limit of {}; if it is genuine, raise --max-cells",
            limits.max_cells
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_away_cells_are_refused() {
        let limits = Limits::default();
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1"/></row><row r="2000000"><c r="B2000000"><v>1</v></c></row></sheetData></worksheet>"#;
        let err = check_extent(xml, &limits).unwrap_err();
        assert!(
            err.contains("row 2000000") && err.contains("--max-rows"),
            "{err}"
        );
        let wide = br#"<worksheet><sheetData><row r="90000"><c r="XFD90000"><v>1</v></c></row></sheetData></worksheet>"#;
        assert!(
            check_extent(wide, &limits)
                .unwrap_err()
                .contains("--max-cells")
        );
        let ok =
            br#"<worksheet><sheetData><row r="300"><c r="F300"/></row></sheetData></worksheet>"#;
        assert!(check_extent(ok, &limits).is_ok());
        let styled = br#"<worksheet><sheetData><row r="1048576" s="3"><c r="XFD1048576" s="3"/></row></sheetData></worksheet>"#;
        assert!(
            check_extent(styled, &limits).is_ok(),
            "formatting alone does not count"
        );
    }
}
