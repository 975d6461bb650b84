//! `qfill fill INPUT`: the main job.

use crate::cli::FillArgs;
use crate::ingest::{self, AnswerTarget, Format, col_name, detect::SheetLayout};
use crate::model::{Audience, Circle, Status};
use crate::pipeline::Loaded;
use crate::pipeline::{self, Options, Outcome};
use crate::settings::{FillOptions, MatchSettings, answers_key};
use crate::write::{self, Output, review::Provenance};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The result of filling one questionnaire.
pub struct Filled {
    pub outcomes: Vec<Outcome>,
    pub outputs: Vec<PathBuf>,
    /// One line per sheet: what detection found.
    pub layout: Vec<String>,
    /// Said once on stderr, e.g. that formatting was not carried over.
    pub notes: Vec<String>,
}

pub fn run(args: &FillArgs) -> Result<()> {
    let opts = FillOptions {
        force: args.force,
        json: args.json.clone(),
        html: args.html,
        ..FillOptions::from_flags(&args.answers, &args.layout, &args.limits)
    };
    // Reading the questionnaire does not need the bank: both at once.
    let (loaded, read) = rayon::join(
        || MatchSettings::from(&args.bank).load(),
        || read(&args.input, &opts),
    );
    let loaded = loaded?;
    let filled = fill_read(&args.input, read?, args.out_dir.as_deref(), &loaded, &opts)?;
    for line in filled.layout.iter().chain(&filled.notes) {
        crate::say!("{line}");
    }
    crate::say!(
        "{}",
        summary(&args.input, &filled.outcomes, &filled.outputs)
    );
    // The process ends here: freeing the index and answers piece by piece
    // would only delay the exit.
    std::mem::forget(loaded);
    std::mem::forget(filled);
    Ok(())
}

/// Reads, answers and writes one questionnaire: the filled copy and the review
/// workbook into `out_dir` (or next to the input), and JSON if asked.
pub fn fill_file(
    input: &Path,
    out_dir: Option<&Path>,
    loaded: &Loaded,
    opts: &FillOptions,
) -> Result<Filled> {
    fill_read(input, read(input, opts)?, out_dir, loaded, opts)
}

/// A questionnaire read, with the layout of each sheet and its questions.
pub struct Questionnaire {
    book: ingest::Workbook,
    layouts: Vec<SheetLayout>,
    questions: Vec<ingest::Question>,
}

/// Reads a questionnaire and finds its questions; finding none is an error.
pub fn read(input: &Path, opts: &FillOptions) -> Result<Questionnaire> {
    let book = ingest::read(input, &opts.limits)?;
    let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    for wanted in &opts.overrides.sheets {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(wanted)) {
            return Err(crate::cli::UsageError(format!(
                "{}: no sheet is named `{wanted}` (--sheet); its sheets are: {}",
                input.display(),
                names.join(", ")
            ))
            .into());
        }
    }
    let layouts = ingest::detect(&book, &opts.overrides);
    let questions: Vec<_> = layouts.iter().flat_map(|l| l.questions.clone()).collect();
    let text_ext = input
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["csv", "tsv", "txt"].contains(&e.to_ascii_lowercase().as_str()));
    if questions.is_empty() && book.format == Format::Csv && !text_ext {
        bail!(
            "{}: not a spreadsheet: it holds plain text, and no table of questions was found in it; save the questionnaire as xlsx or csv",
            input.display()
        );
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
            input.display(),
            looked.join(", ")
        );
    }
    Ok(Questionnaire {
        book,
        layouts,
        questions,
    })
}

/// Answers a questionnaire already read and writes its outputs.
pub fn fill_read(
    input: &Path,
    questionnaire: Questionnaire,
    out_dir: Option<&Path>,
    loaded: &Loaded,
    opts: &FillOptions,
) -> Result<Filled> {
    let Questionnaire {
        book,
        layouts,
        questions,
    } = questionnaire;
    let pipeline_opts = Options {
        audience: opts.audience,
        overwrite: opts.overwrite,
        ..Options::default()
    };
    let outcomes = pipeline::run(&questions, loaded, pipeline_opts)?;

    let input_name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let provenance = Provenance {
        input: &input_name,
        input_sha256: &book.sha256,
        bank_version: &loaded.bank.version,
        audience: if opts.audience == Audience::Nda {
            "nda"
        } else {
            "public"
        },
    };
    // The two workbooks are independent: rendered side by side.
    let (filled, review) = rayon::join(
        || {
            let cells = write::cells::placements(&outcomes, opts.include_review);
            write::render_filled(input, &book, &cells)
        },
        || write::review::render(&outcomes, &provenance),
    );
    let filled = filled?;
    let mut notes: Vec<String> = filled.note.into_iter().collect();
    let mut outputs = vec![
        Output {
            path: opts.output(input, out_dir, filled.extension),
            bytes: filled.bytes,
        },
        Output {
            path: opts.output(input, out_dir, "review.xlsx"),
            bytes: review?,
        },
    ];
    let report = write::json::report(
        &input_name,
        &book.sha256,
        &loaded.bank.version,
        &answers_key(loaded, opts),
        &outcomes,
    );
    if opts.html {
        outputs.push(Output {
            path: opts.output(input, out_dir, "report.html"),
            bytes: write::html::render(
                &report,
                &loaded.mappings,
                &loaded.bank,
                write::html::ReportAudience::Internal,
            )
            .into_bytes(),
        });
    }
    let json = opts.json.as_ref().map(|path| Output {
        path: path.clone(),
        bytes: write::json::render(&report),
    });
    // `--json -` is standard output, written once the files are in place.
    let (stdout, file) = match json {
        Some(j) if j.path.as_os_str() == "-" => (Some(j.bytes), None),
        other => (None, other),
    };
    outputs.extend(file);
    write::write_all(&outputs, input, opts.force)?;
    if let Some(bytes) = stdout {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        out.write_all(&bytes)
            .and_then(|()| out.flush())
            .context("cannot write the JSON to standard output")?;
    }
    if matches!(book.format, Format::Xls | Format::Xlsb | Format::Ods) {
        notes.push(format!(
            "note: {} is {}; the filled copy is a new xlsx with its values, merged cells and sheet order, but not its formatting",
            input.display(),
            book.format.name()
        ));
    }
    Ok(Filled {
        layout: layouts.iter().map(|l| describe_layout(&book, l)).collect(),
        outcomes,
        outputs: outputs.into_iter().map(|o| o.path).collect(),
        notes,
    })
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

/// The layout flags as detection overrides (columns are parsed by clap, so a
/// bad column is a usage error).
/// One line for people: counts by status and circle, and where the outputs went.
fn summary(input: &Path, outcomes: &[Outcome], outputs: &[PathBuf]) -> String {
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
    let paths: Vec<String> = outputs.iter().map(|p| p.display().to_string()).collect();
    let no_room: Vec<String> = outcomes
        .iter()
        .filter(|o| {
            o.why
                .iter()
                .any(|w| w.starts_with(crate::pipeline::NO_ROOM))
        })
        .map(|o| format!("{}:{}", o.question.sheet, o.question.row1()))
        .collect();
    let no_room = match no_room.len() {
        0 => String::new(),
        n => format!(
            "\n  {n} answers have no column for their full text and are left for review: {}{}",
            no_room
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            if n > 10 { ", …" } else { "" }
        ),
    };
    format!(
        "{}: {} questions: {} ({}) -> {}{no_room}",
        input.display(),
        outcomes.len(),
        by_status.join(", "),
        by_circle.join(", "),
        paths.join(", ")
    )
}
