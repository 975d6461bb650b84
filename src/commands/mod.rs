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
use crate::matching::cache::Cache;
pub use crate::pipeline::Loaded;
use crate::source::{DEFAULT_BANK, SourceFile, embedded_toml_files, toml_files_in};
use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;

/// Loads what `--bank`/`--mappings` name, else ./answer-bank and ./mappings, else the built-in defaults.
pub fn load(args: &BankArgs) -> Result<Loaded> {
    let files = bank_files(args.bank.as_deref())?;
    let cache = Cache::user(!args.no_cache);
    // The bank and its index are built while the mappings' rules compile.
    let build = |m: &Mappings| -> Result<(Bank, Matcher)> {
        let bank = Bank::load(&files, m)?;
        let bar = EncodingBar::default();
        let matcher = Matcher::new(&bank, m)?
            .with_semantic(&bank, &cache, &|done, total| bar.show(done, total))?;
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

/// A progress bar while the bank is encoded, on a terminal only: the first
/// run with a new bank takes seconds, later ones read the cache.
#[derive(Default)]
struct EncodingBar(std::sync::OnceLock<Option<ProgressBar>>);

impl EncodingBar {
    fn show(&self, done: usize, total: usize) {
        let bar = self.0.get_or_init(|| {
            std::io::stderr().is_terminal().then(|| {
                let bar = ProgressBar::new(total as u64);
                bar.set_style(
                    ProgressStyle::with_template(
                        "encoding the bank for matching {bar:30} {pos}/{len} ({eta})",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar
            })
        });
        if let Some(bar) = bar {
            bar.set_position(done as u64);
            if done >= total {
                bar.finish_and_clear();
            }
        }
    }
}

fn check_thresholds(t: Thresholds) -> Result<()> {
    if !(0.0..=1.0).contains(&t.auto) || !(0.0..=1.0).contains(&t.review) || t.review > t.auto {
        bail!("thresholds must satisfy 0 <= --review-threshold <= --auto-threshold <= 1");
    }
    Ok(())
}
