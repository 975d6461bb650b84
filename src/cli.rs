//! Command-line interface definitions.

use crate::model::Audience;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const ABOUT: &str = "Answer buyer security questionnaires from your approved answer bank, \
without claiming more than your ISO/IEC 27001 certificate covers.";

const FILL_EXAMPLES: &str = "\
Examples:
  qfill fill vendor-q.xlsx
  qfill fill vendor-q.xlsx -o out/ --json out/vendor-q.json
  qfill fill vendor-q.xlsx --bank ./answer-bank --mappings ./mappings --audience nda
  qfill fill odd-layout.xlsx --sheet Security --header-row 4 --question-col C --answer-col D";

const EXIT_HELP: &str = "\
Exit status:
  0  done (also when some questions are left for review)
  1  findings (bank lint errors, an eval bound missed, batch files that failed,
     audit conflicts or drift),
     or the work could not be done (unreadable input, invalid bank, unwritable output)
  2  bad command-line usage";

#[derive(Parser, Debug)]
#[command(name = "qfill", version, about = ABOUT, propagate_version = true, after_help = EXIT_HELP)]
pub struct Cli {
    /// Say nothing on stderr but errors and failed files: no detected layout, summary, notes or progress bars
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Fill a questionnaire: writes NAME.filled.xlsx and NAME.review.xlsx
    #[command(after_help = FILL_EXAMPLES)]
    Fill(FillArgs),
    /// Write the built-in starter bank and mappings to DIR, to edit
    #[command(
        after_help = "Example:\n  qfill init my-bank && qfill fill q.xlsx --bank my-bank/answer-bank --mappings my-bank/mappings"
    )]
    Init(InitArgs),
    /// Show the best bank matches for one question typed at the terminal
    #[command(after_help = "Example:\n  qfill search \"Do you enforce MFA for admins?\"")]
    Search(SearchArgs),
    /// Score the bank and matcher on labelled questionnaires
    #[command(after_help = EVAL_EXAMPLES)]
    Eval(EvalArgs),
    /// Fill many questionnaires at once, in parallel, with a backlog report
    #[command(after_help = BATCH_EXAMPLES)]
    Batch(BatchArgs),
    /// Curate the answer bank
    #[command(subcommand)]
    Bank(BankCommand),
    /// Write the answers reviewers approved or edited in NAME.review.xlsx into the filled workbook
    #[command(
        after_help = "Reviewers edit the Answer column and set Status to approved or rejected;\nauto rows are written as they stand, review and none rows stay open.\n\nExample:\n  qfill apply out/vendor-q.review.xlsx --input vendor-q.xlsx -o out --force"
    )]
    Apply(ApplyArgs),
    /// Turn reviewers' edits and new answers into proposals for the bank
    #[command(after_help = "Example:\n  qfill learn out/vendor-q.review.xlsx")]
    Learn(LearnArgs),
    /// Read your Statement of Applicability from its spreadsheet, or write it out as one
    #[command(subcommand)]
    Soa(SoaCommand),
    /// Draw a filled questionnaire as the three circles of the ISO/IEC 27001 boundary, as one HTML page
    #[command(after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// Check that the questionnaires you sent agree with each other and with the bank today
    #[command(after_help = AUDIT_EXAMPLES)]
    Audit(AuditArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  qfill completions bash > ~/.local/share/bash-completion/completions/qfill\n  qfill completions zsh > ~/.zfunc/_qfill\n  qfill completions fish > ~/.config/fish/completions/qfill.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff)
    #[command(after_help = "Example:\n  qfill man > qfill.1 && man ./qfill.1")]
    Man,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// The review workbook people worked in
    pub review: PathBuf,
    /// The questionnaire it was made for (default: the file the Summary names, beside it)
    #[arg(long, value_name = "PATH")]
    pub input: Option<PathBuf>,
    /// Output folder (default: the review workbook's folder, where `fill` put the filled workbook)
    #[arg(short, long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Who receives the filled workbook; NDA answers stay out of a public one
    #[arg(long, value_parser = audience(), default_value = "public")]
    pub audience: Audience,
    /// Replace the filled workbook if it exists
    #[arg(long)]
    pub force: bool,
    /// The answer bank the review came from, checked again for visibility and placeholders
    /// (default: ./answer-bank if present, else the built-in starter bank)
    #[arg(long, value_name = "DIR")]
    pub bank: Option<PathBuf>,
    /// Mappings folder (default: ./mappings if present, else built-in)
    #[arg(long, value_name = "DIR")]
    pub mappings: Option<PathBuf>,
    #[command(flatten)]
    pub layout: LayoutArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Args, Debug)]
