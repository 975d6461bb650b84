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
    if zip.len() > MAX_PARTS {
        return Err(format!(
            "the package holds {} parts, more than {MAX_PARTS}; no questionnaire needs that many",
            zip.len()
        ));
    }
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
        // A sheet part may be stored anywhere the relationships point, so
        // every XML part is checked for cells.
        let is_sheet = name.to_ascii_lowercase().ends_with(".xml");
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
            let extent = if name == "content.xml" {
                check_ods_extent(&xml, limits)
            } else {
                check_extent(&xml, limits)
            };
            extent.map_err(|e| format!("{e} ({name})"))?;
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

/// The last row and column a worksheet part uses, from the cells that hold
/// something. Formatting alone (an empty `<c r="A1048576" s="3"/>` or a
/// styled row at the bottom of the sheet, common in real templates) does not
/// count. References are parsed strictly, and cells or rows without one are
/// placed after the one before, as Excel reads them.
fn check_extent(xml: &[u8], limits: &Limits) -> Result<(), String> {
    use super::ooxml::{SHEET_COLS, SHEET_ROWS, parse_cell};
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let (mut max_row, mut max_col) = (0u32, 0u32);
    // 1-based row of the current <row>, and 0-based column of the last cell.
    let (mut row, mut col): (u32, Option<u32>) = (0, None);
    loop {
        let event = reader.read_event_into(&mut buf);
        let (start, e) = match &event {
            Ok(Event::Start(e)) => (true, e),
            Ok(Event::Empty(e)) => (false, e),
            Ok(Event::Eof) => break,
            Err(_) => return Err("a sheet is not well-formed XML (the file is corrupt)".into()),
            _ => {
                buf.clear();
                continue;
            }
        };
        match e.local_name().as_ref() {
            "row" => {
                row = match e.try_get_attribute("r").ok().flatten() {
                    Some(r) => {
                        let text = r.value.to_string();
                        match text.trim().parse::<u32>() {
                            Ok(n) if (1..=SHEET_ROWS).contains(&n) => n,
                            _ => {
                                return Err(format!(
                                    "row number `{text}` is past row {SHEET_ROWS} or not a number (the file is corrupt)"
                                ));
                            }
                        }
                    }
                    None => row + 1,
                };
                col = None;
            }
            "c" => {
                let (r, c) = match e.try_get_attribute("r").ok().flatten() {
                    Some(a) => {
                        let text = a.value.to_string();
                        parse_cell(text.trim()).ok_or_else(|| {
                            format!("cell reference `{text}` is not a cell of a sheet (past XFD{SHEET_ROWS}?); the file is corrupt")
                        })?
                    }
                    None => (row.max(1) - 1, col.map_or(0, |c| c + 1)),
                };
                if c >= SHEET_COLS {
                    return Err("a cell lies past column XFD (the file is corrupt)".into());
                }
                col = Some(c);
                // A cell with content opens an element; an empty one is formatting.
                if start {
                    max_row = max_row.max(r + 1);
                    max_col = max_col.max(c + 1);
                    check_dimensions(max_row, max_col, limits)?;
                }
            }
            _ => {}
        }
        buf.clear();
    }
    check_dimensions(max_row, max_col, limits)
}

/// Zip parts a questionnaire package may have; 50,000 sheets would otherwise
/// take minutes before any limit is reached.
const MAX_PARTS: usize = 10_000;

/// Sheets a workbook may have.
pub const MAX_SHEETS: usize = 1_000;

