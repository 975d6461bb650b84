//! `qfill batch PATH...`: refill a backlog of questionnaires at once, in
//! parallel, with a backlog report of what is still unanswered.

use super::fill::fill_file;
use crate::backlog::{Backlog, FileResult, FileRow, backlog, backlog_xlsx, row, row_from};
use crate::cli::BatchArgs;
use crate::model::{Circle, Status};
use crate::pipeline::Loaded;
use crate::settings::{FillOptions, MatchSettings, answers_key};
use crate::write::{self, Output};
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One input and the folder its outputs mirror from.
#[derive(Debug, Clone)]
struct Input {
    path: PathBuf,
    /// The path below the folder it was found in, mirrored under `--out-dir`.
    relative: PathBuf,
    /// What its outputs are called: the file's stem, or its whole name when
    /// another input in the same output folder has the same stem.
    stem: String,
}

impl Input {
    fn new(path: PathBuf, relative: PathBuf) -> Input {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "questionnaire".into());
        Input {
            path,
            relative,
            stem,
        }
    }
}

/// Makes every input's outputs its own. Inputs with the same relative path
/// (`a/vendor.xlsx` and `b/vendor.xlsx` given as folders `a` and `b`) mirror
/// their whole path instead; inputs in one output folder with one stem
/// (`vendor.xlsx`, `vendor.ods`, `vendor.csv`) are called by their full name.
fn unique_outputs(mut inputs: Vec<Input>) -> Vec<Input> {
    let mut by_relative: HashMap<PathBuf, usize> = HashMap::new();
    for i in &inputs {
        *by_relative.entry(i.relative.clone()).or_default() += 1;
    }
    for i in inputs.iter_mut() {
        if by_relative[&i.relative] > 1 {
            i.relative = i
                .path
                .components()
                .filter(|c| matches!(c, std::path::Component::Normal(_)))
                .collect();
        }
    }
    let key = |i: &Input| {
        (
            i.relative.parent().map(Path::to_path_buf),
            i.stem.to_lowercase(),
        )
    };
    let mut by_stem: HashMap<(Option<PathBuf>, String), usize> = HashMap::new();
    for i in &inputs {
        *by_stem.entry(key(i)).or_default() += 1;
    }
    for i in inputs.iter_mut() {
        if by_stem[&key(i)] > 1 {
            i.stem = i
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| i.stem.clone());
        }
    }
    inputs
}

pub fn run(args: &BatchArgs) -> Result<bool> {
    let out_dir = args.out_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if !args.merge_reports.is_empty() {
        return merge(&args.merge_reports, &out_dir);
    }
    if args.paths.is_empty() {
        bail!("give questionnaires or folders to fill, or --merge-reports DIR...");
    }
    let inputs = shard(unique_outputs(collect(&args.paths)?), args.shard)?;
    let loaded = MatchSettings::from(&args.bank).load()?;
    let opts = FillOptions {
        // Whether a file is refilled is decided by its answers key, before writing.
        force: true,
        ..FillOptions::from_flags(&args.answers, &args.layout, &args.limits)
    };
    let key = answers_key(&loaded, &opts);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()?;
    let bar = progress(inputs.len());
    let rows: Vec<FileRow> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                let row = one(
                    input,
                    args.out_dir.as_deref(),
                    &loaded,
                    &opts,
                    &key,
                    args.force,
                );
                report_progress(&bar, &row);
                row
            })
            .collect()
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let backlog = backlog(rows);
    write_reports(&backlog, &out_dir)?;
    crate::say!(
        "{} files: {} filled, {} skipped, {} failed; {} questions, {:.0}% answered automatically; report in {}",
        backlog.files.len(),
        backlog
            .files
            .iter()
            .filter(|f| f.result == FileResult::Filled)
            .count(),
        backlog
            .files
            .iter()
            .filter(|f| f.result == FileResult::Skipped)
            .count(),
        backlog.failed,
        backlog.questions,
        backlog.auto_share * 100.0,
        out_dir.join("backlog.xlsx").display()
    );
    Ok(backlog.failed == 0)
}

