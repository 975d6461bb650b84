//! `qfill eval`: measure the bank and the matcher on labelled questionnaires.

use crate::cli::EvalArgs;
use crate::evaluate::{Band, Label, Metrics, Place, Prediction, Score, score};
use crate::ingest::{self, Overrides, Sheet, Value, Workbook};
use crate::matching::Signals;
use crate::model::Circle;
use crate::pipeline::Loaded;
use crate::pipeline::{self, Options, Outcome};
use crate::settings::MatchSettings;
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

/// One labelled input (a labels csv, a folder, a workbook): scored on its own,
/// so that `auto` can be seen to mean the same thing in every set.
struct Set {
    name: String,
    workbooks: Vec<Labelled>,
}

/// What qfill said about one set, stage by stage.
struct SetRun {
    name: String,
    labels: Vec<Label>,
    full: Vec<Prediction>,
    /// Per stage name, its predictions (with `--stages`).
    stages: BTreeMap<&'static str, Vec<Prediction>>,
}

#[derive(Serialize)]
struct Report<'a> {
    questions: usize,
    workbooks: usize,
    bank_version: &'a str,
    metrics: Metrics,
    stages: BTreeMap<&'static str, Metrics>,
    calibration: &'a [Band],
    sets: Vec<SetReport<'a>>,
    confusion: &'a BTreeMap<Circle, BTreeMap<Circle, usize>>,
    misses: &'a [crate::evaluate::Miss],
    failed: Vec<String>,
}

#[derive(Serialize)]
struct SetReport<'a> {
    name: &'a str,
    questions: usize,
    metrics: Metrics,
    calibration: &'a [Band],
}

pub fn run(args: &EvalArgs) -> Result<bool> {
    let loaded = MatchSettings::from(&args.bank).load()?;
    let sets = gather(&args.inputs, &args.questionnaires)?;
    let runs: Vec<SetRun> = sets
        .iter()
        .map(|set| run_set(&loaded, set, args.stages))
        .collect::<Result<_>>()?;
    if let Some(path) = &args.features {
        write_features(path, &loaded, &sets)?;
    }
    let all_labels: Vec<Label> = runs.iter().flat_map(|r| r.labels.clone()).collect();
    let all_full: Vec<Prediction> = runs.iter().flat_map(|r| r.full.clone()).collect();
    let full_score = score(&all_labels, &all_full);
    let set_scores: Vec<(&str, Score)> = runs
        .iter()
        .map(|r| (r.name.as_str(), score(&r.labels, &r.full)))
        .collect();
    let mut stages = BTreeMap::new();
    if args.stages {
        for (name, _) in STAGES {
            let predictions: Vec<Prediction> = runs
                .iter()
                .flat_map(|r| r.stages.get(name).cloned().unwrap_or_default())
                .collect();
            stages.insert(name, score(&all_labels, &predictions).metrics);
        }
    }
    // Every set must hold the bounds on its own, not only on average.
    let mut failed: Vec<String> = Vec::new();
    for bound in &args.min {
        for (name, s) in &set_scores {
            if let Some(f) = bound.check(&s.metrics) {
                failed.push(if set_scores.len() > 1 {
                    format!("{name}: {f}")
                } else {
                    f
                });
            }
        }
    }
    let workbooks = sets.iter().map(|s| s.workbooks.len()).sum();
    if args.json {
        let report = Report {
            questions: full_score.questions,
            workbooks,
            bank_version: &loaded.bank.version,
            metrics: full_score.metrics,
            stages,
            calibration: &full_score.calibration,
            sets: set_scores
                .iter()
                .map(|(name, s)| SetReport {
                    name,
                    questions: s.questions,
                    metrics: s.metrics,
                    calibration: &s.calibration,
                })
                .collect(),
            confusion: &full_score.confusion,
            misses: &full_score.misses,
            failed: failed.clone(),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(
            &full_score,
            &set_scores,
            &stages,
            workbooks,
            &loaded.bank.version,
            args.misses,
        );
        for f in &failed {
            crate::alert!("bound failed: {f}");
        }
    }
    Ok(failed.is_empty())
}

/// The stages `--stages` scores: each signal alone, then the whole pipeline.
const STAGES: [(&str, Signals); 3] = [
    ("lexical", Signals::Lexical),
    ("semantic", Signals::Semantic),
    ("full", Signals::Both),
];

/// Answers every labelled questionnaire of a set, as `fill` would (and with
/// each signal alone, for `--stages`).
fn run_set(loaded: &Loaded, set: &Set, stages: bool) -> Result<SetRun> {
    let mut run = SetRun {
        name: set.name.clone(),
        labels: Vec::new(),
        full: Vec::new(),
        stages: BTreeMap::new(),
    };
    for labelled in &set.workbooks {
        let layouts = ingest::detect(&labelled.book, &Overrides::default());
        let questions: Vec<_> = layouts.iter().flat_map(|l| l.questions.clone()).collect();
        let predict = |signals: Signals| -> Result<Vec<Prediction>> {
            let opts = Options {
                signals,
                ..Options::default()
            };
            let outcomes = pipeline::run(&questions, loaded, opts)?;
            Ok(outcomes
                .iter()
                .map(|o| prediction(&labelled.name, o))
                .collect())
        };
        run.full.extend(predict(Signals::Both)?);
        if stages {
            for (name, signals) in STAGES {
                let predictions = if signals == Signals::Both {
                    run.full[run.full.len() - questions.len()..].to_vec()
                } else {
                    predict(signals)?
                };
                run.stages.entry(name).or_default().extend(predictions);
            }
        }
        run.labels.extend(labelled.labels.iter().cloned());
    }
    Ok(run)
}

/// Candidates per question in the features file.
const FEATURE_DEPTH: usize = 16;

/// One ranked candidate, as calibration is fitted on it.
#[derive(Serialize)]
struct FeatureRow<'a> {
    set: &'a str,
    file: &'a str,
    sheet: &'a str,
    row: u32,
    rank: usize,
    entry: &'a str,
    right: bool,
    answerable: bool,
    similarity: f64,
    confidence: f64,
    lexical: f64,
    covered: f64,
    variant: f64,
    retrieval: f64,
    missing: f64,
    semantic_variant: Option<f32>,
    semantic_answer: Option<f32>,
    /// The entry does not answer what is asked (aspects).
    blocks: bool,
    /// Aspects the entry names only in its answer.
    answer_only: u32,
    /// Aspects the entry's canonical question names and the question does not.
    extra: u32,
    narrower: bool,
    reverse: f64,
    /// The question leans on the one before it.
    follow_up: bool,
    margin: f64,
}

