//! CSV questionnaires: encoding detection and parsing into one sheet.

use super::{Sheet, Value};

/// A cheap test that bytes are text rather than an image or other binary.
pub fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let head = &bytes[..bytes.len().min(8192)];
    !head.contains(&0) && head.iter().filter(|b| **b < 0x09).count() == 0
}

/// Decodes UTF-8 (with or without BOM) and UTF-16 (with BOM); anything else is refused.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(format!("the file is not valid {} text", enc.name()));
        }
        return Ok(text.into_owned());
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        "the csv is not UTF-8 or UTF-16 text; save it as \"CSV UTF-8\" and try again".to_string()
    })
}

/// Reads a csv (comma, semicolon or tab separated) into a sheet named after the format.
pub fn read_csv(bytes: &[u8], limits: &super::Limits) -> Result<Sheet, String> {
    let text = decode(bytes)?;
    let delimiter = guess_delimiter(&text);
    // The csv reader keeps one position per field of a record: a line of
    // millions of delimiters is refused before it is read.
    if let Some((i, n)) = text
        .lines()
        .map(|l| l.bytes().filter(|&b| b == delimiter).count())
        .enumerate()
        .find(|(_, n)| *n >= super::ooxml::SHEET_COLS as usize)
    {
        return Err(format!(
            "line {} has {} separators, more columns than a sheet can hold ({})",
            i + 1,
            n,
            super::ooxml::SHEET_COLS
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut width = 0usize;
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("row {}: {e}", i + 1))?;
        // Checked row by row, before the row's cells are made.
        if record.len() > super::ooxml::SHEET_COLS as usize {
            return Err(format!(
                "row {} has {} columns, more than a sheet can hold ({})",
                i + 1,
                record.len(),
                super::ooxml::SHEET_COLS
            ));
        }
        width = width.max(record.len());
        super::limits::check_dimensions(
            u32::try_from(i + 1).unwrap_or(u32::MAX),
            width as u32,
            limits,
        )?;
        let mut row: Vec<Value> = record
            .iter()
            .map(|f| {
                if f.trim().is_empty() {
                    Value::Empty
                } else {
                    Value::Text(f.to_string())
                }
            })
            .collect();
        while row.last().is_some_and(Value::is_empty) {
            row.pop();
        }
        rows.push(row);
    }
    while rows.last().is_some_and(|r| r.is_empty()) {
        rows.pop();
    }
    Ok(Sheet {
        name: "csv".into(),
        rows,
        ..Sheet::default()
    })
}

/// The separator used most on the first line (outside quotes, roughly).
fn guess_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_and_utf16() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b").unwrap(), "a,b");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("é,b".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16).unwrap(), "é,b");
        assert!(decode(b"caf\xE9").unwrap_err().contains("CSV UTF-8"));
    }

    #[test]
    fn reads_semicolon_csv_with_quotes() {
        let s = read_csv(
            b"ID;Question\nQ1;\"Do you; really?\"\n",
            &super::super::Limits::default(),
        )
        .unwrap();
        assert_eq!(s.text(1, 1), "Do you; really?");
    }
}
