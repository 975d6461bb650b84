//! `qfill soa import SOA.xlsx` and `qfill soa export`: the company's own
//! Statement of Applicability spreadsheet in and out of `mappings/soa.toml`.

use crate::cli::{SoaCommand, SoaExportArgs, SoaImportArgs, UsageError};
use crate::ingest::{self, Limits};
use crate::mappings::{Mappings, SoaStatus};
use crate::settings::Sources;
use crate::soa::{self, Given, Imported};
use crate::write::{Output, write_all};
use anyhow::{Result, anyhow, bail};
use serde::Serialize;

pub fn run(c: &SoaCommand) -> Result<()> {
    match c {
        SoaCommand::Import(a) => import(a),
        SoaCommand::Export(a) => export(a),
    }
}

fn import(args: &SoaImportArgs) -> Result<()> {
    let book = ingest::read(&args.input, &Limits::default())?;
    let name = args.input.display().to_string();
    if let Some(wanted) = &args.sheet
        && !book
            .sheets
            .iter()
            .any(|s| s.name.eq_ignore_ascii_case(wanted))
    {
        let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
        return Err(UsageError(format!(
            "{name}: no sheet is named `{wanted}` (--sheet); its sheets are: {}",
            names.join(", ")
        ))
        .into());
    }
    let given = Given {
        header_row: args.header_row.map(|r| r - 1),
        control: args.control_col,
        applicable: args.applicable_col,
        implemented: args.implemented_col,
        justification: args.justification_col,
    };
    let found = book
        .sheets
        .iter()
        .filter(|s| {
            args.sheet
                .as_ref()
                .is_none_or(|w| s.name.eq_ignore_ascii_case(w))
        })
        .find_map(|s| soa::find_columns(s, &given).map(|c| (s, c)));
    let Some((sheet, cols)) = found else {
        bail!(
            "{name}: no sheet has an SoA's columns (a 2022 control, and Applicable or Implemented); name them with --control-col, --applicable-col and --implemented-col"
        );
    };
    let imported = soa::read(sheet, &cols);
    if imported.controls.is_empty() {
        bail!(
            "{name}: sheet `{}`: no row names an ISO/IEC 27001:2022 Annex A control; name the column with --control-col",
            sheet.name
        );
    }
    let source = args
        .input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = soa::to_toml(&imported, &source);
    // What was written must load as mappings before it replaces anything.
    toml::from_str::<crate::mappings::Soa>(&text)
        .map_err(|e| anyhow!("the imported SoA does not read back: {e}"))?;
    let out = crate::write::file_in(&args.out, "soa.toml");
    write_all(
        &[Output {
            path: out.clone(),
            bytes: text.into_bytes(),
        }],
        &args.input,
        args.force,
    )?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&Report::of(&imported, &name))?
        );
    } else {
        crate::say!("{}", summary(&imported, &name, &out.display().to_string()));
    }
    Ok(())
}

#[derive(Serialize)]
struct Report<'a> {
    file: &'a str,
    sheet: &'a str,
    controls: usize,
    applicable: usize,
    excluded: usize,
    implemented: usize,
    partial: usize,
    planned: usize,
    missing: Vec<String>,
    unknown: Vec<Place>,
    implemented_unstated: Vec<Place>,
    decisions: &'a [soa::Decided],
}

#[derive(Serialize)]
struct Place {
    row: u32,
    text: String,
}

impl<'a> Report<'a> {
    fn of(i: &'a Imported, file: &'a str) -> Report<'a> {
        Report {
            file,
            sheet: &i.sheet,
            controls: i.controls.len(),
            applicable: i.controls.iter().filter(|c| c.applicable).count(),
            excluded: i.count(SoaStatus::Excluded),
            implemented: i.count(SoaStatus::Implemented),
            partial: i.count(SoaStatus::Partial),
            planned: i.count(SoaStatus::Planned),
            missing: i.missing.iter().map(ToString::to_string).collect(),
            unknown: i
                .unknown
                .iter()
                .map(|(row, text)| Place {
                    row: *row,
                    text: text.clone(),
                })
                .collect(),
            implemented_unstated: i
                .unstated
                .iter()
                .map(|(row, id)| Place {
                    row: *row,
                    text: id.to_string(),
                })
                .collect(),
            decisions: &i.controls,
        }
    }
}

/// What was read, for people: counts, then anything to check, with places.
fn summary(i: &Imported, file: &str, out: &str) -> String {
    let r = Report::of(i, file);
    let mut s = format!(
        "{file}: sheet `{}`: {} of 93 Annex A controls: {} applicable ({} implemented, {} partial, {} planned), {} excluded -> {out}",
        r.sheet, r.controls, r.applicable, r.implemented, r.partial, r.planned, r.excluded
    );
    if !r.missing.is_empty() {
        s.push_str(&format!("\n  missing (no row): {}", r.missing.join(", ")));
    }
    for p in &r.unknown {
        s.push_str(&format!(
            "\n  {file}: sheet `{}` row {}: `{}` is not an ISO/IEC 27001:2022 control; skipped",
            r.sheet, p.row, p.text
        ));
    }
    if !r.implemented_unstated.is_empty() {
        let places: Vec<String> = r
            .implemented_unstated
            .iter()
            .take(10)
            .map(|p| format!("{} (row {})", p.text, p.row))
            .collect();
        let more = r.implemented_unstated.len().saturating_sub(10);
        s.push_str(&format!(
            "\n  {} applicable controls do not say how far they are implemented; taken as implemented (name the column with --implemented-col if your SoA has one): {}{}",
            r.implemented_unstated.len(),
            places.join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() }
        ));
    }
    s
}

fn export(args: &SoaExportArgs) -> Result<()> {
    // Resolved as every command does: the folder named, else ./mappings,
    // else the built-in ones that go with the bank in use.
    let mappings = Sources::resolve(None, args.mappings.as_deref())
        .mappings
        .load()?;
    let bytes = soa_xlsx(&mappings)?;
    let out = Output {
        path: crate::write::file_in(&args.out, "soa.xlsx"),
        bytes,
    };
    write_all(
        std::slice::from_ref(&out),
        std::path::Path::new(""),
        args.force,
    )?;
    crate::say!(
        "wrote {} controls to {}",
        mappings.soa.control.len(),
        out.path.display()
    );
    Ok(())
}

/// The SoA as a spreadsheet that `soa import` reads back.
fn soa_xlsx(m: &Mappings) -> Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("SoA")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let headers = [
        "ISO/IEC 27001:2022 Control",
        "Title",
        "Applicable (N or Y)",
        "Implemented (Full, Partial, Not at all)",
        "Justification",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, c) in m.soa.control.iter().enumerate() {
        let r = i as u32 + 1;
        let title = crate::mappings::annex_a::lookup(c.id).map_or("", |a| a.title);
        ws.write_string(r, 0, c.id.to_string())?;
        ws.write_string(r, 1, title)?;
        ws.write_string(r, 2, if c.applicable { "Y" } else { "N" })?;
        let implemented = match c.status {
            SoaStatus::Implemented => "Full",
            SoaStatus::Partial => "Partial",
            SoaStatus::Planned => "Not at all",
            SoaStatus::Excluded => "",
        };
        ws.write_string(r, 3, implemented)?;
        ws.write_string(r, 4, &c.justification)?;
    }
    ws.set_column_width(1, 50)?;
    ws.set_column_width(4, 80)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(book.save_to_buffer()?)
}