/// Files, folders (searched recursively) and glob patterns, in a stable order.
fn collect(paths: &[String]) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if path.is_dir() {
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                let entry = entry.with_context(|| format!("{p}: cannot list the folder"))?;
                if entry.file_type().is_file() && is_questionnaire(entry.path()) {
                    let relative = entry
                        .path()
                        .strip_prefix(path)
                        .unwrap_or(entry.path())
                        .to_path_buf();
                    out.push(Input::new(entry.path().to_path_buf(), relative));
                }
            }
        } else if !path.exists() && p.contains(['*', '?', '[']) {
            // A path that exists is that path, even with `[` in its name.
            for entry in glob::glob(p).with_context(|| format!("{p}: not a valid pattern"))? {
                let file = entry?;
                if file.is_file() && is_questionnaire(&file) {
                    let relative = PathBuf::from(file.file_name().unwrap_or_default());
                    out.push(Input::new(file, relative));
                }
            }
        } else {
            let relative = PathBuf::from(path.file_name().unwrap_or_default());
            out.push(Input::new(path.to_path_buf(), relative));
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}

/// A questionnaire by its name: a supported extension, and not one of qfill's own outputs.
fn is_questionnaire(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let ours =
        name.contains(".filled.") || name.ends_with(".review.xlsx") || name.starts_with("backlog.");
    crate::ingest::is_readable_name(&name, &crate::ingest::EXTENSIONS) && !ours
}

/// The inputs of shard `i` of `n`: a file belongs to the shard its path's hash
/// names, so every machine computes the same split from the same inputs.
fn shard(inputs: Vec<Input>, shard: Option<(u32, u32)>) -> Result<Vec<Input>> {
    let Some((i, n)) = shard else {
        return Ok(inputs);
    };
    Ok(inputs
        .into_iter()
        .filter(|input| shard_of(&input.relative, n) == i - 1)
        .collect())
}

fn shard_of(relative: &Path, n: u32) -> u32 {
    let digest = Sha256::digest(relative.to_string_lossy().replace('\\', "/").as_bytes());
    (u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])) % n
}

/// Fills one file, or skips it when its outputs were made from these very
/// bytes with these very settings.
fn one(
    input: &Input,
    out_root: Option<&Path>,
    loaded: &Loaded,
    opts: &FillOptions,
    key: &str,
    force: bool,
) -> FileRow {
    let name = input.relative.display().to_string();
    let out_dir = out_root.map(|root| root.join(input.relative.parent().unwrap_or(Path::new(""))));
    let json = write::output_path_named(&input.stem, &input.path, out_dir.as_deref(), "json");
    if !force && let Some(row) = up_to_date(input, &json, out_dir.as_deref(), key, &opts.limits) {
        return FileRow {
            file: name,
            result: FileResult::Skipped,
            ..row
        };
    }
    let opts = FillOptions {
        json: Some(json),
        output_stem: Some(input.stem.clone()),
        ..opts.clone()
    };
    match fill_file(&input.path, out_dir.as_deref(), loaded, &opts) {
        Ok(filled) => row(name, FileResult::Filled, &filled.outcomes),
        Err(e) => {
            let msg: Vec<String> = e.chain().map(ToString::to_string).collect();
            FileRow {
                error: Some(msg.join(": ")),
                ..row(name, FileResult::Failed, &[])
            }
        }
    }
}

/// The earlier run's row when its report says it answered these bytes with
/// the same answers key, and its review workbook is still there. File times
/// are not asked: a copy, a checkout or a restore changes them, not the answers.
fn up_to_date(
    input: &Input,
    json: &Path,
    out_dir: Option<&Path>,
    key: &str,
    limits: &crate::ingest::Limits,
) -> Option<FileRow> {
    let review = write::output_path_named(&input.stem, &input.path, out_dir, "review.xlsx");
    if !review.is_file() {
        return None;
    }
    let report = write::json::read(json).ok()?;
    if report.answers_key.as_deref() != Some(key) {
        return None;
    }
    let bytes = crate::ingest::read_capped(&input.path, limits.max_unzipped_bytes).ok()?;
    let sha = format!("{:x}", Sha256::digest(&bytes));
    if sha != report.input_sha256 {
        return None;
    }
    let counts: Vec<(Circle, Status, String)> = report
        .questions
        .into_iter()
        .map(|q| (q.circle, q.status, q.question))
        .collect();
    Some(row_from(String::new(), FileResult::Skipped, &counts))
}

