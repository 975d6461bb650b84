//! A review workbook comes back from other hands: any bytes as the XML of its
//! Review sheet, read back as `qfill apply` and `learn` read it, give rows or
//! an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(
    init: qfill::ingest::install_panic_hook(),
    |data: &[u8]| {
    let mut book = rust_xlsxwriter::Workbook::new();
    let review = book.add_worksheet();
    if review.set_name("Review").is_err() {
        return;
    }
    let headers = [
        "Sheet", "Row", "Question ID", "Question", "Circle", "Status", "Confidence", "Bank ID",
        "Answer", "Controls", "Why", "Short", "Alternatives", "Suggested answer", "Withheld",
    ];
    for (c, h) in headers.iter().enumerate() {
        let _ = review.write_string(0, c as u16, *h);
    }
    let summary = book.add_worksheet();
    let _ = summary.set_name("Summary");
    let Ok(template) = book.save_to_buffer() else { return };
    // The fuzz input replaces the Review sheet's XML.
    let Ok(mut zin) = zip::ZipArchive::new(std::io::Cursor::new(template)) else { return };
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let Ok(mut f) = zin.by_index(i) else { return };
        let Ok(name) = f.name().map(|n| n.to_string()) else { return };
        let mut body = Vec::new();
        if std::io::Read::read_to_end(&mut f, &mut body).is_err() {
            return;
        }
        if name == "xl/worksheets/sheet1.xml" {
            body = data.to_vec();
        }
        if zout.start_file(name, zip::write::SimpleFileOptions::default()).is_err()
            || zout.write_all(&body).is_err()
        {
            return;
        }
    }
    let Ok(bytes) = zout.finish().map(|c| c.into_inner()) else { return };
    let _ = qfill::write::review::read_back(&bytes);
});
