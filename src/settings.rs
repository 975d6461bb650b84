//! The settings layer between the command line (`cli.rs`) and the commands:
//! each flag is turned into a setting here, once, as fd's `Config` and
//! ripgrep's `HiArgs` do. Commands read settings, never flags they share.

use crate::bank::Bank;
use crate::cli::{AnswerArgs, BankArgs, BankDirArgs, LayoutArgs, LimitArgs};
use crate::ingest::{Limits, Overrides};
use crate::mappings::{Mappings, Thresholds};
use crate::matching::Matcher;
use crate::matching::cache::Cache;
use crate::model::Audience;
use crate::pipeline::Loaded;
use crate::source::{DEFAULT_BANK, SourceFile, embedded_toml_files, toml_files_in};
use crate::write;
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

/// Where the bank and the mappings come from, each flag resolved once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    pub bank: BankSource,
    pub mappings: MappingsSource,
}

impl Sources {
    /// The folders named, else ./answer-bank and ./mappings, else the built-in ones.
    pub fn resolve(bank: Option<&Path>, mappings: Option<&Path>) -> Sources {
        let bank = BankSource::resolve(bank);
        let mappings = MappingsSource::resolve(mappings, &bank);
        Sources { bank, mappings }
    }

    /// The bank's files and the mappings, not yet checked against each other.
    pub fn read(&self) -> Result<(Vec<SourceFile>, Mappings)> {
        let mappings = self.mappings.load()?;
        Ok((self.bank.files()?, mappings))
    }

    /// The bank, checked against the mappings, and the mappings.
    pub fn load(&self) -> Result<(Bank, Mappings)> {
        let (files, mappings) = self.read()?;
        Ok((Bank::load(&files, &mappings)?, mappings))
    }
}

impl From<&BankDirArgs> for Sources {
    fn from(a: &BankDirArgs) -> Sources {
        Sources::resolve(a.dir.as_deref(), a.mappings.as_deref())
    }
}

/// What a command that matches questions needs: the sources, the thresholds
/// the flags override, and whether the bank's vectors may be cached.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchSettings {
    pub sources: Sources,
    pub auto_threshold: Option<f64>,
    pub review_threshold: Option<f64>,
    pub cache: bool,
}

impl From<&BankArgs> for MatchSettings {
    fn from(a: &BankArgs) -> MatchSettings {
        MatchSettings {
            sources: Sources::resolve(a.bank.as_deref(), a.mappings.as_deref()),
            auto_threshold: a.auto_threshold,
            review_threshold: a.review_threshold,
            cache: !a.no_cache,
        }
    }
}

impl MatchSettings {
    /// The bank, its mappings and a matcher with the thresholds in force.
    pub fn load(&self) -> Result<Loaded> {
        let files = self.sources.bank.files()?;
        let cache = Cache::user(self.cache);
        // The bank and its index are built while the mappings' rules compile.
        let build = |m: &Mappings| -> Result<(Bank, Matcher)> {
            let bank = Bank::load(&files, m)?;
            let bar = EncodingBar::default();
            let matcher =
                Matcher::new(&bank, m)?
                    .with_semantic(&bank, &cache, &|done, total| bar.show(done, total))?;
            Ok((bank, matcher))
        };
        let (mappings, built) = self.sources.mappings.load_then(build)?;
        let (bank, matcher) = built?;
        let thresholds = self.thresholds(mappings.thresholds)?;
        Ok(Loaded {
            bank,
            mappings,
            matcher: matcher.with_thresholds(thresholds),
        })
    }

    /// The mappings' thresholds with the flags' overrides, checked.
    fn thresholds(&self, from_mappings: Thresholds) -> Result<Thresholds> {
        let t = Thresholds {
            auto: self.auto_threshold.unwrap_or(from_mappings.auto),
            review: self.review_threshold.unwrap_or(from_mappings.review),
        };
        check_thresholds(t)?;
        Ok(t)
    }
}