fn progress(files: usize) -> Option<ProgressBar> {
    if !crate::messages::progress_allowed() {
        return None;
    }
    let bar = ProgressBar::new(files as u64);
    let style =
        ProgressStyle::with_template("{bar:30} {pos}/{len} files, {msg} questions, ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message("0");
    Some(bar)
}

/// A progress bar on a terminal; otherwise one line per file.
fn report_progress(bar: &Option<ProgressBar>, row: &FileRow) {
    match bar {
        Some(bar) => {
            let done: u64 = bar.message().parse().unwrap_or(0) + row.questions as u64;
            bar.set_message(done.to_string());
            bar.inc(1);
            if let Some(e) = &row.error {
                bar.println(crate::messages::visible(&format!("failed: {e}")));
            }
        }
        None => match &row.error {
            Some(e) => crate::alert!("failed   {}: {e}", row.file),
            None => crate::say!(
                "{:<8} {}: {} questions, {:.0}% auto",
                row.result,
                row.file,
                row.questions,
                row.auto_share * 100.0
            ),
        },
    }
}

fn write_reports(backlog: &Backlog, out_dir: &Path) -> Result<()> {
    let mut json = serde_json::to_vec_pretty(backlog)?;
    json.push(b'\n');
    let outputs = [
        Output {
            path: out_dir.join("backlog.json"),
            bytes: json,
        },
        Output {
            path: out_dir.join("backlog.xlsx"),
            bytes: backlog_xlsx(backlog)?,
        },
    ];
    // The reports are qfill's own and are refreshed by every run.
    write::write_all(&outputs, Path::new(""), true)
}

/// Joins the reports of several shards into one.
fn merge(dirs: &[PathBuf], out_dir: &Path) -> Result<bool> {
    let mut files = Vec::new();
    for d in dirs {
        let path = d.join("backlog.json");
        let text =
            crate::ingest::read_capped(&path, crate::ingest::Limits::default().max_unzipped_bytes)
                .map_err(|e| anyhow::anyhow!("{}: cannot read the report: {e}", path.display()))?;
        let b: Backlog = serde_json::from_slice(&text)
            .with_context(|| format!("{}: not a qfill backlog report", path.display()))?;
        files.extend(b.files);
    }
    let backlog = backlog(files);
    write_reports(&backlog, out_dir)?;
    crate::say!(
        "merged {} reports: {} files, {} questions, {} failed -> {}",
        dirs.len(),
        backlog.files.len(),
        backlog.questions,
        backlog.failed,
        out_dir.join("backlog.json").display()
    );
    Ok(backlog.failed == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_file_exactly_once() {
        let files: Vec<PathBuf> = (0..50)
            .map(|i| PathBuf::from(format!("q{i}.xlsx")))
            .collect();
        let mut seen = vec![0; files.len()];
        for i in 1..=4 {
            for (k, f) in files.iter().enumerate() {
                if shard_of(f, 4) == i - 1 {
                    seen[k] += 1;
                }
            }
        }
        assert!(seen.iter().all(|n| *n == 1));
    }

    #[test]
    fn own_outputs_and_temporary_files_are_not_inputs() {
        assert!(is_questionnaire(Path::new("x/q.xlsx")));
        for n in [
            "q.filled.xlsx",
            "q.review.xlsx",
            "backlog.xlsx",
            "~$q.xlsx",
            "notes.txt",
            ".qfill-tmp.xlsx",
        ] {
            assert!(!is_questionnaire(Path::new(n)), "{n}");
        }
    }
}
