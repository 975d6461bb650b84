//! Property tests: arbitrary input never breaks matching or composing, and
//! arbitrary text survives a round trip through the xlsx writer.

use proptest::prelude::*;
use qfill::bank::Bank;
use qfill::compose::compose;
use qfill::ingest::{self, Format, Limits, Sheet, Value, Workbook};
use qfill::mappings::Mappings;
use qfill::matching::{Matcher, Query, Signals};
use qfill::model::{Audience, Status};
use qfill::write::FilledWriter;
use qfill::write::rebuild::RebuildWriter;
use std::sync::LazyLock;

static KIT: LazyLock<(Bank, Mappings, Matcher)> = LazyLock::new(|| {
    let m = Mappings::builtin().unwrap();
    let bank = Bank::builtin(&m).unwrap();
    let matcher = Matcher::new(&bank, &m).unwrap();
    (bank, m, matcher)
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn matching_and_composing_never_fail(text in any::<String>()) {
        let (bank, mappings, matcher) = &*KIT;
        let m = matcher.match_question(Query { text: &text, vector: None }, Signals::Both);
        prop_assert!((0.0..=1.0).contains(&m.confidence()));
        let entry = m.best().map(|c| &bank.entries[c.entry]);
        for audience in [Audience::Public, Audience::Nda] {
            let c = compose(&text, entry, m.status, mappings, audience);
            if c.status == Some(Status::Auto) {
                prop_assert!(c.answer.is_some());
            }
        }
    }

    #[test]
    fn query_syntax_is_only_text(words in prop::collection::vec(
        prop::sample::select(vec!["AND", "OR", "NOT", "*", "\"", ":", "(", ")", "[", "]", "^2", "~", "title:", "-", "+", "encrypt"]), 0..12)) {
        let (_, _, matcher) = &*KIT;
        let text = words.join(" ");
        let m = matcher.match_question(Query { text: &text, vector: None }, Signals::Both);
        prop_assert!((0.0..=1.0).contains(&m.confidence()));
    }

    #[test]
    fn text_survives_an_xlsx_round_trip(text in "\\PC{1,200}|[\\x01-\\x1f\\u{202e}\\u{4e2d}\\u{1F510} a-z_]{1,60}") {
        // Excel keeps at most 32,767 characters a cell; the generator stays well inside.
        let sheet = Sheet {
            name: "S".into(),
            rows: vec![vec![Value::Text(text.clone())]],
            ..Sheet::default()
        };
        let book = Workbook { format: Format::Xlsx, sheets: vec![sheet], sha256: String::new(), bytes: Vec::new() };
        let bytes = RebuildWriter.render(&book, &[], false).unwrap();
        let back = ingest::read_bytes(&bytes, &Limits::default());
        // A cell of only whitespace reads back as an empty sheet, which the reader refuses.
        if text.trim().is_empty() {
            return Ok(());
        }
        let back = back.unwrap();
        prop_assert_eq!(back.sheets[0].get(0, 0), &Value::Text(text));
    }
}
