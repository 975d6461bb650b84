//! Benchmarks of each stage: ingest, index build, encoding, match per
//! question, and the in-place write. Run with `cargo bench`; the README's
//! "Performance" section quotes the numbers.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use qfill::bank::Bank;
use qfill::ingest::{self, Limits, Overrides};
use qfill::mappings::Mappings;
use qfill::matching::cache::Cache;
use qfill::matching::{Matcher, Query, Signals};
use qfill::pipeline::{self, Loaded, Options};
use qfill::write::FilledWriter;
use qfill::write::cells::placements;
use qfill::write::patch::PatchWriter;
use rust_xlsxwriter::Workbook;
use std::hint::black_box;

/// A questionnaire of `questions` rows (ID, question, answer, comments) padded
/// with reference columns to `cells` cells, as xlsx bytes.
fn questionnaire(questions: u32, cells: u32, bank: &Bank) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Questions").unwrap();
    for (c, h) in ["ID", "Question", "Answer", "Comments"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    let extra_cols = (cells / questions.max(1)).saturating_sub(4) as u16;
    for r in 1..=questions {
        let entry = &bank.entries[r as usize % bank.entries.len()];
        let variant = &entry.questions[r as usize % entry.questions.len()];
        ws.write(r, 0, format!("Q-{r:04}")).unwrap();
        ws.write(r, 1, variant.as_str()).unwrap();
        for c in 0..extra_cols {
            ws.write(r, 4 + c, format!("ref {r}.{c}")).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn kit() -> (Bank, Mappings) {
    let m = Mappings::builtin().unwrap();
    let bank = Bank::builtin(&m).unwrap();
    (bank, m)
}

fn benches(c: &mut Criterion) {
    let (bank, mappings) = kit();
    c.bench_function("encode the starter bank (no cache)", |b| {
        b.iter(|| {
            Matcher::new(&bank, &mappings)
                .unwrap()
                .with_semantic(&bank, &Cache::none(), &|_, _| {})
                .unwrap()
        })
    });
    let matcher = Matcher::new(&bank, &mappings)
        .unwrap()
        .with_semantic(&bank, &Cache::none(), &|_, _| {})
        .unwrap();
    let bytes = questionnaire(1_000, 100_000, &bank);
    let limits = Limits::default();

    c.bench_function("ingest 1000 questions / 100k cells", |b| {
        b.iter(|| {
            let book = ingest::read_bytes(black_box(&bytes), &limits).unwrap();
            ingest::detect(&book, &Overrides::default())
        })
    });
    c.bench_function("index build (starter bank)", |b| {
        b.iter(|| Matcher::new(black_box(&bank), &mappings).unwrap())
    });
    let text = "Do you enforce 2FA for all employees when they log in?";
    c.bench_function("encode one question", |b| {
        b.iter(|| {
            matcher
                .encode_questions(&[black_box(text)], Signals::Both)
                .unwrap()
        })
    });
    let encoded = matcher.encode_questions(&[text], Signals::Both).unwrap();
    c.bench_function("match one question (encoded)", |b| {
        b.iter(|| matcher.match_question(encoded.query(0, black_box(text)), Signals::Both))
    });
    c.bench_function("match one question (lexical only)", |b| {
        b.iter(|| {
            matcher.match_question(
                Query {
                    text: black_box(text),
                    vector: None,
                },
                Signals::Lexical,
            )
        })
    });
    let loaded = Loaded {
        bank,
        mappings,
        matcher,
    };

    let book = ingest::read_bytes(&bytes, &limits).unwrap();
    let questions: Vec<_> = ingest::detect(&book, &Overrides::default())
        .into_iter()
        .flat_map(|l| l.questions)
        .collect();
    let outcomes = pipeline::run(&questions, &loaded, Options::default()).unwrap();
    let written = outcomes.iter().filter(|o| o.writes_answer(true)).count();
    eprintln!(
        "in-place write: {written} answered questions of {}",
        outcomes.len()
    );
    c.bench_function("in-place write: 1000 answers into 100k cells", |b| {
        b.iter_batched(
            || (),
            |()| {
                let cells = placements(&outcomes, true);
                PatchWriter.render(black_box(&book), &cells).unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("fill end to end: 1000 questions / 100k cells", |b| {
        b.iter(|| {
            let book = ingest::read_bytes(black_box(&bytes), &limits).unwrap();
            let qs: Vec<_> = ingest::detect(&book, &Overrides::default())
                .into_iter()
                .flat_map(|l| l.questions)
                .collect();
            let outcomes = pipeline::run(&qs, &loaded, Options::default()).unwrap();
            PatchWriter
                .render(&book, &placements(&outcomes, false))
                .unwrap()
        })
    });
}

criterion_group! {
    name = pipeline_benches;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(pipeline_benches);