pub struct LearnArgs {
    /// The review workbook people worked in
    pub review: PathBuf,
    /// A folder for NAME.toml, or a .toml file (default: proposals/NAME.toml)
    #[arg(short, long, value_name = "DIR|FILE.toml")]
    pub out: Option<PathBuf>,
    /// Replace the proposals file if it exists
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

#[derive(Subcommand, Debug)]
pub enum BankCommand {
    /// Check the bank: schema, duplicates, contradictions, SoA claims, over-claims about
    /// certification, confidentiality leaks, stale entries, missing owners
    #[command(
        after_help = "Examples:\n  qfill bank lint\n  qfill bank lint answer-bank --mappings mappings --deny-warnings\n  qfill bank lint --json --max-age 548"
    )]
    Lint(LintArgs),
    /// What the bank covers: applicable SoA controls no entry evidences; entries per
    /// circle, Annex A theme and owner; staleness by owner
    #[command(
        after_help = "Examples:\n  qfill bank coverage\n  qfill bank coverage answer-bank --json\n  qfill bank coverage --xlsx coverage.xlsx"
    )]
    Coverage(CoverageArgs),
    /// Write the bank as one spreadsheet for reviewers who do not use git
    #[command(after_help = "Example:\n  qfill bank export answer-bank -o bank.xlsx")]
    Export(ExportArgs),
    /// Propose bank entries from a questionnaire you already answered (a completed CAIQ, a HECVAT)
    #[command(
        after_help = "Proposals go to proposals/NAME.toml (or -o FOLDER, or -o FILE.toml), never into the\napproved bank. A question your bank (--bank, or ./answer-bank) already answers the same way\nbecomes a new variant of that entry; one it answers otherwise is proposed beside it, so your\nown answer is never dropped. With no bank of your own, every answer is a new entry.\n\nExamples:\n  qfill bank harvest CAIQ-completed.xlsx\n  qfill bank harvest hecvat-2025.xlsx --bank answer-bank -o proposals/hecvat.toml"
    )]
    Harvest(HarvestArgs),
    /// Turn an exported (and edited) spreadsheet back into bank TOML files
    #[command(after_help = "Example:\n  qfill bank import bank.xlsx -o answer-bank --force")]
    Import(ImportArgs),
}

/// Which bank and mappings a `bank` subcommand reads.
#[derive(Args, Debug, Clone)]
pub struct BankDirArgs {
    /// Bank folder (default: ./answer-bank if present, else the built-in bank)
    pub dir: Option<PathBuf>,
    /// Mappings folder (default: ./mappings if present, else built-in)
    #[arg(long, value_name = "DIR")]
    pub mappings: Option<PathBuf>,
}

/// How old a bank entry's review may be: `bank lint`, `bank coverage`, `audit`.
#[derive(Args, Debug, Clone, Copy)]
pub struct StalenessArgs {
    /// Entries reviewed longer ago than this many days are stale
    #[arg(long, value_name = "DAYS", default_value_t = 365)]
    pub max_age: i64,
    /// The date to measure staleness from (default: today), for reproducible runs
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<jiff::civil::Date>,
}

impl StalenessArgs {
    pub fn staleness(&self) -> crate::bank::Staleness {
        crate::bank::Staleness {
            today: self
                .today
                .unwrap_or_else(|| jiff::ZonedDateTime::now().date()),
            max_age_days: self.max_age,
        }
    }
}

