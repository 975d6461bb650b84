//! `qfill fill INPUT`: the main job.

use super::{Loaded, load};
use crate::cli::{FillArgs, LayoutArgs};
use crate::ingest::{
    self, AnswerTarget, Format, Overrides, col_name,
    detect::{SheetLayout, col_flag},
};
use crate::model::{Circle, Status};
use crate::pipeline::{self, Options, Outcome};
use crate::write::{self, Output, review::Provenance};
use anyhow::{Result, anyhow, bail};
use std::path::Path;

pub fn run(args: &FillArgs) -> Result<()> {
    let overrides = overrides(&args.layout)?;
    let Loaded {
        bank,
        mappings,
        matcher,
    } = load(&args.bank)?;
    let book = ingest::read(&args.input, &args.limits.limits())?;
    let layouts = ingest::detect(&book, &overrides);
    let questions: Vec<_> = layouts.iter().flat_map(|l| l.questions.clone()).collect();
    for l in &layouts {
        eprintln!("{}", describe_layout(&book, l));
    }
    if questions.is_empty() {
        let looked: Vec<&str> = book
            .sheets
            .iter()
            .filter(|s| !s.hidden)
            .map(|s| s.name.as_str())
            .collect();
        bail!(
            "{}: no questions found (sheets looked at: {}); name the columns with --question-col (and --header-row, --sheet)",
            args.input.display(),
            looked.join(", ")
        );
    }
    let opts = Options {
        audience: args.audience,
        overwrite: args.overwrite,
    };
    let outcomes = pipeline::run(&questions, &bank, &mappings, &matcher, opts);

    let input_name = args
        .input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let writer = write::filled_writer(book.format);
    let out_dir = args.out_dir.as_deref();
    let mut outputs = vec![
        Output {
            path: write::output_path(&args.input, out_dir, writer.extension(&book)),
            bytes: writer.render(&book, &outcomes, args.include_review)?,
        },
        Output {
            path: write::output_path(&args.input, out_dir, "review.xlsx"),
            bytes: write::review::render(
                &outcomes,
                &Provenance {
                    input: &input_name,
                    input_sha256: &book.sha256,
                    bank_version: &bank.version,
                    audience: if args.audience == crate::model::Audience::Nda {
                        "nda"
                    } else {
                        "public"
                    },
                },
            )?,
        },
    ];
    if let Some(json) = &args.json {
        outputs.push(Output {
            path: json.clone(),
            bytes: write::json::render(&input_name, &book.sha256, &bank.version, &outcomes),
        });
    }
    write::write_all(&outputs, &args.input, args.force)?;
    if matches!(book.format, Format::Xls | Format::Xlsb | Format::Ods) {
        eprintln!(
            "note: {} is {}; the filled copy is a new xlsx with its values, merged cells and sheet order, but not its formatting",
            args.input.display(),
            book.format.name()
        );
    }
    eprintln!("{}", summary(&args.input, &outcomes, &outputs));
    Ok(())
}

/// One line per sheet saying what was detected, so a person can check it
/// and correct it with the layout flags.
fn describe_layout(book: &ingest::Workbook, l: &SheetLayout) -> String {
    let sheet = &book.sheets[l.sheet_index];
    let mut parts = vec![match l.header_row {
        Some(h) => format!("header row {}", h + 1),
        None => "no header row".into(),
    }];
    parts.push(format!("questions in {}", col_name(l.question_col)));
    if let Some(c) = l.id_col {
        parts.push(format!("ids in {}", col_name(c)));
    }
    match &l.answer {
        AnswerTarget::Cell(c) => {
            let list = l.questions.iter().find_map(|q| q.allowed.as_ref());
            match list {
                Some(v) => parts.push(format!(
                    "answers in {} (dropdown: {})",
                    col_name(*c),
                    v.join(", ")
                )),
                None => parts.push(format!("answers in {}", col_name(*c))),
            }
        }
        AnswerTarget::Marks { yes, no, na } => {
            let na = na.map(|c| format!("/{}", col_name(c))).unwrap_or_default();
            parts.push(format!("marks in {}/{}{na}", col_name(*yes), col_name(*no)));
        }
        AnswerTarget::None => parts.push("no answer column".into()),
    }
    if let Some(c) = l.comment_col {
        parts.push(format!("comments in {}", col_name(c)));
    }
    format!(
        "  sheet `{}`: {} questions; {}",
        sheet.name,
        l.questions.len(),
        parts.join(", ")
    )
}

fn overrides(l: &LayoutArgs) -> Result<Overrides> {
    let col = |name: &str, v: &Option<String>| -> Result<Option<u32>> {
        v.as_deref()
            .map(|s| col_flag(s).map_err(|e| anyhow!("--{name}: {e}")))
            .transpose()
    };
    Ok(Overrides {
        sheets: l.sheet.clone(),
        header_row: l.header_row.map(|r| r - 1),
        question_col: col("question-col", &l.question_col)?,
        id_col: col("id-col", &l.id_col)?,
        answer_col: col("answer-col", &l.answer_col)?,
        comment_col: col("comment-col", &l.comment_col)?,
    })
}

/// One line for people: counts by status and circle, and where the outputs went.
fn summary(input: &Path, outcomes: &[Outcome], outputs: &[Output]) -> String {
    let by_status: Vec<String> = Status::ALL
        .iter()
        .map(|s| (s, outcomes.iter().filter(|o| o.status == *s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let by_circle: Vec<String> = Circle::ALL
        .iter()
        .map(|c| format!("{} {c}", outcomes.iter().filter(|o| o.circle == *c).count()))
        .collect();
    let paths: Vec<String> = outputs
        .iter()
        .map(|o| o.path.display().to_string())
        .collect();
    format!(
        "{}: {} questions: {} ({}) -> {}",
        input.display(),
        outcomes.len(),
        by_status.join(", "),
        by_circle.join(", "),
        paths.join(", ")
    )
}