/// The used extent of each table of an OpenDocument `content.xml`, with its
/// repeated rows and columns counted as what they expand to. Repeats of empty
/// cells and rows (common padding to the sheet's end) do not count.
fn check_ods_extent(xml: &[u8], limits: &Limits) -> Result<(), String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let repeat = |e: &quick_xml::events::BytesStart, key: &str| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.local_name().as_ref() == key)
            .and_then(|a| a.value.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let has_value = |e: &quick_xml::events::BytesStart| {
        e.attributes()
            .flatten()
            .any(|a| a.key.local_name().as_ref() == "value-type")
    };
    let check = |rows: u64, cols: u64| {
        let clamp = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
        check_dimensions(clamp(rows), clamp(cols), limits)
    };
    // Rows before the current one, its repeat, the columns before the current cell.
    let (mut row_at, mut row_repeat, mut col_at) = (0u64, 1u64, 0u64);
    let (mut max_row, mut max_col) = (0u64, 0u64);
    // The current cell, while its content is read: (first column, repeat).
    let mut open_cell: Option<(u64, u64)> = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == "table" => {
                (row_at, col_at, max_row, max_col) = (0, 0, 0, 0);
            }
            Ok(Event::Start(e)) if e.local_name().as_ref() == "table-row" => {
                row_repeat = repeat(&e, "number-rows-repeated");
                col_at = 0;
            }
            Ok(Event::Empty(e)) if e.local_name().as_ref() == "table-row" => {
                row_at = row_at.saturating_add(repeat(&e, "number-rows-repeated"));
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "table-row" => {
                row_at = row_at.saturating_add(row_repeat);
            }
            Ok(ref event @ (Event::Start(ref e) | Event::Empty(ref e)))
                if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                let n = repeat(e, "number-columns-repeated");
                open_cell = None;
                if has_value(e) {
                    max_row = max_row.max(row_at.saturating_add(row_repeat));
                    max_col = max_col.max(col_at.saturating_add(n));
                    check(max_row, max_col)?;
                } else if matches!(event, Event::Start(_)) {
                    open_cell = Some((col_at, n));
                }
                col_at = col_at.saturating_add(n);
            }
            Ok(Event::Start(e)) if e.local_name().as_ref() == "p" => {
                // Text in a cell without a value type: a string cell.
                if let Some((first, n)) = open_cell.take() {
                    max_row = max_row.max(row_at.saturating_add(row_repeat));
                    max_col = max_col.max(first.saturating_add(n));
                    check(max_row, max_col)?;
                }
            }
            Ok(Event::End(e))
                if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                open_cell = None;
            }
            Ok(Event::Eof) => break,
            Err(_) => return Err("content.xml is not well-formed XML (the file is corrupt)".into()),
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// Refuses a legacy `.xls` workbook whose cells reach past the limits, from
/// the positions its cell records declare, before calamine builds any grid
/// (it allocates the rectangle up to the farthest cell).
pub fn check_xls(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let corrupt = || "the file is corrupt or not a valid spreadsheet".to_string();
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| corrupt())?;
    let name = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"]
        .into_iter()
        .find(|n| cfb.is_stream(n))
        .ok_or_else(corrupt)?;
    let mut stream = Vec::new();
    cfb.open_stream(name)
        .map_err(|_| corrupt())?
        .take(limits.max_unzipped_bytes + 1)
        .read_to_end(&mut stream)
        .map_err(|_| corrupt())?;
    if stream.len() as u64 > limits.max_unzipped_bytes {
        return Err(format!(
            "the workbook stream is larger than {} MB; if it is genuine, raise --max-unzipped-mb",
            limits.max_unzipped_bytes / (1024 * 1024)
        ));
    }
    let (mut max_row, mut max_col, mut sheets) = (0u32, 0u32, 0usize);
    let mut at = 0usize;
    while at + 4 <= stream.len() {
        let kind = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        let data = &stream[at + 4..(at + 4 + len).min(stream.len())];
        let u16_at = |i: usize| {
            data.get(i..i + 2)
                .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
        };
        match kind {
            // BOF: a new substream (a sheet) starts.
            0x0809 => {
                sheets += 1;
                if sheets > MAX_SHEETS + 1 {
                    return Err(format!(
                        "the workbook has more than {MAX_SHEETS} sheets; no questionnaire needs that many"
                    ));
                }
                (max_row, max_col) = (0, 0);
            }
            // Cells with content: NUMBER, RK, LABELSST, LABEL, BOOLERR, FORMULA, RSTRING.
            0x0203 | 0x027E | 0x00FD | 0x0204 | 0x0205 | 0x0006 | 0x00D6 => {
                if let (Some(r), Some(c)) = (u16_at(0), u16_at(2)) {
                    max_row = max_row.max(r + 1);
                    max_col = max_col.max(c + 1);
                }
            }
            // MULRK: several numbers in a row, the last column at the end.
            0x00BD => {
                if let (Some(r), Some(c)) = (u16_at(0), len.checked_sub(2).and_then(u16_at)) {
                    max_row = max_row.max(r + 1);
                    max_col = max_col.max(c + 1);
                }
            }
            _ => {}
        }
        check_dimensions(max_row, max_col, limits)?;
        at += 4 + len;
    }
    Ok(())
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
    fn repeated_ods_rows_and_columns_count_as_what_they_expand_to() {
        let limits = Limits::default();
        let bomb = br#"<office:document-content><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
        assert!(
            check_ods_extent(bomb, &limits)
                .unwrap_err()
                .contains("--max-")
        );
        let text_only = br#"<table:table><table:table-row table:number-rows-repeated="900000"><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
        assert!(
            check_ods_extent(text_only, &limits)
                .unwrap_err()
                .contains("--max-rows")
        );
        // Padding to the end of the sheet is not content.
        let padded = br#"<table:table><table:table-row><table:table-cell office:value-type="string"><text:p>Do you?</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#;
        assert!(check_ods_extent(padded, &limits).is_ok());
    }

    #[test]
    fn far_away_cells_are_refused() {
        let limits = Limits::default();
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1"/></row><row r="200000"><c r="B200000"><v>1</v></c></row></sheetData></worksheet>"#;
        let err = check_extent(xml, &limits).unwrap_err();
        assert!(
            err.contains("row 200000") && err.contains("--max-rows"),
            "{err}"
        );
        // References past XFD1048576 are errors naming the cell, never skipped.
        for cell in [
            "ZZZZZ99999999",
            "AAAA5000",
            "A0",
            "A99999999",
            "XFE1",
            "B2x",
            "12",
        ] {
            let xml = format!(
                r#"<worksheet><sheetData><row r="1"><c r="{cell}"><v>1</v></c></row></sheetData></worksheet>"#
            );
            let err = check_extent(xml.as_bytes(), &limits).unwrap_err();
            assert!(err.contains(cell), "{cell}: {err}");
        }
        // Cells and rows without a reference follow the one before.
        let unnamed = br#"<worksheet><sheetData><row r="900000"><c><v>1</v></c></row></sheetData></worksheet>"#;
        assert!(
            check_extent(unnamed, &limits)
                .unwrap_err()
                .contains("--max-rows")
        );
        let far_row = br#"<worksheet><sheetData><row r="99999999"><c><v>1</v></c></row></sheetData></worksheet>"#;
        assert!(
            check_extent(far_row, &limits)
                .unwrap_err()
                .contains("99999999")
        );
        let wide_unnamed = format!(
            r#"<worksheet><sheetData><row r="400">{}</row></sheetData></worksheet>"#,
            "<c><v>1</v></c>".repeat(16_000)
        );
        assert!(
            check_extent(wide_unnamed.as_bytes(), &limits)
                .unwrap_err()
                .contains("--max-cells")
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
