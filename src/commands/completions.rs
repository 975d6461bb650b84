//! `qfill completions SHELL` and `qfill man`: generated from the same
//! command-line definition as `--help`, so they never drift from it.

use crate::cli::{Cli, CompletionsArgs};
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;

pub fn completions(args: &CompletionsArgs) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "qfill", &mut out);
    print(&out)
}

pub fn man() -> Result<()> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .context("cannot render the manual page")?;
    print(&out)
}

fn print(bytes: &[u8]) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to standard output")
}
