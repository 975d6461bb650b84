//! Benchmarks of each stage: ingest, index build, match per question, and the
//! in-place write. Run with `cargo bench`; the README's "Performance" section
//! quotes the numbers.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use qfill::bank::Bank;
use qfill::ingest::{self, Limits, Overrides};
use qfill::mappings::Mappings;
use qfill::matching::Matcher;
use qfill::pipeline::{self, Options};
use qfill::source::{DEFAULT_BANK, embedded_toml_files};
use qfill::write::FilledWriter;
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
    let bank = Bank::load(&embedded_toml_files(&DEFAULT_BANK, "answer-bank"), &m).unwrap();
    (bank, m)
}

fn benches(c: &mut Criterion) {
    let (bank, mappings) = kit();
    let matcher = Matcher::new(&bank, &mappings).unwrap();
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
    c.bench_function("match one question", |b| {
        b.iter(|| {
            matcher.match_question(black_box(
                "Do you enforce 2FA for all employees when they log in?",
            ))
        })
    });

    let book = ingest::read_bytes(&bytes, &limits).unwrap();
    let questions: Vec<_> = ingest::detect(&book, &Overrides::default())
        .into_iter()
        .flat_map(|l| l.questions)
        .collect();
    let outcomes = pipeline::run(&questions, &bank, &mappings, &matcher, Options::default());
    let written = outcomes.iter().filter(|o| o.writes_answer(true)).count();
    eprintln!(
        "in-place write: {written} answered questions of {}",
        outcomes.len()
    );
    c.bench_function("in-place write: 1000 answers into 100k cells", |b| {
        b.iter_batched(
            || (),
            |()| {
                PatchWriter
                    .render(black_box(&book), &outcomes, true)
                    .unwrap()
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
            let outcomes = pipeline::run(&qs, &bank, &mappings, &matcher, Options::default());
            PatchWriter.render(&book, &outcomes, false).unwrap()
        })
    });
}

criterion_group! {
    name = pipeline_benches;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(pipeline_benches);