#[derive(Args, Debug)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub source: BankDirArgs,
    #[command(flatten)]
    pub staleness: StalenessArgs,
    /// Also write the report as a workbook
    #[arg(long, value_name = "PATH")]
    pub xlsx: Option<PathBuf>,
    /// Print JSON instead of tables
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct HarvestArgs {
    /// A questionnaire with answers in it
    pub input: PathBuf,
    /// A folder for NAME.toml, or a .toml file (default: proposals/NAME.toml)
    #[arg(short, long, value_name = "DIR|FILE.toml")]
    pub out: Option<PathBuf>,
    /// Replace the proposals file if it exists
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub bank: BankArgs,
    #[command(flatten)]
    pub layout: LayoutArgs,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub source: BankDirArgs,
    /// The folder for bank.xlsx, or the workbook to write (a name ending in .xlsx)
    #[arg(short, long, value_name = "DIR|FILE.xlsx")]
    pub out: PathBuf,
    /// Replace the workbook if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// A workbook written by `qfill bank export` (and edited)
    pub input: PathBuf,
    /// The bank folder to write the TOML files into
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace TOML files that exist
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    #[command(flatten)]
    pub source: BankDirArgs,
    #[command(flatten)]
    pub staleness: StalenessArgs,
    /// Exit 1 on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

const REPORT_EXAMPLES: &str = "\
Examples:
  qfill fill vendor-q.xlsx --json vendor-q.json --html     # NAME.report.html for your team
  qfill report vendor-q.json --audience public -o to-buyer/ # the boundary brief for the buyer

The page is one self-contained file (no network): open it in any browser, filter by
circle, status and sheet, search, print. The public page carries no confidence, bank id,
NDA-only answer or SoA justification.";

const AUDIT_EXAMPLES: &str = "\
Examples:
  qfill audit sent/
  qfill audit sent/acme.json sent/globex.review.xlsx sent/initech.filled.xlsx --json
  qfill audit sent/ --xlsx audit.xlsx --max-age 548

Finds the same bank entry or near-identical questions answered differently (conflict),
answers that differ from what the bank says today (drift), and answers from entries since
removed (removed) or not reviewed within --max-age days (stale).
The exit status is 1 when there is a conflict, drift or removed entry (stale too with
--deny-warnings), so it can run in CI.";

const BATCH_EXAMPLES: &str = "\
Examples:
  qfill batch backlog/ --out-dir filled/
  qfill batch 'inbox/*.xlsx' rfis/2026/ --out-dir filled/ -j 4
  # spread a backlog over 3 machines (or CI jobs), then join their reports
  qfill batch backlog/ --out-dir part1 --shard 1/3
  qfill batch --merge-reports part1 part2 part3 --out-dir report

Every file gets NAME.filled.*, NAME.review.xlsx and NAME.json, mirroring the input
folders under --out-dir; backlog.xlsx and backlog.json go into --out-dir (default: .).
A file already filled from the same bytes with the same bank, mappings, thresholds and
options is skipped unless --force.
The exit status is 1 when any file failed.";

/// `I/N`: the I-th of N shards, counted from 1.
fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or("write the shard as I/N, e.g. 2/5")?;
    let (i, n): (u32, u32) = (
        i.trim().parse().map_err(|_| "I is not a number")?,
        n.trim().parse().map_err(|_| "N is not a number")?,
    );
    if n == 0 || i == 0 || i > n {
        return Err(format!("shard {i}/{n}: need 1 <= I <= N"));
    }
    Ok((i, n))
}

#[derive(Args, Debug)]
pub struct BatchArgs {
    /// Questionnaires, folders (searched recursively) and glob patterns
    pub paths: Vec<String>,
    /// Output folder; outputs mirror the input folders under it
    #[arg(short, long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Files processed at once (default: one per core)
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Refill files whose outputs are up to date
    #[arg(long)]
    pub force: bool,
    /// Process only the I-th of N deterministic shards of the inputs
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// Join the backlog reports in these folders into one (in --out-dir)
    #[arg(long, value_name = "DIR", num_args = 1.., conflicts_with = "paths")]
    pub merge_reports: Vec<PathBuf>,
    #[command(flatten)]
    pub answers: AnswerArgs,
    #[command(flatten)]
    pub bank: BankArgs,
    #[command(flatten)]
    pub layout: LayoutArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

const EVAL_EXAMPLES: &str = "\
Inputs: a labels csv (file,sheet,row,expected_id,expected_circle; files relative to it
or in a --questionnaires folder), a folder holding labels.csv, or a workbook with
`Expected ID` / `Expected Circle` columns. Each input is scored as its own set.
expected_id may list several acceptable entries separated by `;`; an empty one means the
bank has no answer for that question; an empty expected_circle is not scored.

