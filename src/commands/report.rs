//! `qfill report NAME.json`: the boundary report of one filled questionnaire.

use crate::cli::ReportArgs;
use crate::settings::Sources;
use crate::write::{self, Output, html, json};
use anyhow::Result;
use std::path::PathBuf;

pub fn run(args: &ReportArgs) -> Result<()> {
    let report = json::read(&args.json)?;
    let (bank, mappings) =
        Sources::resolve(args.bank.as_deref(), args.mappings.as_deref()).load()?;
    if bank.version != report.bank_version {
        crate::say!(
            "note: {} was filled from another version of the bank; a public page shows an answer only while its entry is still public",
            args.json.display()
        );
    }
    let page = html::render(&report, &mappings, &bank, args.audience);
    let path = page_path(args);
    write::write_all(
        &[Output {
            path: path.clone(),
            bytes: page.into_bytes(),
        }],
        &args.json,
        args.force,
    )?;
    crate::say!(
        "{}: {} questions -> {}",
        args.json.display(),
        report.questions.len(),
        path.display()
    );
    Ok(())
}

/// `NAME.report.html` (`NAME.public.html` for the buyer) beside the JSON, or in `-o DIR`.
fn page_path(args: &ReportArgs) -> PathBuf {
    let suffix = match args.audience {
        html::ReportAudience::Internal => "report.html",
        html::ReportAudience::Public => "public.html",
    };
    write::output_path(&args.json, args.out_dir.as_deref(), suffix)
}
