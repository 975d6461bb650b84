//! Hostile inputs, round two: every format's size limits hold on what the
//! file declares, before any grid is built. Each case runs qfill under a
//! 1 GB address-space ceiling (`ulimit -v`), so an input that would allocate
//! gigabytes makes the run abort instead of passing slowly.

mod common;

use common::{fixture, raw_xlsx, test_cache};
use std::io::Write;
use std::path::Path;

/// Runs qfill under the memory ceiling; returns (exit code, stderr).
///
/// To measure peak memory and time (the README's bound), run
/// `cargo test --release --test bounded -- --nocapture --test-threads 1`:
/// with `/usr/bin/time` installed each case prints its peak. `QFILL_BIN` runs
/// another build (an older one, for a before-and-after), `QFILL_CEILING_KB`
/// changes the ceiling.
fn bounded(dir: &Path, args: &[&str]) -> (i32, String) {
    let bin = std::env::var("QFILL_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| assert_cmd::cargo::cargo_bin("qfill"));
    let ceiling = std::env::var("QFILL_CEILING_KB").unwrap_or_else(|_| "1048576".into());
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let time = if Path::new("/usr/bin/time").exists() {
        "/usr/bin/time -f 'measured: peak %M KB, %e s' "
    } else {
        ""
    };
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ceiling} && exec {time}'{}' {}",
            bin.display(),
            quoted.join(" ")
        ))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", test_cache())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if let Some(m) = stderr.lines().find(|l| l.starts_with("measured:")) {
        println!("{}: {m}", args.join(" "));
    }
    (out.status.code().unwrap_or(-1), stderr)
}

fn refused_bounded(dir: &Path, input: &str, message: &str) {
    let (code, err) = bounded(dir, &["fill", input, "-o", "out"]);
    assert_eq!(code, 1, "{input}: {err}");
    assert!(err.contains(message), "{input}: {err}");
    assert!(!dir.join("out").exists(), "{input}: outputs written");
}

fn sheet(cells: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Do you encrypt data?</t></is></c></row>{cells}</sheetData></worksheet>"#
    )
}

#[test]
fn the_control_case_runs_under_the_ceiling() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = bounded(
        dir.path(),
        &["fill", &fixture("vendor-assessment.xlsx"), "-o", "out"],
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn cell_references_past_xfd1048576_are_errors_naming_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    for (name, cell) in [("five.xlsx", "ZZZZZ99999999"), ("four.xlsx", "AAAA5000")] {
        raw_xlsx(
            &dir.path().join(name),
            "xl/worksheets/sheet1.xml",
            &sheet(&format!(r#"<row r="2"><c r="{cell}"><v>1</v></c></row>"#)),
        );
        refused_bounded(dir.path(), name, cell);
    }
}

#[test]
fn cells_without_references_and_sheets_outside_worksheets_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    raw_xlsx(
        &dir.path().join("unnamed.xlsx"),
        "xl/worksheets/sheet1.xml",
        &sheet(r#"<row r="1000000"><c><v>1</v></c></row>"#),
    );
    refused_bounded(dir.path(), "unnamed.xlsx", "--max-rows");
    raw_xlsx(
        &dir.path().join("elsewhere.xlsx"),
        "xl/hidden/data.xml",
        &sheet(r#"<row r="90000"><c r="XFD90000"><v>1</v></c></row>"#),
    );
    refused_bounded(dir.path(), "elsewhere.xlsx", "--max-cells");
}

#[test]
fn repeated_ods_rows_and_columns_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("repeat.ods");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(br#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="60000"><table:table-cell table:number-columns-repeated="1000" office:value-type="string"><text:p>Do you?</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#).unwrap();
    zip.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 2_000);
    refused_bounded(dir.path(), "repeat.ods", "--max-cells");
}

/// The legacy fixture with its first text cell moved to the last cell of the sheet.
fn far_cell_xls(path: &Path) {
    let mut bytes = std::fs::read(fixture("legacy-marks.xls")).unwrap();
    let mut cfb = cfb::CompoundFile::open(std::io::Cursor::new(&mut bytes)).unwrap();
    let mut stream = Vec::new();
    std::io::Read::read_to_end(&mut cfb.open_stream("/Workbook").unwrap(), &mut stream).unwrap();
    let (mut at, mut bofs, mut patched) = (0usize, 0, false);
    while at + 4 <= stream.len() && !patched {
        let kind = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        bofs += usize::from(kind == 0x0809);
        if kind == 0x00FD && bofs >= 2 {
            stream[at + 4..at + 6].copy_from_slice(&65535u16.to_le_bytes());
            stream[at + 6..at + 8].copy_from_slice(&255u16.to_le_bytes());
            patched = true;
        }
        at += 4 + len;
    }
    assert!(patched);
    let mut s = cfb.open_stream("/Workbook").unwrap();
    s.write_all(&stream).unwrap();
    drop(s);
    drop(cfb);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_legacy_xls_cell_at_the_sheets_end_is_refused_before_the_grid() {
    let dir = tempfile::tempdir().unwrap();
    far_cell_xls(&dir.path().join("far.xls"));
    refused_bounded(dir.path(), "far.xls", "--max-cells");
}

#[test]
fn a_csv_line_of_endless_columns_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Question,Answer\nDo you encrypt data?,");
    text.push_str(&",".repeat(4_000_000));
    text.push('\n');
    std::fs::write(dir.path().join("wide.csv"), text).unwrap();
    refused_bounded(dir.path(), "wide.csv", "line 2");
}

#[cfg(unix)]
#[test]
fn devices_pipes_and_endless_files_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.csv")).unwrap();
    refused_bounded(dir.path(), "zero.csv", "not a regular file");
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        // Nothing ever writes to the pipe: reading it would hang.
        refused_bounded(dir.path(), "pipe.csv", "not a regular file");
    }
}

#[test]
fn a_workbook_of_thousands_of_sheets_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    for _ in 0..1_001 {
        wb.add_worksheet().write(0, 0, "Do you?").unwrap();
    }
    wb.save(dir.path().join("many.xlsx")).unwrap();
    refused_bounded(dir.path(), "many.xlsx", "1001 sheets, more than 1000");
}

#[test]
fn one_hostile_file_never_stops_a_batch() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::copy(fixture("vendor-assessment.xlsx"), inbox.join("good.xlsx")).unwrap();
    raw_xlsx(
        &inbox.join("bad.xlsx"),
        "xl/worksheets/sheet1.xml",
        &sheet(r#"<row r="2"><c r="ZZZZZ99999999"><v>1</v></c></row>"#),
    );
    far_cell_xls(&inbox.join("far.xls"));
    let (code, err) = bounded(dir.path(), &["batch", "inbox", "--out-dir", "filled"]);
    assert_eq!(code, 1, "{err}");
    let backlog: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("filled/backlog.json")).unwrap())
            .unwrap();
    assert_eq!(backlog["failed"], 2, "{backlog}");
    assert!(dir.path().join("filled/good.filled.xlsx").exists());
}

#[test]
fn a_workbook_the_reader_chokes_on_is_an_error_not_a_crash() {
    // Found by the `ingest_xls` fuzz target: calamine panics on this stream.
    let dir = tempfile::tempdir().unwrap();
    let mut cfb = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("/Workbook")
        .unwrap()
        .write_all(&[23, 0, 0, 0, 0])
        .unwrap();
    let bytes = cfb.into_inner().into_inner();
    std::fs::write(dir.path().join("choke.xls"), bytes).unwrap();
    let (code, err) = bounded(dir.path(), &["fill", "choke.xls", "-o", "out"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("choke.xls: the file is corrupt"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