Examples:
  qfill eval target/eval-dev --bank ../shared/eval/bank --mappings ../shared/eval/mappings
  qfill eval real.labels.csv --questionnaires questionnaires/ --bank my-bank
  qfill eval labelled.xlsx --stages
  qfill eval labels.csv --json --min top1=0.9 --min auto_prec=0.97 --min false_fill=0.05";

/// Where the answer bank and mappings come from.
#[derive(Args, Debug, Clone, Default)]
pub struct BankArgs {
    /// Answer bank directory (default: ./answer-bank if present, else the built-in starter bank)
    #[arg(long, value_name = "DIR")]
    pub bank: Option<PathBuf>,
    /// Mappings directory (default: ./mappings if present, else built-in); missing files fall back to built-in
    #[arg(long, value_name = "DIR")]
    pub mappings: Option<PathBuf>,
    /// Confidence at or above which answers are written (default from mappings/matching.toml)
    #[arg(long, value_name = "0..1", value_parser = unit_interval)]
    pub auto_threshold: Option<f64>,
    /// Confidence at or above which answers are suggested for review
    #[arg(long, value_name = "0..1", value_parser = unit_interval)]
    pub review_threshold: Option<f64>,
    /// Encode the bank afresh instead of reading or writing the cache of its vectors
    #[arg(long)]
    pub no_cache: bool,
}

/// Overrides for layout detection.
#[derive(Args, Debug, Clone, Default)]
pub struct LayoutArgs {
    /// Only read these sheets (repeatable); hidden sheets are skipped unless named
    #[arg(long, value_name = "NAME")]
    pub sheet: Vec<String>,
    /// The header row (1-based); questions start below it
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub header_row: Option<u32>,
    /// The question column (letter or 1-based number)
    #[arg(long, value_name = "COL", value_parser = crate::ingest::parse_col)]
    pub question_col: Option<u32>,
    /// The question-ID column
    #[arg(long, value_name = "COL", value_parser = crate::ingest::parse_col)]
    pub id_col: Option<u32>,
    /// The answer column (Yes/No or free text)
    #[arg(long, value_name = "COL", value_parser = crate::ingest::parse_col)]
    pub answer_col: Option<u32>,
    /// The free-text column (comments, explanation)
    #[arg(long, value_name = "COL", value_parser = crate::ingest::parse_col)]
    pub comment_col: Option<u32>,
}

/// What goes into the buyer's workbook.
#[derive(Args, Debug, Clone)]
pub struct AnswerArgs {
    /// Who receives the filled workbook; `public` withholds NDA entries and SoA justifications
    #[arg(long, value_parser = audience(), default_value = "public")]
    pub audience: Audience,
    /// Also write `review` suggestions into the filled workbook
    #[arg(long)]
    pub include_review: bool,
    /// Replace answers already present in the questionnaire
    #[arg(long)]
    pub overwrite: bool,
}

/// Size limits for untrusted workbooks.
#[derive(Args, Debug, Clone)]
pub struct LimitArgs {
    /// Refuse packages that unpack to more than this many MB
    #[arg(long, value_name = "MB", default_value_t = 256)]
    pub max_unzipped_mb: u64,
    /// Refuse sheets with more rows than this
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_rows: u32,
    /// Refuse sheets whose used rectangle has more cells than this
    #[arg(long, value_name = "N", default_value_t = 5_000_000)]
    pub max_cells: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> crate::ingest::Limits {
        crate::ingest::Limits {
            max_unzipped_bytes: self.max_unzipped_mb.saturating_mul(1024 * 1024),
            max_rows: self.max_rows,
            max_cells: self.max_cells,
        }
    }
}

