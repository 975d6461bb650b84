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

/// Any text with a piece of markup somewhere in it.
fn with_markup() -> impl Strategy<Value = String> {
    let markup = prop::sample::select(vec![
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "</td></tr><iframe>",
        "<!--",
        "<b>bold</b>",
        "&amp;&lt;",
        "'",
    ]);
    (".{0,20}", markup, ".{0,20}").prop_map(|(a, m, b)| format!("{a}{m}{b}"))
}

static KIT: LazyLock<(Bank, Mappings, Matcher)> = LazyLock::new(|| {
    let m = Mappings::builtin().unwrap();
    let bank = Bank::builtin(&m).unwrap();
    let matcher = Matcher::new(&bank, &m).unwrap();
    (bank, m, matcher)
});

/// The same kit as the pipeline takes it.
static LOADED: LazyLock<qfill::pipeline::Loaded> = LazyLock::new(|| {
    let mappings = Mappings::builtin().unwrap();
    let bank = Bank::builtin(&mappings).unwrap();
    let matcher = Matcher::new(&bank, &mappings).unwrap();
    qfill::pipeline::Loaded {
        bank,
        mappings,
        matcher,
    }
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever a fill report holds, the page has only its own markup: no
    /// tag, attribute or script comes from the report's text.
    #[test]
    fn report_text_never_becomes_markup(
        sheet in with_markup(),
        question in with_markup(),
        answer in with_markup(),
        why in with_markup(),
    ) {
        use qfill::write::{html, json};
        let (bank, mappings, _) = &*KIT;
        let report = json::Report {
            input: question.clone(),
            input_sha256: sheet.clone(),
            bank_version: answer.clone(),
            answers_key: None,
            questions: vec![json::JsonQuestion {
                sheet, row: 2, question_id: Some(why.clone()), question,
                circle: qfill::model::Circle::Isms, status: Status::Auto, confidence: 0.5,
                bank_id: Some(answer.clone()), answer: Some(answer), controls: vec![],
                why: vec![why], alternatives: vec![],
            }],
        };
        let empty = json::Report { questions: vec![], ..report.clone() };
        for audience in [html::ReportAudience::Internal, html::ReportAudience::Public] {
            let page = html::render(&report, mappings, bank, audience);
            let baseline = html::render(&empty, mappings, bank, audience);
            // Every `<` and `"` of the text was escaped: the page has the
            // tags of an empty report plus the rows' own, and one script.
            prop_assert_eq!(page.matches("<script").count(), 1);
            prop_assert_eq!(page.matches("</script>").count(), 1);
            for planted in ["<img", "<!--", "<b>", "<iframe"] {
                prop_assert_eq!(page.contains(planted), baseline.contains(planted), "{}", planted);
            }
        }
    }

    #[test]
    fn matching_and_composing_never_fail(text in any::<String>()) {
        let (bank, mappings, matcher) = &*KIT;
        let m = matcher.match_question(Query { text: &text, vector: None }, Signals::Both);
        prop_assert!((0.0..=1.0).contains(&m.confidence()));
        // Candidates come best first, and no status is more confident than its confidence.
        prop_assert!(m.candidates.windows(2).all(|w| w[0].similarity >= w[1].similarity));
        prop_assert!(m.status != Status::Auto || m.status == matcher.status_for(m.confidence()));
        let entry = m.best().map(|c| &bank.entries[c.entry]);
        for audience in [Audience::Public, Audience::Nda] {
            let c = compose(&text, entry, m.status, mappings, audience);
            let status = c.status.unwrap_or(m.status);
            if status == Status::Auto {
                prop_assert!(c.answer.is_some());
            }
            // Nothing confidential goes out to the public unreviewed.
            if audience == Audience::Public && entry.is_some_and(|e| e.visibility == qfill::model::Visibility::Nda) {
                prop_assert!(status != Status::Auto || c.withheld);
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
        // Operators are not syntax: through the whole pipeline, a text of
        // nothing but them is never answered unreviewed.
        if words.iter().all(|w| w != &"encrypt") {
            let opts = qfill::pipeline::Options { signals: Signals::Lexical, ..Default::default() };
            let q = qfill::ingest::Question::standalone(&text);
            let out = qfill::pipeline::run(std::slice::from_ref(&q), &LOADED, opts).unwrap();
            prop_assert!(out[0].status != Status::Auto, "{text}");
        }
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
        let bytes = RebuildWriter.render(&book, &[]).unwrap();
        let back = ingest::read_bytes(&bytes, &Limits::default());
        // A cell of only whitespace reads back as an empty sheet, which the reader refuses.
        if text.trim().is_empty() {
            return Ok(());
        }
        let back = back.unwrap();
        prop_assert_eq!(back.sheets[0].get(0, 0), &Value::Text(text));
    }
}
