//! `qfill eval`: measure the bank and the matcher on labelled questionnaires.

use super::{Loaded, load};
use crate::classify::classify;
use crate::cli::EvalArgs;
use crate::evaluate::{Label, Metrics, Place, Prediction, Score, score};
use crate::ingest::{self, Overrides, Sheet, Value, Workbook};
use crate::model::Circle;
use crate::pipeline::{self, Options};
use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A questionnaire and the labels that go with it.
struct Labelled {
    name: String,
    book: Workbook,
    labels: Vec<Label>,
}

#[derive(Serialize)]
struct Report<'a> {
    questions: usize,
    workbooks: usize,
    bank_version: &'a str,
    metrics: Metrics,
    stages: BTreeMap<&'static str, Metrics>,
    confusion: &'a BTreeMap<Circle, BTreeMap<Circle, usize>>,
    misses: &'a [crate::evaluate::Miss],
    failed: Vec<String>,
}

pub fn run(args: &EvalArgs) -> Result<bool> {
    let loaded = load(&args.bank)?;
    let sets = gather(&args.inputs)?;
    let mut labels = Vec::new();
    let mut full = Vec::new();
    let mut retrieval = Vec::new();
    for set in &sets {
        let layouts = ingest::detect(&set.book, &Overrides::default());
        let questions: Vec<_> = layouts.iter().flat_map(|l| l.questions.clone()).collect();
        let place = |sheet: &str, row: u32| Place {
            file: set.name.clone(),
            sheet: sheet.to_string(),
            row,
        };
        let outcomes = pipeline::run(
            &questions,
            &loaded.bank,
            &loaded.mappings,
            &loaded.matcher,
            Options::default(),
        );
        for o in &outcomes {
            let mut ranked: Vec<String> = o.candidates.iter().map(|(id, _)| id.clone()).collect();
            if let Some(id) = &o.bank_id {
                ranked.retain(|r| r != id);
                ranked.insert(0, id.clone());
            }
            full.push(Prediction {
                place: place(&o.question.sheet, o.question.row1()),
                question: o.question.text.clone(),
                circle: o.circle,
                status: o.status,
                confidence: o.confidence,
                bank_id: o.bank_id.clone(),
                ranked,
            });
        }
        if args.stages {
            for q in &questions {
                retrieval.push(retrieval_only(&loaded, q, place(&q.sheet, q.row1())));
            }
        }
        labels.extend(set.labels.iter().cloned());
    }
    let full_score = score(&labels, &full);
    let mut stages = BTreeMap::new();
    if args.stages {
        stages.insert("retrieval", score(&labels, &retrieval).metrics);
        stages.insert("full", full_score.metrics);
    }
    let failed: Vec<String> = args
        .min
        .iter()
        .filter_map(|b| b.check(&full_score.metrics))
        .collect();
    if args.json {
        let report = Report {
            questions: full_score.questions,
            workbooks: sets.len(),
            bank_version: &loaded.bank.version,
            metrics: full_score.metrics,
            stages,
            confusion: &full_score.confusion,
            misses: &full_score.misses,
            failed: failed.clone(),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(
            &full_score,
            &stages,
            sets.len(),
            &loaded.bank.version,
            args.misses,
        );
        for f in &failed {
            eprintln!("bound failed: {f}");
        }
    }
    Ok(failed.is_empty())
}

/// The retrieval stage alone: tantivy's order, a confidence from the lead of
/// the first hit over the second, and the classification that follows from it.
fn retrieval_only(loaded: &Loaded, q: &ingest::Question, place: Place) -> Prediction {
    let hits = loaded.matcher.retrieve(&q.text, 3);
    let confidence = match hits.as_slice() {
        [] => 0.0,
        [_] => 1.0,
        [first, second, ..] => f64::from(1.0 - second.1 / first.1.max(f32::EPSILON)),
    };
    let best = hits.first().map(|(i, _)| &loaded.bank.entries[*i]);
    let status = loaded.matcher.status_for(confidence);
    let circle = classify(
        &q.text,
        &loaded.mappings.rules,
        best.map(|e| (e, confidence)),
    )
    .circle;
    Prediction {
        place,
        question: q.text.clone(),
        circle,
        status,
        confidence,
        bank_id: best.map(|e| e.id.clone()),
        ranked: hits
            .iter()
            .map(|(i, _)| loaded.bank.entries[*i].id.clone())
            .collect(),
    }
}

fn print_table(
    s: &Score,
    stages: &BTreeMap<&str, Metrics>,
    workbooks: usize,
    bank: &str,
    misses: usize,
) {
    println!(
        "{} labelled questions in {workbooks} workbook(s), bank {bank}",
        s.questions
    );
    println!();
    print!("{:<10}", "stage");
    for n in Metrics::NAMES {
        print!(" {n:>10}");
    }
    println!();
    let rows: Vec<(&str, Metrics)> = if stages.is_empty() {
        vec![("full", s.metrics)]
    } else {
        vec![("retrieval", stages["retrieval"]), ("full", stages["full"])]
    };
    for (name, m) in rows {
        print!("{name:<10}");
        for n in Metrics::NAMES {
            print!(" {:>10.3}", m.get(n).unwrap_or_default());
        }
        println!();
    }
    println!();
    println!("circle confusion (rows: expected, columns: qfill)");
    print!("{:<10}", "");
    for c in Circle::ALL {
        print!(" {:>8}", c.as_str());
    }
    println!();
    for e in Circle::ALL {
        print!("{:<10}", e.as_str());
        for g in Circle::ALL {
            let n = s
                .confusion
                .get(&e)
                .and_then(|m| m.get(&g))
                .copied()
                .unwrap_or(0);
            print!(" {n:>8}");
        }
        println!();
    }
    if !s.misses.is_empty() {
        println!();
        println!(
            "misses ({} in all, first {}):",
            s.misses.len(),
            misses.min(s.misses.len())
        );
        for m in s.misses.iter().take(misses) {
            let q: String = m.question.chars().take(90).collect();
            println!(
                "  {:<10} {}  expected {}, got {} | {q}",
                m.kind,
                m.place,
                m.expected.as_deref().unwrap_or("-"),
                m.got.as_deref().unwrap_or("-")
            );
        }
    }
}

/// Reads every input: a folder with `labels.csv`, a labels csv, or a workbook
/// with `Expected ID` / `Expected Circle` columns.
fn gather(inputs: &[PathBuf]) -> Result<Vec<Labelled>> {
    let mut sets = Vec::new();
    for input in inputs {
        let labels_csv = if input.is_dir() {
            input.join("labels.csv")
        } else {
            input.clone()
        };
        if is_labels_csv(&labels_csv) {
            sets.extend(from_labels_csv(&labels_csv)?);
        } else if input.is_dir() {
            bail!("{}: no labels.csv in this folder", input.display());
        } else {
            sets.push(from_expected_columns(input)?);
        }
    }
    if sets.is_empty() {
        bail!(
            "nothing to evaluate: give a labels csv, a folder holding labels.csv, or a workbook with Expected ID / Expected Circle columns"
        );
    }
    Ok(sets)
}

fn is_labels_csv(path: &Path) -> bool {
    std::fs::read(path)
        .ok()
        .and_then(|b| ingest::text::decode(&b).ok())
        .and_then(|t| t.lines().next().map(|l| l.contains("expected_id")))
        .unwrap_or(false)
}

#[derive(serde::Deserialize)]
struct LabelRow {
    file: String,
    sheet: String,
    row: u32,
    expected_id: String,
    expected_circle: String,
}

fn from_labels_csv(path: &Path) -> Result<Vec<Labelled>> {
    let name = path.display();
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("{name}: cannot read"))?;
    let mut by_file: BTreeMap<String, Vec<Label>> = BTreeMap::new();
    for (i, row) in reader.deserialize::<LabelRow>().enumerate() {
        let row = row.map_err(|e| anyhow!("{name}: row {}: {e}", i + 2))?;
        let circle = parse_circle(&row.expected_circle)
            .map_err(|e| anyhow!("{name}: row {}: {e}", i + 2))?;
        by_file.entry(row.file.clone()).or_default().push(Label {
            place: Place {
                file: row.file,
                sheet: row.sheet,
                row: row.row,
            },
            expected_id: Some(row.expected_id.trim().to_string()).filter(|s| !s.is_empty()),
            expected_circle: circle,
        });
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    by_file
        .into_iter()
        .map(|(file, labels)| {
            Ok(Labelled {
                book: ingest::read(&dir.join(&file), &Default::default())?,
                name: file,
                labels,
            })
        })
        .collect()
}

fn parse_circle(s: &str) -> Result<Option<Circle>, String> {
    let s = s.trim();
    if s.is_empty() {
        Ok(None)
    } else {
        s.parse().map(Some)
    }
}

/// A workbook whose sheets carry `Expected ID` / `Expected Circle` columns:
/// those become labels and are blanked before detection, so they are not
/// mistaken for the questionnaire's own columns.
fn from_expected_columns(path: &Path) -> Result<Labelled> {
    let mut book = ingest::read(path, &Default::default())?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut labels = Vec::new();
    for sheet in &mut book.sheets {
        labels.extend(take_expected_columns(sheet, &name)?);
    }
    if labels.is_empty() {
        bail!(
            "{}: no labels.csv header and no `Expected ID` / `Expected Circle` columns",
            path.display()
        );
    }
    Ok(Labelled { name, book, labels })
}

fn take_expected_columns(sheet: &mut Sheet, file: &str) -> Result<Vec<Label>> {
    let find = |sheet: &Sheet, label: &str| {
        (0..sheet.height().min(50)).find_map(|r| {
            (0..sheet.width())
                .find(|&c| sheet.text(r, c).eq_ignore_ascii_case(label))
                .map(|c| (r, c))
        })
    };
    let id = find(sheet, "Expected ID");
    let circle = find(sheet, "Expected Circle");
    let Some(header) = id.or(circle).map(|(r, _)| r) else {
        return Ok(Vec::new());
    };
    let mut labels = Vec::new();
    for r in header + 1..sheet.height() {
        let expected_id = id.map(|(_, c)| sheet.text(r, c)).filter(|s| !s.is_empty());
        let circle_text = circle.map(|(_, c)| sheet.text(r, c)).unwrap_or_default();
        if expected_id.is_none() && circle_text.is_empty() {
            continue;
        }
        let expected_circle = parse_circle(&circle_text)
            .map_err(|e| anyhow!("{file}: sheet `{}` row {}: {e}", sheet.name, r + 1))?;
        labels.push(Label {
            place: Place {
                file: file.to_string(),
                sheet: sheet.name.clone(),
                row: r + 1,
            },
            expected_id,
            expected_circle,
        });
    }
    for (_, c) in [id, circle].into_iter().flatten() {
        for row in &mut sheet.rows {
            if let Some(v) = row.get_mut(c as usize) {
                *v = Value::Empty;
            }
        }
    }
    Ok(labels)
}
