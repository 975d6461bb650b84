//! `qfill bank ...`: curating the answer bank.

use crate::bank::Bank;
use crate::cli::{BankCommand, CoverageArgs, ExportArgs, HarvestArgs, ImportArgs, LintArgs};
use crate::curation::{coverage, coverage_xlsx, export_xlsx, import_xlsx};
use crate::harvest::{Approved, Change, harvest, write_proposals};
use crate::lint::{Finding, Severity, lint};
use crate::mappings::Mappings;
use crate::settings::{self, BankSource, MatchSettings, Sources};
use crate::source::SourceFile;
use crate::source::toml_files_in;
use crate::write::{Output, write_all, write_atomic};
use anyhow::Result;
use serde::Serialize;
use std::path::Path;

pub fn run(cmd: &BankCommand) -> Result<bool> {
    match cmd {
        BankCommand::Lint(args) => run_lint(args),
        BankCommand::Coverage(args) => run_coverage(args).map(|()| true),
        BankCommand::Export(args) => run_export(args).map(|()| true),
        BankCommand::Import(args) => run_import(args).map(|()| true),
        BankCommand::Harvest(args) => run_harvest(args).map(|()| true),
    }
}

fn run_coverage(args: &CoverageArgs) -> Result<()> {
    let (bank, mappings) = Sources::from(&args.source).load()?;
    let c = coverage(&bank, &mappings, args.staleness.staleness());
    if let Some(path) = &args.xlsx {
        write_atomic(path, &coverage_xlsx(&c)?)?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&c)?);
        return Ok(());
    }
    println!("{} entries", c.entries);
    println!();
    println!(
        "applicable SoA controls no entry evidences ({}):",
        c.uncovered_controls.len()
    );
    for u in &c.uncovered_controls {
        println!("  {:<7} {}", u.id.to_string(), u.title);
    }
    for (name, map) in [("circle", &c.by_circle), ("Annex A theme", &c.by_theme)] {
        println!();
        println!("entries by {name}:");
        for (k, n) in map {
            println!("  {k:<15} {n:>4}");
        }
    }
    println!();
    println!(
        "entries by owner (stale = reviewed more than {} days ago, or never):",
        args.staleness.max_age
    );
    for (owner, s) in &c.by_owner {
        println!(
            "  {owner:<15} {:>4} entries, {:>3} stale, oldest review {}",
            s.entries,
            s.stale,
            s.oldest_review.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

fn run_harvest(args: &HarvestArgs) -> Result<()> {
    // Compared only with the company's own approved bank, when it has one:
    // never with the built-in example bank.
    let settings = MatchSettings::from(&args.bank);
    let own = match &settings.sources.bank {
        BankSource::Dir(dir) if has_entries(dir)? => Some(settings.load()?),
        _ => None,
    };
    let fallback;
    let mappings = match &own {
        Some(l) => &l.mappings,
        None => {
            fallback = Mappings::builtin()?;
            &fallback
        }
    };
    let book = crate::ingest::read(&args.input, &Default::default())?;
    let overrides = settings::overrides(&args.layout);
    let questions: Vec<_> = crate::ingest::detect(&book, &overrides)
        .into_iter()
        .flat_map(|l| l.questions)
        .collect();
    let name = args
        .input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let approved = own.as_ref().map(|l| Approved {
        bank: &l.bank,
        matcher: &l.matcher,
    });
    let proposals = harvest(&book, &questions, &name, mappings, approved)?;
    if proposals.is_empty() {
        anyhow::bail!(
            "{}: no answered questions found to harvest ({} questions detected)",
            args.input.display(),
            questions.len()
        );
    }
    let out = write_proposals(&proposals, &args.input, args.out.as_deref(), args.force)?;
    let count = |f: fn(&Change) -> bool| proposals.iter().filter(|p| f(&p.change)).count();
    if own.is_none() {
        crate::say!(
            "note: no approved bank to compare with (--bank DIR or ./answer-bank): every answer is proposed as a new entry"
        );
    }
    crate::say!(
        "{}: {} answered questions -> {} new entries, {} new variants of existing entries, {} answered otherwise than the bank -> {}",
        args.input.display(),
        proposals.len(),
        count(|c| *c == Change::New),
        count(|c| matches!(c, Change::Variant { .. })),
        count(|c| matches!(c, Change::Beside { .. })),
        out.display()
    );
    Ok(())
}

/// Whether a folder holds a bank with at least one entry (a new or empty
/// folder is a bank to start).
fn has_entries(dir: &Path) -> Result<bool> {
    if !dir.is_dir() {
        return Ok(false);
    }
    Ok(toml_files_in(dir)?
        .iter()
        .any(|f| f.text.contains("[[entry]]")))
}

fn run_export(args: &ExportArgs) -> Result<()> {
    let (files, mappings) = Sources::from(&args.source).read()?;
    let bank = Bank::load(&files, &mappings)?;
    let output = Output {
        path: crate::write::file_in(&args.out, "bank.xlsx"),
        bytes: export_xlsx(&bank)?,
    };
    write_all(std::slice::from_ref(&output), Path::new(""), args.force)?;
    crate::say!(
        "wrote {} entries to {}",
        bank.entries.len(),
        output.path.display()
    );
    Ok(())
}

fn run_import(args: &ImportArgs) -> Result<()> {
    let bytes = crate::ingest::read_capped(
        &args.input,
        crate::ingest::Limits::default().max_unzipped_bytes,
    )
    .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", args.input.display()))?;
    let existing = |name: &str| std::fs::read_to_string(args.out.join(name)).ok();
    let files = import_xlsx(&bytes, &existing)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.input.display()))?;
    // Check the result loads as a bank before anything is written.
    let imported: Vec<SourceFile> = files
        .iter()
        .map(|(n, t)| SourceFile::new(n.clone(), t.clone()))
        .collect();
    let mappings = Sources::resolve(None, None).mappings.load()?;
    Bank::load(&imported, &mappings).map_err(|e| {
        anyhow::anyhow!(
            "{}: the imported bank is not valid: {e}",
            args.input.display()
        )
    })?;
    // Only files whose text changes are written: a round trip that changed
    // nothing leaves the bank's git history clean.
    let outputs: Vec<Output> = files
        .iter()
        .filter(|(name, text)| existing(name).as_deref() != Some(text.as_str()))
        .map(|(name, text)| Output {
            path: args.out.join(name),
            bytes: text.clone().into_bytes(),
        })
        .collect();
    write_all(&outputs, &args.input, args.force)?;
    crate::say!(
        "{}: {} files changed, {} unchanged{}",
        args.out.display(),
        outputs.len(),
        files.len() - outputs.len(),
        outputs
            .iter()
            .map(|o| format!("\n  wrote {}", o.path.display()))
            .collect::<String>()
    );
    Ok(())
}