/// What a fill of one questionnaire needs to know besides the bank.
#[derive(Debug, Clone, Default)]
pub struct FillOptions {
    pub audience: Audience,
    pub include_review: bool,
    pub overwrite: bool,
    pub force: bool,
    pub overrides: Overrides,
    pub limits: Limits,
    /// Where the JSON report goes, if anywhere.
    pub json: Option<PathBuf>,
    /// Also write the boundary report, NAME.report.html, for the team.
    pub html: bool,
    /// The name outputs are called by, when not the input's stem (batch
    /// inputs that would share outputs).
    pub output_stem: Option<String>,
}

impl FillOptions {
    /// The flags `fill` and `batch` share, turned into settings in one place.
    pub fn from_flags(answers: &AnswerArgs, layout: &LayoutArgs, limits: &LimitArgs) -> Self {
        FillOptions {
            audience: answers.audience,
            include_review: answers.include_review,
            overwrite: answers.overwrite,
            overrides: overrides(layout),
            limits: limits.limits(),
            ..FillOptions::default()
        }
    }

    /// Where an output of `input` with `suffix` goes.
    pub fn output(&self, input: &Path, out_dir: Option<&Path>, suffix: &str) -> PathBuf {
        match &self.output_stem {
            Some(stem) => write::output_path_named(stem, input, out_dir, suffix),
            None => write::output_path(input, out_dir, suffix),
        }
    }
}

/// The layout flags, as detection overrides (rows counted from 1 on the command line).
pub fn overrides(l: &LayoutArgs) -> Overrides {
    Overrides {
        sheets: l.sheet.clone(),
        header_row: l.header_row.map(|r| r - 1),
        question_col: l.question_col,
        id_col: l.id_col,
        answer_col: l.answer_col,
        comment_col: l.comment_col,
    }
}

/// What a fill's answers depend on besides the questionnaire: the bank, the
/// mappings, the thresholds, the options that change answers or layout, and
/// qfill itself. Two runs with one key give the same outputs.
pub fn answers_key(loaded: &Loaded, opts: &FillOptions) -> String {
    use sha2::{Digest, Sha256};
    let t = loaded.matcher.thresholds();
    let o = &opts.overrides;
    let settings = format!(
        "qfill {}\nbank {}\nmappings {}\nthresholds {} {}\naudience {:?} include_review {} overwrite {}\nlayout {:?} {:?} {:?} {:?} {:?} {:?}\nlimits {:?}",
        env!("CARGO_PKG_VERSION"),
        loaded.bank.version,
        loaded.mappings.version,
        t.auto,
        t.review,
        opts.audience,
        opts.include_review,
        opts.overwrite,
        o.sheets,
        o.header_row,
        o.question_col,
        o.id_col,
        o.answer_col,
        o.comment_col,
        opts.limits,
    );
    format!("{:x}", Sha256::digest(settings.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_folders_are_used_as_named_and_the_example_goes_with_the_builtin_bank_only() {
        let s = Sources::resolve(Some(Path::new("b")), Some(Path::new("m")));
        assert_eq!(s.bank, BankSource::Dir("b".into()));
        let own = MappingsSource::Dir {
            dir: "m".into(),
            example: false,
        };
        assert_eq!(s.mappings, own);
        let with_builtin = MappingsSource::resolve(Some(Path::new("m")), &BankSource::Builtin);
        assert_eq!(
            with_builtin,
            MappingsSource::Dir {
                dir: "m".into(),
                example: true
            }
        );
    }

    #[test]
    fn flags_override_the_mappings_thresholds_and_contradictions_are_usage_errors() {
        let from_mappings = Thresholds {
            auto: 0.9,
            review: 0.1,
        };
        let mut s = MatchSettings::from(&BankArgs {
            auto_threshold: Some(0.95),
            ..BankArgs::default()
        });
        let t = s.thresholds(from_mappings).unwrap();
        assert_eq!((t.auto, t.review), (0.95, 0.1));
        s.review_threshold = Some(0.97);
        let err = s.thresholds(from_mappings).unwrap_err();
        assert!(err.is::<crate::cli::UsageError>(), "{err}");
        assert!(err.to_string().contains("0.97"), "{err}");
    }

    #[test]
    fn no_cache_flag_turns_the_cache_off() {
        let on = MatchSettings::from(&BankArgs::default());
        let off = MatchSettings::from(&BankArgs {
            no_cache: true,
            ..BankArgs::default()
        });
        assert!(on.cache);
        assert!(!off.cache);
    }
}
