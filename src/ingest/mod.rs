//! Ingest: read a questionnaire (xlsx, xlsm, xls, xlsb, ods or csv) into plain
//! grids of values, then find its questions (`detect`).

pub mod detect;
pub mod limits;
pub mod ooxml;
pub mod text;
mod vocabulary;

use anyhow::{Context, Result, anyhow, bail};
use calamine::{Data, Reader, SheetVisible, Sheets};
use std::io::Cursor;
use std::path::Path;

pub use detect::{AnswerTarget, Overrides, Question, detect};
pub use limits::Limits;

/// File formats qfill reads, told apart by content, not by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsm,
    Xls,
    Xlsb,
    Ods,
    Csv,
}

/// The file extensions of the questionnaires qfill reads.
pub const EXTENSIONS: [&str; 6] = ["xlsx", "xlsm", "xls", "xlsb", "ods", "csv"];

/// A file name (lower case) with one of `extensions`, and not an office
/// lock file (`~$q.xlsx`) or a hidden or half-written one (`.q.xlsx`,
/// `.qfill-…`): what a folder given to `batch` or `audit` holds to read.
pub fn is_readable_name(name: &str, extensions: &[&str]) -> bool {
    let scratch = name.starts_with("~$") || name.starts_with('.');
    let ext_ok = name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| extensions.contains(&ext));
    ext_ok && !scratch
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsm => "xlsm",
            Format::Xls => "xls",
            Format::Xlsb => "xlsb",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }
}

/// A cell value as read (formula cells hold their cached value).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
}

impl Value {
    /// The text a person sees, trimmed.
    pub fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => s.trim().to_string(),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A rectangle of merged cells, 0-based inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

/// One sheet as a dense grid indexed by absolute 0-based (row, col).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub hidden: bool,
    pub rows: Vec<Vec<Value>>,
    pub merges: Vec<Merge>,
    /// Allowed values of list data validations, by cell range (xlsx/xlsm only).
    pub lists: Vec<ooxml::ListValidation>,
    /// Text-length limits of cells (xlsx/xlsm only).
    pub length_limits: Vec<ooxml::LengthLimit>,
    /// Header rows of tables, which are never written to: (row, first col, last col).
    pub table_headers: Vec<(u32, u32, u32)>,
}

impl Sheet {
    pub fn get(&self, row: u32, col: u32) -> &Value {
        static EMPTY: Value = Value::Empty;
        self.rows
            .get(row as usize)
            .and_then(|r| r.get(col as usize))
            .unwrap_or(&EMPTY)
    }

    pub fn text(&self, row: u32, col: u32) -> String {
        self.get(row, col).text()
    }

    pub fn height(&self) -> u32 {
        self.rows.len() as u32
    }

    pub fn width(&self) -> u32 {
        self.rows.iter().map(Vec::len).max().unwrap_or(0) as u32
    }

    /// The allowed values of a list validation that covers the cell, if any.
    pub fn allowed_values(&self, row: u32, col: u32) -> Option<&[String]> {
        self.lists
            .iter()
            .find(|l| l.covers(row, col))
            .map(|l| l.values.as_slice())
    }

    /// The most characters a text-length validation lets the cell hold.
    pub fn max_length(&self, row: u32, col: u32) -> Option<usize> {
        self.length_limits
            .iter()
            .filter(|l| {
                l.ranges
                    .iter()
                    .any(|&(r0, c0, r1, c1)| (r0..=r1).contains(&row) && (c0..=c1).contains(&col))
            })
            .map(|l| l.max)
            .min()
    }

    /// Whether a writer must leave the cell alone: under a merged range (not
    /// its top-left cell) or in a table's header row.
    pub fn protected_cell(&self, row: u32, col: u32) -> bool {
        self.covered_by_merge(row, col)
            || self
                .table_headers
                .iter()
                .any(|&(r, c0, c1)| r == row && (c0..=c1).contains(&col))
    }

    /// The merged region whose top-left is not this cell, if the cell is hidden under one.
    pub fn covered_by_merge(&self, row: u32, col: u32) -> bool {
        self.merges.iter().any(|m| {
            (m.first_row..=m.last_row).contains(&row)
                && (m.first_col..=m.last_col).contains(&col)
                && (m.first_row, m.first_col) != (row, col)
        })
    }
}

#[cfg(test)]
impl Sheet {
    /// A sheet of text cells for unit tests; empty strings are empty cells.
    pub fn from_rows(name: &str, rows: &[&[&str]]) -> Sheet {
        let cell = |c: &&str| {
            if c.is_empty() {
                Value::Empty
            } else {
                Value::Text(c.to_string())
            }
        };
        Sheet {
            name: name.into(),
            rows: rows.iter().map(|r| r.iter().map(cell).collect()).collect(),
            ..Sheet::default()
        }
    }
}

/// A questionnaire as read from disk.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub format: Format,
    pub sheets: Vec<Sheet>,
    pub sha256: String,
    /// The file as read, for the writer that patches it in place.
    pub bytes: Vec<u8>,
}