#[derive(Args, Debug)]
pub struct FillArgs {
    /// The questionnaire: xlsx, xlsm, xls, xlsb, ods or csv
    pub input: PathBuf,
    /// Output folder (default: next to the input)
    #[arg(short, long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Also write the per-question results as JSON to PATH (`-`: standard output)
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Also write NAME.report.html: the three circles with this questionnaire's
    /// questions in them, for your team (`qfill report` makes the buyer's version)
    #[arg(long)]
    pub html: bool,
    #[command(flatten)]
    pub answers: AnswerArgs,
    /// Replace output files that already exist
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub bank: BankArgs,
    #[command(flatten)]
    pub layout: LayoutArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A report written by `qfill fill --json`
    pub json: PathBuf,
    /// Who reads the page: internal (everything) or public (a boundary brief
    /// for the buyer: no confidence, bank ids or NDA text)
    #[arg(long, value_parser = report_audience(), default_value = "internal")]
    pub audience: crate::write::html::ReportAudience,
    /// Output folder (default: the report's folder)
    #[arg(short, long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Replace the page if it exists
    #[arg(long)]
    pub force: bool,
    /// The answer bank the questionnaire was filled from; a public page shows only its public answers
    /// (default: ./answer-bank if present, else the built-in starter bank)
    #[arg(long, value_name = "DIR")]
    pub bank: Option<PathBuf>,
    /// Mappings folder, for the scope statement (default: ./mappings if present, else built-in)
    #[arg(long, value_name = "DIR")]
    pub mappings: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Filled workbooks, review workbooks or fill JSON reports, or folders of them
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// Also write the findings as a workbook
    #[arg(long, value_name = "PATH")]
    pub xlsx: Option<PathBuf>,
    /// Replace the --xlsx workbook if it exists
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub staleness: StalenessArgs,
    /// Exit 1 on stale answers too, not only on conflicts, drift and removed entries
    #[arg(long)]
    pub deny_warnings: bool,
    #[command(flatten)]
    pub bank: BankArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to create; gets answer-bank/ and mappings/
    pub dir: PathBuf,
    /// Write into DIR even if it already holds a bank
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Labels csv, folder with labels.csv, or workbook with Expected columns
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Also score the retrieval stage alone, to show what re-ranking adds
    #[arg(long)]
    pub stages: bool,
    /// Folders to look in for the questionnaires a labels csv names, when they are not beside it
    #[arg(long, value_name = "DIR")]
    pub questionnaires: Vec<PathBuf>,
    /// Write every ranked candidate's features, and whether it is right, as csv to PATH
    /// (for refitting the calibration constants: scripts/calibrate.py)
    #[arg(long, value_name = "PATH")]
    pub features: Option<PathBuf>,
    /// Fail (exit 1) when METRIC is below VALUE (above, for extra and false_fill); repeatable
    #[arg(long, value_name = "METRIC=VALUE")]
    pub min: Vec<crate::evaluate::Bound>,
    /// How many misses to list
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub misses: usize,
    /// Print JSON instead of tables
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The question text
    pub text: String,
    /// How many matches to show
    #[arg(short = 'n', long, default_value_t = 5)]
    pub top: usize,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}

/// A confidence threshold: a number from 0 to 1. Out of range is bad usage (exit 2).
fn unit_interval(text: &str) -> Result<f64, String> {
    let x: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(format!("{x} is outside 0..1"))
    }
}

/// A mistake in how qfill was called, found after parsing (thresholds that
/// contradict each other, a sheet that does not exist): exit status 2, as
/// for the errors clap finds.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// How a run ends, mapped to the process's exit status in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Success,
    /// The command ran and found problems: lint errors, a missed eval bound,
    /// batch files that failed.
    Findings,
    /// The work could not be done.
    Error,
    /// The command line was wrong.
    Usage,
}

impl ExitStatus {
    /// A command's result: `Ok(false)` is findings.
    pub fn of(result: &anyhow::Result<bool>) -> ExitStatus {
        match result {
            Ok(true) => ExitStatus::Success,
            Ok(false) => ExitStatus::Findings,
            Err(e) if e.chain().any(|c| c.is::<UsageError>()) => ExitStatus::Usage,
            Err(_) => ExitStatus::Error,
        }
    }

    /// The documented codes (`--help`, README, the format specification).
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Findings | ExitStatus::Error => 1,
            ExitStatus::Usage => 2,
        }
    }
}

#[cfg(test)]
mod exit_tests {
    use super::*;

    #[test]
    fn exit_statuses_follow_the_contract() {
        assert_eq!(ExitStatus::of(&Ok(true)).code(), 0);
        assert_eq!(ExitStatus::of(&Ok(false)), ExitStatus::Findings);
        assert_eq!(ExitStatus::of(&Ok(false)).code(), 1);
        let usage: anyhow::Result<bool> =
            Err(anyhow::Error::new(UsageError("bad".into())).context("fill"));
        assert_eq!(ExitStatus::of(&usage), ExitStatus::Usage);
        assert_eq!(ExitStatus::of(&usage).code(), 2);
        let failed: anyhow::Result<bool> = Err(anyhow::anyhow!("q.xlsx: no such file"));
        assert_eq!(ExitStatus::of(&failed).code(), 1);
    }
}

