//! Any bytes, read as a questionnaire and run through detection, must give a
//! workbook or an error, never a panic or a runaway allocation.
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
    if let Ok(book) = ingest::read_bytes(data, &limits) {
        let _ = ingest::detect(&book, &Overrides::default());
    }
});
