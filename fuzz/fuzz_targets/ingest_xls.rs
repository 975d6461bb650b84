//! Any bytes as the `Workbook` stream of a legacy `.xls`: cell records are
//! bounded before calamine builds a grid.
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
    let Ok(mut cfb) = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())) else { return };
    let Ok(mut stream) = cfb.create_stream("/Workbook") else { return };
    if stream.write_all(data).is_err() {
        return;
    }
    drop(stream);
    let bytes = cfb.into_inner().into_inner();
    let limits = Limits { max_unzipped_bytes: 8 << 20, max_rows: 20_000, max_cells: 1_000_000 };
    if let Ok(book) = ingest::read_bytes(&bytes, &limits) {
        let _ = ingest::detect(&book, &Overrides::default());
    }
});