/// Reads any supported questionnaire file, refusing it when it is larger than `limits`.
/// Errors name the file.
pub fn read(path: &Path, limits: &Limits) -> Result<Workbook> {
    let name = path.display();
    if path.is_dir() {
        bail!("{name}: is a directory; give a questionnaire file");
    }
    let bytes = read_capped(path, limits.max_unzipped_bytes).map_err(|e| anyhow!("{name}: {e}"))?;
    read_bytes(&bytes, limits).with_context(|| name.to_string())
}

/// A regular file's bytes, refused past `cap` while reading: a file may grow,
/// or be a symlink to `/dev/zero`. FIFOs and devices are refused before
/// opening, since reading them may never end.
pub fn read_capped(path: &Path, cap: u64) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => format!("cannot read the file: {e}"),
    })?;
    if !meta.is_file() {
        return Err(
            "not a regular file (a pipe, device or socket); give a questionnaire file".into(),
        );
    }
    let too_big = || {
        format!(
            "the file is larger than {} MB; if it is genuine, raise --max-unzipped-mb",
            cap / (1024 * 1024)
        )
    };
    if meta.len() > cap {
        return Err(too_big());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(too_big());
    }
    Ok(bytes)
}

/// Reads a questionnaire from its bytes; the format comes from the content.
pub fn read_bytes(bytes: &[u8], limits: &Limits) -> Result<Workbook> {
    let format = sniff(bytes).map_err(|why| anyhow!(why))?;
    if bytes.starts_with(ZIP_MAGIC) {
        limits::check_zip(bytes, limits).map_err(|why| anyhow!(why))?;
    } else if format == Format::Xls {
        limits::check_xls(bytes, limits).map_err(|why| anyhow!(why))?;
    } else if bytes.len() as u64 > limits.max_unzipped_bytes {
        bail!(
            "the file is larger than {} MB; if it is genuine, raise --max-unzipped-mb",
            limits.max_unzipped_bytes / (1024 * 1024)
        );
    }
    let sheets = match format {
        Format::Csv => vec![text::read_csv(bytes, limits).map_err(|e| anyhow!(e))?],
        _ => read_spreadsheet_guarded(bytes, format)?,
    };
    for s in &sheets {
        limits::check_dimensions(s.height(), s.width(), limits)
            .map_err(|why| anyhow!("sheet `{}`: {why}", s.name))?;
    }
    if sheets.iter().all(|s| s.rows.is_empty()) {
        bail!("the workbook is empty: no sheet holds any text");
    }
    let sha256 = {
        use sha2::{Digest, Sha256};
        format!("{:x}", Sha256::digest(bytes))
    };
    Ok(Workbook {
        format,
        sheets,
        sha256,
        bytes: bytes.to_vec(),
    })
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Tells the format from the first bytes (and, for zip packages, their content types).
pub fn sniff(bytes: &[u8]) -> std::result::Result<Format, String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return ooxml::zip_format(bytes);
    }
    if bytes.starts_with(CFB_MAGIC) {
        // Encrypted xlsx files are CFB containers holding an `EncryptedPackage` stream.
        let utf16 = |s: &str| {
            s.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>()
        };
        let needle = utf16("EncryptedPackage");
        if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
            return Err(
                "the workbook is password-protected (encrypted); remove the password and try again"
                    .into(),
            );
        }
        return Ok(Format::Xls);
    }
    // Text formats that are not tables, told apart before the text check.
    for (magic, what) in [
        (&b"%PDF-"[..], "a PDF document"),
        (b"{\\rtf", "an RTF document"),
        (b"<!DOCTYPE html", "an HTML page"),
        (b"<html", "an HTML page"),
    ] {
        if bytes.len() >= magic.len() && bytes[..magic.len()].eq_ignore_ascii_case(magic) {
            return Err(format!(
                "not a spreadsheet: this is {what}; save the questionnaire as xlsx or csv"
            ));
        }
    }
    if text::looks_like_text(bytes) {
        return Ok(Format::Csv);
    }
    Err("not a spreadsheet (expected xlsx, xlsm, xls, xlsb, ods or csv content)".into())
}

thread_local! {
    /// Set while a reader that may panic on a malformed file runs.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keeps the panic message of a guarded read off stderr: the user gets the
/// one-line error instead. Other panics print as usual.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !GUARDED.with(|g| g.get()) {
            default(info);
        }
    }));
}

/// calamine panics on some malformed files (fuzzing found an xls stream of
/// five bytes that does): a panic there is a corrupt file, not a crash.
fn read_spreadsheet_guarded(bytes: &[u8], format: Format) -> Result<Vec<Sheet>> {
    GUARDED.with(|g| g.set(true));
    let result = std::panic::catch_unwind(|| read_spreadsheet(bytes, format));
    GUARDED.with(|g| g.set(false));
    result.unwrap_or_else(|_| {
        Err(anyhow!(
            "the file is corrupt or not a valid {} workbook",
            format.name()
        ))
    })
}

