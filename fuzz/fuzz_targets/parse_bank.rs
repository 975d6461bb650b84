//! Any text, parsed as a bank file, must give entries or an error with a
//! place, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qfill::bank::Bank;
use qfill::mappings::Mappings;
use qfill::source::SourceFile;
use std::sync::LazyLock;

static MAPPINGS: LazyLock<Mappings> = LazyLock::new(|| Mappings::builtin().expect("built-in mappings load"));

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let file = SourceFile::new("fuzz.toml", text.to_string());
        let _ = Bank::load(&[file], &MAPPINGS);
    }
});
