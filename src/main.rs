//! The `qfill` command: parse the command line, run one subcommand, turn its
//! outcome into an exit status (0 done, 1 could not be done, 2 bad usage).

use clap::Parser;
use qfill::{cli, commands};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    qfill::ingest::install_panic_hook();
    qfill::messages::set_quiet(cli.quiet);
    let result = match &cli.command {
        cli::Command::Fill(a) => commands::fill::run(a).map(|()| true),
        cli::Command::Init(a) => commands::init::run(a).map(|()| true),
        cli::Command::Search(a) => commands::search::run(a).map(|()| true),
        // A failed --min bound is a result, not an error: exit 1 without "error:".
        cli::Command::Eval(a) => commands::eval::run(a),
        // Some files failed: the others are done, the status says so.
        cli::Command::Batch(a) => commands::batch::run(a),
        // Lint findings are a result: exit 1 without "error:" when there are errors.
        cli::Command::Bank(c) => commands::bank::run(c),
        cli::Command::Apply(a) => commands::apply::run(a).map(|()| true),
        cli::Command::Learn(a) => commands::learn::run(a).map(|()| true),
        cli::Command::Soa(c) => commands::soa::run(c).map(|()| true),
        cli::Command::Report(a) => commands::report::run(a).map(|()| true),
        // Conflicts are a result: exit 1 without "error:".
        cli::Command::Audit(a) => commands::audit::run(a),
        cli::Command::Completions(a) => commands::completions::completions(a).map(|()| true),
        cli::Command::Man => commands::completions::man().map(|()| true),
    };
    if let Err(e) = &result {
        // One line: the cause chain joined, most specific last.
        let msg: Vec<String> = e.chain().map(ToString::to_string).collect();
        qfill::alert!("error: {}", msg.join(": "));
    }
    ExitCode::from(cli::ExitStatus::of(&result).code())
}
