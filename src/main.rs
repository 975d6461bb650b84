//! qfill: answer security questionnaires from an approved answer bank.
//!
//! The pipeline reads as the module tree: ingest → classify → matching →
//! compose → write, with one module per subcommand under `commands`.

mod bank;
mod classify;
mod cli;
mod commands;
mod compose;
mod ingest;
mod mappings;
mod matching;
mod model;
mod pipeline;
mod source;
mod write;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match &cli.command {
        cli::Command::Fill(a) => commands::fill::run(a),
        cli::Command::Init(a) => commands::init::run(a),
        cli::Command::Search(a) => commands::search::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the cause chain joined, most specific last.
            let msg: Vec<String> = e.chain().map(ToString::to_string).collect();
            eprintln!("error: {}", msg.join(": "));
            ExitCode::from(1)
        }
    }
}
