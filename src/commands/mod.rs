//! One module per subcommand, plus what they share: loading the bank.

pub mod apply;
pub mod audit;
pub mod bank;
pub mod batch;
pub mod completions;
pub mod eval;
pub mod fill;
pub mod init;
pub mod learn;
pub mod report;
pub mod search;
pub mod soa;

use crate::bank::Bank;
use crate::cli::BankArgs;
use crate::mappings::{Mappings, Thresholds};
use crate::matching::Matcher;
use crate::matching::cache::Cache;
pub use crate::pipeline::Loaded;
use crate::source::{DEFAULT_BANK, SourceFile, embedded_toml_files, toml_files_in};
use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

/// Where the answer bank comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BankSource {
    /// A folder of `*.toml` files: named, or `./answer-bank`.
    Dir(PathBuf),
    /// The starter bank built into the binary (an example company's).
    Builtin,
}

/// Where the mappings come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingsSource {
    /// A folder: named, or `./mappings`; files it lacks are built in. With
    /// the built-in bank, a missing scope or SoA is the example company's,
    /// whose ids that bank names; with your own bank, the neutral one.
    Dir { dir: PathBuf, example: bool },
    /// The example company's, with the starter bank only.
    Builtin,
    /// Your own bank without mappings: no company's scope or SoA.
    Neutral,
}

impl BankSource {
    /// The folder named, else `./answer-bank`, else the built-in bank.
    pub fn resolve(named: Option<&Path>) -> BankSource {
        match named {
            Some(dir) => BankSource::Dir(dir.to_path_buf()),
            None if Path::new("answer-bank").is_dir() => BankSource::Dir("answer-bank".into()),
            None => BankSource::Builtin,
        }
    }

    pub fn files(&self) -> Result<Vec<SourceFile>> {
        match self {
            BankSource::Dir(dir) => {
                let files = toml_files_in(dir)?;
                if files.is_empty() {
                    bail!(
                        "{}: no .toml files in this folder, so it holds no answer bank; pass --bank DIR for your bank, or run `qfill init DIR` for a starter bank",
                        dir.display()
                    );
                }
                Ok(files)
            }
            BankSource::Builtin => Ok(embedded_toml_files(&DEFAULT_BANK, "(built-in) answer-bank")),
        }
    }
}

impl MappingsSource {
    /// The folder named, else `./mappings`; else the built-in example's with
    /// the built-in bank, and neutral ones with your own.
    pub fn resolve(named: Option<&Path>, bank: &BankSource) -> MappingsSource {
        match named {
            Some(dir) => MappingsSource::Dir {
                dir: dir.to_path_buf(),
                example: *bank == BankSource::Builtin,
            },
            None if Path::new("mappings").is_dir() => MappingsSource::Dir {
                dir: "mappings".into(),
                example: *bank == BankSource::Builtin,
            },
            None if *bank == BankSource::Builtin => MappingsSource::Builtin,
            None => MappingsSource::Neutral,
        }
    }

    /// Loads the mappings, running `then` while the circle rules compile.
    fn load_then<R: Send>(
        &self,
        then: impl FnOnce(&Mappings) -> R + Send,
    ) -> Result<(Mappings, R)> {
        match self {
            MappingsSource::Dir { dir, example } => Mappings::load_then(dir, *example, then),
            MappingsSource::Builtin => Mappings::builtin_then(then),
            MappingsSource::Neutral => {
                // Said once: the user may not know the example's scope is not theirs.
                crate::say!(
                    "note: no mappings for this bank (--mappings DIR or ./mappings): answers use neutral \
                     wording with no company scope or SoA; `qfill init DIR` writes mappings to make your own"
                );
                Mappings::neutral_then(then)
            }
        }
    }

    pub fn load(&self) -> Result<Mappings> {
        Ok(self.load_then(|_| ())?.0)
    }
}

/// Loads what `--bank`/`--mappings` name, else ./answer-bank and ./mappings, else the built-in defaults.
pub fn load(args: &BankArgs) -> Result<Loaded> {
    let bank_source = BankSource::resolve(args.bank.as_deref());
    let files = bank_source.files()?;
    let cache = Cache::user(!args.no_cache);
    // The bank and its index are built while the mappings' rules compile.
    let build = |m: &Mappings| -> Result<(Bank, Matcher)> {
        let bank = Bank::load(&files, m)?;
        let bar = EncodingBar::default();
        let matcher = Matcher::new(&bank, m)?
            .with_semantic(&bank, &cache, &|done, total| bar.show(done, total))?;
        Ok((bank, matcher))
    };
    let (mappings, built) =
        MappingsSource::resolve(args.mappings.as_deref(), &bank_source).load_then(build)?;
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
    let bank = BankSource::resolve(bank);
    let mappings = MappingsSource::resolve(mappings, &bank).load()?;
    Ok((bank.files()?, mappings))
}

/// A progress bar while the bank is encoded, on a terminal only: the first
/// run with a new bank takes seconds, later ones read the cache.
#[derive(Default)]
struct EncodingBar(std::sync::OnceLock<Option<ProgressBar>>);

impl EncodingBar {
    fn show(&self, done: usize, total: usize) {
        let bar = self.0.get_or_init(|| {
            crate::messages::progress_allowed().then(|| {
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
        return Err(crate::cli::UsageError(format!(
            "thresholds must satisfy 0 <= --review-threshold ({}) <= --auto-threshold ({}) <= 1",
            t.review, t.auto
        ))
        .into());
    }
    Ok(())
}
