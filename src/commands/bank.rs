//! `qfill bank ...`: curating the answer bank.

use crate::bank::Bank;
use crate::cli::{BankCommand, LintArgs};
use crate::lint::{Finding, Options, Severity, lint};
use crate::mappings::Mappings;
use crate::matching::Matcher;
use crate::source::{DEFAULT_BANK, embedded_toml_files, toml_files_in};
use anyhow::Result;
use serde::Serialize;
use std::path::Path;

pub fn run(cmd: &BankCommand) -> Result<bool> {
    match cmd {
        BankCommand::Lint(args) => run_lint(args),
    }
}

#[derive(Serialize)]
struct Report<'a> {
    errors: usize,
    warnings: usize,
    findings: &'a [Finding],
}

fn run_lint(args: &LintArgs) -> Result<bool> {
    let mappings = match &args.mappings {
        Some(dir) => Mappings::load(dir)?,
        None if Path::new("mappings").is_dir() => Mappings::load(Path::new("mappings"))?,
        None => Mappings::builtin()?,
    };
    let files = match &args.dir {
        Some(dir) => toml_files_in(dir)?,
        None if Path::new("answer-bank").is_dir() => toml_files_in(Path::new("answer-bank"))?,
        None => embedded_toml_files(&DEFAULT_BANK, "(built-in) answer-bank"),
    };
    let (bank, problems) = Bank::load_all(&files, &mappings);
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
        let matcher = Matcher::new(&bank, &mappings)?;
        let today = match args.today {
            Some(d) => d,
            None => jiff::ZonedDateTime::now().date(),
        };
        findings.extend(lint(
            &bank,
            &mappings,
            &matcher,
            &Options {
                today,
                max_age_days: args.max_age,
            },
        ));
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
