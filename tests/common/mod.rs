//! Helpers shared by the integration tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The real binary, run from the test's own empty working folder, so that
/// neither a `./answer-bank` nor another test's files change what a test
/// sees. Bank vectors are cached under the target folder, never in the
/// user's own cache.
pub fn qfill() -> Command {
    let mut c = Command::cargo_bin("qfill").unwrap();
    c.current_dir(workdir());
    c.env("NO_COLOR", "1");
    c.env("XDG_CACHE_HOME", test_cache());
    c
}

/// This test's working folder, under the target folder: named after the test
/// (the harness runs each test on a thread of its name) and emptied the first
/// time the test asks for it, so that every test starts from nothing.
pub fn workdir() -> PathBuf {
    static MADE: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let test = std::thread::current()
        .name()
        .unwrap_or("main")
        .replace("::", "-");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("work")
        .join(env!("CARGO_CRATE_NAME"))
        .join(&test);
    let first = MADE.lock().unwrap_or_else(|e| e.into_inner()).insert(test);
    if first {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
    }
    dir
}

/// The cache folder the tests share.
pub fn test_cache() -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache")
}

pub fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
        .display()
        .to_string()
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Runs `qfill fill INPUT -o OUT --json OUT/q.json EXTRA...`, expects success,
/// and returns the JSON report.
pub fn fill_json(
    input: impl AsRef<std::ffi::OsStr>,
    out: &Path,
    extra: &[&str],
) -> serde_json::Value {
    let json = out.join("q.json");
    qfill()
        .arg("fill")
        .arg(input)
        .arg("-o")
        .arg(out)
        .arg("--json")
        .arg(&json)
        .args(extra)
        .assert()
        .success();
    read_json(&json)
}

/// Rewrites a review workbook as a person (or an attacker) would leave it:
/// `edit(sheet, row, column)` gives a Review cell's new value by the
/// questionnaire's sheet and row; `summary(key)` a Summary value.
pub fn rewrite_review(
    path: &Path,
    edit: impl Fn(&str, u32, &str) -> Option<String>,
    summary: impl Fn(&str) -> Option<String>,
) {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(path).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    for name in ["Review", "Summary"] {
        let range = wb.worksheet_range(name).unwrap();
        let headers: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let ws = out.add_worksheet().set_name(name).unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let header = headers.get(c).map(String::as_str).unwrap_or("");
                let new = match name {
                    "Review" if r > 0 => edit(
                        &row[0].to_string(),
                        row[1].to_string().parse().unwrap_or(0),
                        header,
                    ),
                    "Summary" if c == 1 => summary(&row[0].to_string()),
                    _ => None,
                };
                let value = match new {
                    Some(v) => v,
                    None => match cell {
                        Data::Empty => continue,
                        other => other.to_string(),
                    },
                };
                ws.write_string(r as u32, c as u16, value).unwrap();
            }
        }
    }
    out.save(path).unwrap();
}

/// An xlsx package with one sheet whose XML is `sheet_xml`, stored at `sheet_part`.
pub fn raw_xlsx(path: &Path, sheet_part: &str, sheet_xml: &str) {
    raw_xlsx_named(path, "S", sheet_part, sheet_xml);
}

/// [`raw_xlsx`] with the sheet's name as written in `workbook.xml` (XML-escaped).
pub fn raw_xlsx_named(path: &Path, sheet_name: &str, sheet_part: &str, sheet_xml: &str) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let o = zip::write::SimpleFileOptions::default();
    let mut part = |name: &str, text: &str| {
        zip.start_file(name, o).unwrap();
        std::io::Write::write_all(&mut zip, text.as_bytes()).unwrap();
    };
    part(
        "[Content_Types].xml",
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#,
    );
    part(
        "_rels/.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        "xl/workbook.xml",
        &format!(
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        ),
    );
    part(
        "xl/_rels/workbook.xml.rels",
        &format!(
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/{sheet_part}"/></Relationships>"#
        ),
    );
    part(sheet_part, sheet_xml);
    zip.finish().unwrap();
}