#[derive(Serialize)]
struct Report<'a> {
    errors: usize,
    warnings: usize,
    findings: &'a [Finding],
}

fn run_lint(args: &LintArgs) -> Result<bool> {
    let (files, mappings) = Sources::from(&args.source).read()?;
    let (bank, problems) = Bank::load_all(&files, &mappings);
    if bank.entries.is_empty() && problems.is_empty() {
        anyhow::bail!("{}", crate::bank::empty_bank_message(&files));
    }
    let mut findings: Vec<Finding> = problems
        .into_iter()
        .map(|p| {
            let (at, message) = split_place(&p);
            Finding {
                severity: Severity::Error,
                rule: "schema",
                at,
                entry: None,
                message,
                also: None,
                fix: None,
            }
        })
        .collect();
    if !bank.entries.is_empty() {
        findings.extend(lint(&bank, &mappings, args.staleness.staleness()));
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&Report {
                errors,
                warnings,
                findings: &findings
            })?
        );
    } else {
        for f in &findings {
            let level = if f.severity == Severity::Error {
                "error"
            } else {
                "warning"
            };
            println!("{}: {level}[{}]: {}", f.at, f.rule, f.message);
            if let Some(also) = &f.also {
                println!("    see also {also}");
            }
            if let Some(fix) = &f.fix {
                println!("    write instead: {fix}");
            }
        }
        println!(
            "{} entries: {errors} errors, {warnings} warnings",
            bank.entries.len()
        );
    }
    Ok(errors == 0 && (warnings == 0 || !args.deny_warnings))
}

/// `file:line:col: message` into its place and message.
fn split_place(problem: &str) -> (String, String) {
    let mut parts = problem.splitn(4, ": ");
    match (parts.next(), parts.next()) {
        (Some(at), Some(rest)) if at.contains(':') => {
            let tail: Vec<&str> = parts.collect();
            let message = std::iter::once(rest)
                .chain(tail)
                .collect::<Vec<_>>()
                .join(": ");
            (at.to_string(), message)
        }
        _ => (String::new(), problem.to_string()),
    }
}
