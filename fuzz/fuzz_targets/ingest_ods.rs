//! Any bytes as the `content.xml` of an OpenDocument spreadsheet: its
//! repeated rows and columns are bounded before calamine reads them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qfill::ingest::{self, Limits, Overrides};
use std::io::Write;

fuzz_target!(
    // As the binary does: a panic inside calamine on a malformed file is an
    // error for the user (see `ingest::read_spreadsheet_guarded`); any other
    // panic still aborts and is reported.
    init: qfill::ingest::install_panic_hook(),
    |data: &[u8]| {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    if zip.start_file("mimetype", stored).is_err()
        || zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").is_err()
        || zip.start_file("content.xml", stored).is_err()
        || zip.write_all(data).is_err()
    {
        return;
    }
    let Ok(bytes) = zip.finish().map(|c| c.into_inner()) else { return };
    let limits = Limits { max_unzipped_bytes: 8 << 20, max_rows: 20_000, max_cells: 1_000_000 };
    if let Ok(book) = ingest::read_bytes(&bytes, &limits) {
        let _ = ingest::detect(&book, &Overrides::default());
    }
});
