//! One module per subcommand, plus what they share: loading the bank.

pub mod apply;
pub mod bank;
pub mod batch;
pub mod eval;
pub mod fill;
pub mod init;
pub mod learn;
pub mod search;

use crate::bank::Bank;
use crate::cli::BankArgs;
use crate::mappings::{Mappings, Thresholds};
use crate::matching::Matcher;
use crate::source::{DEFAULT_BANK, SourceFile, embedded_toml_files, toml_files_in};
use anyhow::{Result, bail};
use std::path::Path;

/// The bank, its mappings and the index over it, loaded once per run.
pub struct Loaded {
    pub bank: Bank,
    pub mappings: Mappings,
    pub matcher: Matcher,
}

/// Loads what `--bank`/`--mappings` name, else ./answer-bank and ./mappings, else the built-in defaults.
pub fn load(args: &BankArgs) -> Result<Loaded> {
    let files = bank_files(args.bank.as_deref())?;
    // The bank and its index are built while the mappings' rules compile.
    let build = |m: &Mappings| -> Result<(Bank, Matcher)> {
        let bank = Bank::load(&files, m)?;
        let matcher = Matcher::new(&bank, m)?;
        Ok((bank, matcher))
    };
    let (mappings, built) = match mappings_dir(args.mappings.as_deref()) {
        Some(dir) => Mappings::load_then(dir, build)?,
        None => Mappings::builtin_then(build)?,
    };
    let (bank, matcher) = built?;
    let mut thresholds = mappings.thresholds;
    if let Some(a) = args.auto_threshold {
        thresholds.auto = a;
    }
    if let Some(r) = args.review_threshold {
        thresholds.review = r;
    }
    check_thresholds(thresholds)?;
    Ok(Loaded {
        bank,
        mappings,
        matcher: matcher.with_thresholds(thresholds),
    })
}

/// The bank files and mappings named, else ./answer-bank and ./mappings, else the built-in ones.
pub fn sources(
    bank: Option<&Path>,
    mappings: Option<&Path>,
) -> Result<(Vec<SourceFile>, Mappings)> {
    let mappings = match mappings_dir(mappings) {
        Some(dir) => Mappings::load(dir)?,
        None => Mappings::builtin()?,
    };
    Ok((bank_files(bank)?, mappings))
}

/// The mappings folder named, else ./mappings if there is one; `None` means the built-in ones.
fn mappings_dir(named: Option<&Path>) -> Option<&Path> {
    named.or_else(|| Some(Path::new("mappings")).filter(|p| p.is_dir()))
}

/// The bank folder named, else ./answer-bank, else the built-in bank.
fn bank_files(named: Option<&Path>) -> Result<Vec<SourceFile>> {
    match named {
        Some(dir) => toml_files_in(dir),
        None if Path::new("answer-bank").is_dir() => toml_files_in(Path::new("answer-bank")),
        None => Ok(embedded_toml_files(&DEFAULT_BANK, "(built-in) answer-bank")),
    }
}

fn check_thresholds(t: Thresholds) -> Result<()> {
    if !(0.0..=1.0).contains(&t.auto) || !(0.0..=1.0).contains(&t.review) || t.review > t.auto {
        bail!("thresholds must satisfy 0 <= --review-threshold <= --auto-threshold <= 1");
    }
    Ok(())
}
