//! Any bytes read as a csv questionnaire: a sheet or an error, within the
//! limits, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qfill::ingest::{self, Limits, Overrides};

fuzz_target!(
    // As the binary does: a panic inside calamine on a malformed file is an
    // error for the user (see `ingest::read_spreadsheet_guarded`); any other
    // panic still aborts and is reported.
    init: qfill::ingest::install_panic_hook(),
    |data: &[u8]| {
    let limits = Limits { max_unzipped_bytes: 8 << 20, max_rows: 20_000, max_cells: 1_000_000 };
    if let Ok(sheet) = ingest::text::read_csv(data, &limits) {
        let book = ingest::Workbook {
            format: ingest::Format::Csv,
            sheets: vec![sheet],
            sha256: String::new(),
            bytes: data.to_vec(),
        };
        let _ = ingest::detect(&book, &Overrides::default());
    }
});