/// `--audience` of `report`: internal or public.
fn report_audience()
-> impl clap::builder::TypedValueParser<Value = crate::write::html::ReportAudience> {
    use crate::write::html::ReportAudience;
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new([
        PossibleValue::new("internal")
            .help("Your team: statuses, confidences, bank ids and why"),
        PossibleValue::new("public").help(
            "The buyer: scope, what the certificate covers, and the questions answered; no confidence, bank ids or NDA text",
        ),
    ])
    .map(|s| match s.as_str() {
        "public" => ReportAudience::Public,
        _ => ReportAudience::Internal,
    })
}

/// `--audience`: the model's `Audience`, read here so that the model knows
/// nothing of the command line.
fn audience() -> impl clap::builder::TypedValueParser<Value = Audience> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new([
        PossibleValue::new("public")
            .help("Anyone: NDA entries and SoA justifications are withheld"),
        PossibleValue::new("nda").help("A buyer under NDA: confidential entries may be used"),
    ])
    .map(|s| match s.as_str() {
        "nda" => Audience::Nda,
        _ => Audience::Public,
    })
}

#[derive(Subcommand, Debug)]
pub enum SoaCommand {
    /// Read an SoA spreadsheet into mappings/soa.toml: columns found by their labels,
    /// the rows of each control merged, the 2022 id taken from the title text
    #[command(
        after_help = "Examples:\n  qfill soa import 'ISO 27001 SOA.xlsx'\n  qfill soa import soa.xlsx -o my-kit/mappings/soa.toml --force\n  qfill soa import soa.xlsx --sheet SOA --control-col C --applicable-col E --implemented-col I --json"
    )]
    Import(SoaImportArgs),
    /// Write the SoA of the mappings as a spreadsheet
    #[command(after_help = "Example:\n  qfill soa export --mappings my-kit/mappings -o soa.xlsx")]
    Export(SoaExportArgs),
}

#[derive(Args, Debug)]
pub struct SoaImportArgs {
    /// The SoA spreadsheet (xlsx, xls, ods, csv)
    pub input: PathBuf,
    /// The mappings folder for soa.toml, or the file to write (a name ending in .toml)
    #[arg(short, long, value_name = "DIR|FILE.toml", default_value = "mappings")]
    pub out: PathBuf,
    /// Replace the soa.toml if it exists
    #[arg(long)]
    pub force: bool,
    /// Print what was read as JSON
    #[arg(long)]
    pub json: bool,
    /// The sheet that holds the SoA (default: the first whose labels fit)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The header row (1-based)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub header_row: Option<u32>,
    /// The column with the 2022 control id or "id: title" (letter or number)
    #[arg(long, value_name = "COL", value_parser = column)]
    pub control_col: Option<u32>,
    /// The column saying whether the control applies (Y/N)
    #[arg(long, value_name = "COL", value_parser = column)]
    pub applicable_col: Option<u32>,
    /// The column saying how far it is implemented (Full, Partial, Not at all)
    #[arg(long, value_name = "COL", value_parser = column)]
    pub implemented_col: Option<u32>,
    /// The column with the justification
    #[arg(long, value_name = "COL", value_parser = column)]
    pub justification_col: Option<u32>,
}

#[derive(Args, Debug)]
pub struct SoaExportArgs {
    /// Mappings folder (default: ./mappings if present, else built-in)
    #[arg(long, value_name = "DIR")]
    pub mappings: Option<PathBuf>,
    /// The folder for soa.xlsx, or the spreadsheet to write (a name ending in .xlsx)
    #[arg(short, long, value_name = "DIR|FILE.xlsx")]
    pub out: PathBuf,
    /// Replace it if it exists
    #[arg(long)]
    pub force: bool,
}

/// A column as a letter (`C`) or a 1-based number (`3`), 0-based.
fn column(text: &str) -> Result<u32, String> {
    crate::ingest::parse_col(text)
}