/// Writes every labelled question's candidates and their features.
fn write_features(path: &Path, loaded: &Loaded, sets: &[Set]) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for set in sets {
        for labelled in &set.workbooks {
            let questions: Vec<ingest::Question> =
                ingest::detect(&labelled.book, &Overrides::default())
                    .into_iter()
                    .flat_map(|l| l.questions)
                    .collect();
            let (texts, follow) = pipeline::match_texts(&questions, &loaded.matcher);
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let encoded = loaded.matcher.encode_questions(&refs, Signals::Both)?;
            for (i, q) in questions.iter().enumerate() {
                let Some(label) = labelled
                    .labels
                    .iter()
                    .find(|l| l.place.sheet == q.sheet && l.place.row == q.row1())
                else {
                    continue;
                };
                let ranked =
                    loaded
                        .matcher
                        .rank(encoded.query(i, &texts[i]), FEATURE_DEPTH, Signals::Both);
                let runner_up = ranked.get(1).map_or(0.0, |c| c.similarity);
                for (rank, c) in ranked.iter().enumerate() {
                    let id = &loaded.bank.entries[c.entry].id;
                    let lex = &c.evidence.lexical;
                    w.serialize(FeatureRow {
                        set: &set.name,
                        file: &labelled.name,
                        sheet: &q.sheet,
                        row: q.row1(),
                        rank,
                        entry: id,
                        right: label.expected.contains(id),
                        answerable: !label.expected.is_empty(),
                        similarity: c.similarity,
                        confidence: c.confidence,
                        lexical: lex.similarity(),
                        covered: lex.covered,
                        variant: lex.variant,
                        retrieval: lex.retrieval,
                        missing: lex.missing.as_ref().map_or(0.0, |m| m.1),
                        semantic_variant: c.evidence.semantic.map(|s| s.variant),
                        semantic_answer: c.evidence.semantic.map(|s| s.answer),
                        blocks: c.evidence.verdict.blocks(),
                        answer_only: c.evidence.verdict.answer_only.len(),
                        extra: c.evidence.verdict.extra.len(),
                        narrower: !c.evidence.verdict.narrower.is_empty(),
                        reverse: lex.reverse,
                        follow_up: follow[i].is_some(),
                        margin: if rank == 0 {
                            c.similarity - runner_up
                        } else {
                            0.0
                        },
                    })?;
                }
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| anyhow!("{e}"))?;
    crate::write::write_atomic(path, &bytes)
}

/// What qfill said of one question, as the scorer reads it.
fn prediction(file: &str, o: &Outcome) -> Prediction {
    let mut ranked: Vec<String> = o.candidates.iter().map(|(id, _)| id.clone()).collect();
    if let Some(id) = &o.bank_id {
        ranked.retain(|r| r != id);
        ranked.insert(0, id.clone());
    }
    Prediction {
        place: Place {
            file: file.to_string(),
            sheet: o.question.sheet.clone(),
            row: o.question.row1(),
        },
        question: o.question.text.clone(),
        circle: o.circle,
        status: o.status,
        confidence: o.confidence,
        bank_id: o.bank_id.clone(),
        ranked,
    }
}

fn print_table(
    s: &Score,
    sets: &[(&str, Score)],
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
    let width = sets
        .iter()
        .map(|(n, _)| n.chars().count())
        .chain([10])
        .max()
        .unwrap_or(10);
    print!("{:<width$}", "");
    for n in Metrics::NAMES {
        print!(" {n:>10}");
    }
    println!();
    let mut rows: Vec<(&str, Metrics)> = Vec::new();
    if sets.len() > 1 {
        rows.extend(sets.iter().map(|(n, sc)| (*n, sc.metrics)));
    }
    if stages.is_empty() {
        rows.push((if sets.len() > 1 { "all" } else { "full" }, s.metrics));
    } else {
        rows.extend(STAGES.iter().map(|(name, _)| (*name, stages[name])));
    }
    for (name, m) in rows {
        print!("{name:<width$}");
        for n in Metrics::NAMES {
            match m.get(n) {
                Some(v) => print!(" {v:>10.3}"),
                None => print!(" {:>10}", "-"),
            }
        }
        println!();
    }
    println!();
    println!("calibration: the best candidate's confidence, and how often it was right");
    print!("{:<width$}", "confidence");
    for b in &s.calibration {
        print!(" {:>9}", format!("{:.1}-{:.1}", b.low, b.high));
    }
    println!();
    let calibrated: Vec<(&str, &[Band])> = if sets.len() > 1 {
        sets.iter()
            .map(|(n, sc)| (*n, sc.calibration.as_slice()))
            .chain([("all", s.calibration.as_slice())])
            .collect()
    } else {
        vec![("all", s.calibration.as_slice())]
    };
    for (name, bands) in calibrated {
        print!("{name:<width$}");
        for b in bands {
            let cell = if b.questions == 0 {
                "-".to_string()
            } else {
                format!("{}/{}", b.right, b.questions)
            };
            print!(" {cell:>9}");
        }
        println!();
    }
    if s.metrics.circle.is_some() {
        print_confusion(s);
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
            let q = q.replace('\n', " ");
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

/// Expected circle against qfill's, over the questions with a circle label.
fn print_confusion(s: &Score) {
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
}

/// Reads every input: a folder with `labels.csv`, a labels csv, or a workbook
/// with `Expected ID` / `Expected Circle` columns. Each input is one set.
fn gather(inputs: &[PathBuf], search: &[PathBuf]) -> Result<Vec<Set>> {
    let mut sets = Vec::new();
    for input in inputs {
        let labels_csv = if input.is_dir() {
            input.join("labels.csv")
        } else {
            input.clone()
        };
        let workbooks = if is_labels_csv(&labels_csv) {
            from_labels_csv(&labels_csv, search)?
        } else if input.is_dir() {
            bail!("{}: no labels.csv in this folder", input.display());
        } else {
            vec![from_expected_columns(input)?]
        };
        sets.push(Set {
            name: set_name(input),
            workbooks,
        });
    }
    if sets.is_empty() {
        bail!(
            "nothing to evaluate: give a labels csv, a folder holding labels.csv, or a workbook with Expected ID / Expected Circle columns"
        );
    }
    Ok(sets)
}

/// A short name for a set: the file's name, or its folder's for a plain `labels.csv`.
fn set_name(input: &Path) -> String {
    let named = if input.file_name().is_some_and(|n| n == "labels.csv") {
        input.parent().unwrap_or(input)
    } else {
        input
    };
    named
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| input.display().to_string())
}

fn is_labels_csv(path: &Path) -> bool {
    std::fs::read(path)
        .ok()
        .and_then(|b| ingest::text::decode(&b).ok())
        .and_then(|t| t.lines().next().map(|l| l.contains("expected_id")))
        .unwrap_or(false)
}

/// A row of a labels csv; other columns (`question`, `question_id`, `kind`,
/// `note`) are for people and ignored.
#[derive(serde::Deserialize)]
struct LabelRow {
    file: String,
    sheet: String,
    row: u32,
    expected_id: String,
    expected_circle: String,
}

/// The acceptable entry ids of a label: `;`-separated, blanks ignored.
fn expected_ids(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn from_labels_csv(path: &Path, search: &[PathBuf]) -> Result<Vec<Labelled>> {
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
            expected: expected_ids(&row.expected_id),
            expected_circle: circle,
        });
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    by_file
        .into_iter()
        .map(|(file, labels)| {
            let found = locate(&file, dir, search).ok_or_else(|| {
                anyhow!(
                    "{name}: names `{file}`, which is neither beside it nor in a --questionnaires folder"
                )
            })?;
            Ok(Labelled {
                book: ingest::read(&found, &Default::default())?,
                name: file,
                labels,
            })
        })
        .collect()
}

/// Where a questionnaire named by a labels csv is: beside the csv, else in
/// the first `--questionnaires` folder that holds it.
fn locate(file: &str, beside: &Path, search: &[PathBuf]) -> Option<PathBuf> {
    std::iter::once(beside)
        .chain(search.iter().map(PathBuf::as_path))
        .map(|d| d.join(file))
        .find(|p| p.is_file())
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
        let expected = id.map(|(_, c)| expected_ids(&sheet.text(r, c)));
        let expected = expected.unwrap_or_default();
        let circle_text = circle.map(|(_, c)| sheet.text(r, c)).unwrap_or_default();
        if expected.is_empty() && circle_text.is_empty() {
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
            expected,
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
