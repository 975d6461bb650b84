//! A fill report (`qfill fill --json`) comes back from other hands to
//! `qfill report` and `qfill audit`: any bytes give a page or an error, never
//! a panic, and no text of the report becomes markup.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qfill::bank::Bank;
use qfill::mappings::Mappings;
use qfill::write::{html, json};
use std::sync::LazyLock;

static KIT: LazyLock<(Bank, Mappings)> = LazyLock::new(|| {
    let m = Mappings::builtin().expect("built-in mappings");
    let bank = Bank::builtin(&m).expect("built-in bank");
    (bank, m)
});

fuzz_target!(
    init: qfill::ingest::install_panic_hook(),
    |data: &[u8]| {
    let Ok(report) = json::parse(data) else { return };
    let (bank, mappings) = &*KIT;
    for audience in [html::ReportAudience::Internal, html::ReportAudience::Public] {
        let page = html::render(&report, mappings, bank, audience);
        assert_eq!(page.matches("<script").count(), 1, "one script, the page's own");
    }
    let given: Vec<qfill::audit::Given> = report
        .questions
        .into_iter()
        .filter_map(|q| {
            Some(qfill::audit::Given {
                file: "f.json".into(),
                sheet: q.sheet,
                row: q.row,
                question: q.question,
                answer: q.answer?,
                bank_id: q.bank_id,
                inferred: false,
            })
        })
        .collect();
    let opts = qfill::bank::Staleness { today: jiff::civil::date(2026, 12, 1), max_age_days: 365 };
    let _ = qfill::audit::audit(&given, bank, opts);
});