fn read_spreadsheet(bytes: &[u8], format: Format) -> Result<Vec<Sheet>> {
    let cursor = Cursor::new(bytes.to_vec());
    let mut book: Sheets<_> = match format {
        Format::Xlsx | Format::Xlsm => Sheets::Xlsx(calamine::Xlsx::new(cursor).map_err(friendly)?),
        Format::Xls => Sheets::Xls(calamine::Xls::new(cursor).map_err(friendly)?),
        Format::Xlsb => Sheets::Xlsb(calamine::Xlsb::new(cursor).map_err(friendly)?),
        Format::Ods => Sheets::Ods(calamine::Ods::new(cursor).map_err(friendly)?),
        Format::Csv => unreachable!("csv is read as text"),
    };
    let meta: Vec<(String, bool)> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible != SheetVisible::Visible))
        .collect();
    if meta.len() > limits::MAX_SHEETS {
        bail!(
            "the workbook has {} sheets, more than {}; no questionnaire needs that many",
            meta.len(),
            limits::MAX_SHEETS
        );
    }
    let mut sheets = Vec::with_capacity(meta.len());
    for (name, hidden) in meta {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| anyhow!("sheet `{name}`: {e}"))?;
        let merges = match &mut book {
            Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            _ => Vec::new(),
        };
        sheets.push(Sheet {
            name,
            hidden,
            rows: grid(&range),
            merges: merges
                .into_iter()
                .map(|d| Merge {
                    first_row: d.start.0,
                    first_col: d.start.1,
                    last_row: d.end.0,
                    last_col: d.end.1,
                })
                .collect(),
            lists: Vec::new(),
            length_limits: Vec::new(),
            table_headers: Vec::new(),
        });
    }
    if matches!(format, Format::Xlsx | Format::Xlsm) {
        let names: Vec<(String, String)> = book.defined_names().to_vec();
        ooxml::attach_sheet_facts(bytes, &mut sheets, &names);
    }
    Ok(sheets)
}

/// calamine's errors, reworded for people.
fn friendly<E: std::fmt::Display>(e: E) -> anyhow::Error {
    let msg = e.to_string();
    if msg.contains("password") || msg.contains("Password") {
        anyhow!("the workbook is password-protected (encrypted); remove the password and try again")
    } else {
        anyhow!("the file is corrupt or not a valid spreadsheet ({msg})")
    }
}

fn grid(range: &calamine::Range<Data>) -> Vec<Vec<Value>> {
    let Some((r0, c0)) = range.start() else {
        return Vec::new();
    };
    let (r0, c0) = (r0 as usize, c0 as usize);
    let mut rows: Vec<Vec<Value>> = vec![Vec::new(); r0];
    for row in range.rows() {
        let mut out = vec![Value::Empty; c0];
        out.extend(row.iter().map(value));
        while out.last().is_some_and(Value::is_empty) {
            out.pop();
        }
        rows.push(out);
    }
    while rows.last().is_some_and(|r| r.is_empty()) {
        rows.pop();
    }
    rows
}

fn value(d: &Data) -> Value {
    match d {
        Data::Empty | Data::Error(_) => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => Value::Number(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s.clone()),
    }
}

/// Spreadsheet column letters (0 → A); past Excel's last column (XFD),
/// where only a csv reaches, the column's number.
pub fn col_name(col: u32) -> String {
    match u16::try_from(col) {
        Ok(c) if c < 16_384 => rust_xlsxwriter::utility::column_number_to_name(c),
        _ => format!("column {}", u64::from(col) + 1),
    }
}

/// Parses `C`, `c` or `3` (1-based) into a 0-based column.
pub fn parse_col(s: &str) -> std::result::Result<u32, String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<u32>() {
        return n
            .checked_sub(1)
            .ok_or_else(|| "columns are numbered from 1".to_string());
    }
    if t.is_empty() || t.len() > 3 || !t.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(format!(
            "`{s}` is not a column: use a letter like C or a number like 3"
        ));
    }
    Ok(u32::from(rust_xlsxwriter::utility::column_name_to_number(
        &t.to_ascii_uppercase(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_round_trip() {
        for (i, s) in [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")] {
            assert_eq!(col_name(i), s);
            assert_eq!(parse_col(s).unwrap(), i);
        }
        assert_eq!(parse_col("3").unwrap(), 2);
        assert!(parse_col("0").is_err());
        assert!(parse_col("C3").is_err());
        assert_eq!(parse_col("zzz").unwrap(), 18_277);
        assert_eq!(col_name(16_383), "XFD");
        assert_eq!(col_name(70_000), "column 70001");
        assert_eq!(col_name(u32::MAX), "column 4294967296");
    }

    #[test]
    fn sniffing_uses_content_not_extension() {
        assert_eq!(sniff(b"id,question\n1,Do you?\n"), Ok(Format::Csv));
        assert!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
                .unwrap_err()
                .contains("not a spreadsheet")
        );
        assert!(sniff(b"").unwrap_err().contains("empty"));
        let mut cfb = CFB_MAGIC.to_vec();
        cfb.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(sniff(&cfb).unwrap_err().contains("remove the password"));
    }
}
