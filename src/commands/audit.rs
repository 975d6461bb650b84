//! `qfill audit PATH...`: the answers already sent, checked against each
//! other and against the bank today.

use crate::audit::{self, Finding, Given, Kind};
use crate::cli::AuditArgs;
use crate::harvest::{Approved, harvested_answer, same_question};
use crate::ingest::{self, Limits};
use crate::matching::Signals;
use crate::model::Status;
use crate::pipeline::Loaded;
use crate::settings::MatchSettings;
use crate::write::rebuild::clip;
use crate::write::{json, review, write_atomic};
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn run(args: &AuditArgs) -> Result<bool> {
    let files = collect(&args.paths)?;
    if files.is_empty() {
        return Err(crate::cli::UsageError(format!(
            "no filled workbook, review workbook or fill JSON in {}",
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into());
    }
    let loaded = MatchSettings::from(&args.bank).load()?;
    let limits = args.limits.limits();
    let mut given = Vec::new();
    let mut unread = Vec::new();
    for f in &files {
        match answers_in(f, &loaded, &limits) {
            Ok(mut g) => given.append(&mut g),
            Err(e) => {
                let msg: Vec<String> = e.chain().map(ToString::to_string).collect();
                crate::say!("warning: {}: {}; not audited", f.display(), msg.join(": "));
                unread.push(f.clone());
            }
        }
    }
    let findings = audit::audit(&given, &loaded.bank, args.staleness.staleness());
    if let Some(path) = &args.xlsx {
        if path.exists() && !args.force {
            anyhow::bail!(
                "{}: already exists; pass --force to replace it",
                path.display()
            );
        }
        write_atomic(path, &findings_xlsx(&findings, &given)?)?;
    }
    if args.json {
        let report = JsonAudit {
            files: files.iter().map(|f| f.display().to_string()).collect(),
            unread: unread.iter().map(|f| f.display().to_string()).collect(),
            answers: given.len(),
            findings: findings
                .iter()
                .map(|f| JsonFinding {
                    finding: f,
                    places: f.places.iter().map(|&i| &given[i]).collect(),
                })
                .collect(),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", table(&findings, &given));
    }
    crate::say!("{}", summary(files.len(), given.len(), &findings));
    let failing = findings
        .iter()
        .any(|f| f.kind.is_error() || args.deny_warnings);
    Ok(!failing && unread.is_empty())
}

#[derive(Serialize)]
struct JsonAudit<'a> {
    files: Vec<String>,
    unread: Vec<String>,
    answers: usize,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    places: Vec<&'a Given>,
}

/// What one file says was sent: a review workbook's accepted answers, a
/// fill report's confident and kept ones, a filled workbook's answer cells.
fn answers_in(path: &Path, loaded: &Loaded, limits: &Limits) -> Result<Vec<Given>> {
    let file = path.display().to_string();
    if is_json(path) {
        let report = json::read(path)?;
        return Ok(report
            .questions
            .into_iter()
            .filter(|q| matches!(q.status, Status::Auto | Status::Kept))
            .filter_map(|q| {
                Some(Given {
                    file: file.clone(),
                    sheet: q.sheet,
                    row: q.row,
                    question: q.question,
                    answer: q.answer.filter(|a| !a.trim().is_empty())?,
                    bank_id: q.bank_id,
                    inferred: q.status == Status::Kept,
                })
            })
            .collect());
    }
    let book = ingest::read(path, limits)?;
    if review::is_review(&book) {
        let rows = review::from_book(&book)?.rows;
        return Ok(rows
            .into_iter()
            .filter(|r| (r.status.accepted() || r.status == review::Decision::Kept) && !r.withheld)
            .filter(|r| !r.answer.trim().is_empty())
            .map(|r| Given {
                file: file.clone(),
                sheet: r.sheet,
                row: r.row,
                question: r.question,
                inferred: r.status == review::Decision::Kept,
                answer: r.answer,
                bank_id: r.bank_id,
            })
            .collect());
    }
    let questions: Vec<ingest::Question> = ingest::detect(&book, &Default::default())
        .into_iter()
        .flat_map(|l| l.questions)
        .collect();
    let answered: Vec<(&ingest::Question, String)> = questions
        .iter()
        .filter_map(|q| harvested_answer(&book, q).map(|(a, _)| (q, a)))
        .collect();
    // The entry each answer came from is not written in a buyer's workbook:
    // it is the one the matcher would answer the question with unreviewed.
    let texts: Vec<&str> = answered.iter().map(|(q, _)| q.text.as_str()).collect();
    let encoded = loaded.matcher.encode_questions(&texts, Signals::Both)?;
    let approved = Approved {
        bank: &loaded.bank,
        matcher: &loaded.matcher,
    };
    Ok(answered
        .iter()
        .enumerate()
        .map(|(i, (q, answer))| {
            let entry = same_question(&approved, encoded.query(i, &q.text));
            Given {
                file: file.clone(),
                sheet: q.sheet.clone(),
                row: q.row1(),
                question: q.text.clone(),
                answer: answer.clone(),
                bank_id: entry.map(|e| loaded.bank.entries[e].id.clone()),
                inferred: true,
            }
        })
        .collect())
}

fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The files to audit, folders searched recursively. One questionnaire's
/// outputs sit side by side (NAME.review.xlsx, NAME.json, NAME.filled.xlsx
/// and NAME.xlsx itself): only the one that knows most is read, the review
/// workbook (what reviewers decided), else the JSON, else the filled copy.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut all = Vec::new();
    for p in paths {
        if p.is_dir() {
            for entry in walkdir::WalkDir::new(p).sort_by_file_name() {
                let entry =
                    entry.with_context(|| format!("{}: cannot list the folder", p.display()))?;
                if entry.file_type().is_file() && auditable(entry.path()) {
                    all.push(entry.into_path());
                }
            }
        } else if p.exists() {
            all.push(p.clone());
        } else {
            anyhow::bail!("{}: no such file or folder", p.display());
        }
    }
    all.sort();
    all.dedup();
    let mut best: BTreeMap<(PathBuf, String), (u8, PathBuf)> = BTreeMap::new();
    for path in all {
        let (stem, rank) = family(&path);
        let key = (
            path.parent().map(Path::to_path_buf).unwrap_or_default(),
            stem,
        );
        if best.get(&key).is_none_or(|(r, _)| rank > *r) {
            best.insert(key, (rank, path));
        }
    }
    Ok(best.into_values().map(|(_, p)| p).collect())
}

/// A fill report or a questionnaire (filled or not), by its name.
fn auditable(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let json_or_questionnaire = ["json"].into_iter().chain(crate::ingest::EXTENSIONS);
    crate::ingest::is_readable_name(&name, &json_or_questionnaire.collect::<Vec<_>>())
        && !name.starts_with("backlog.")
}

/// A file's questionnaire (its stem without qfill's suffixes) and how much
/// it knows of what was sent.
fn family(path: &Path) -> (String, u8) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(s) = stem.strip_suffix(".review") {
        return (s.to_string(), 3);
    }
    if is_json(path) {
        return (stem, 2);
    }
    match stem.strip_suffix(".filled") {
        Some(s) => (s.to_string(), 1),
        None => (stem, 0),
    }
}

/// The findings for people: one block each, its places indented.
fn table(findings: &[Finding], given: &[Given]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!("{:<8}  {}\n", f.kind.as_str(), f.message));
        for &i in &f.places {
            let g = &given[i];
            out.push_str(&format!(
                "          {}  sheet `{}` row {}: {}\n",
                g.file,
                g.sheet,
                g.row,
                audit::preview(&g.answer)
            ));
        }
    }
    crate::messages::visible(&out).into_owned()
}

fn summary(files: usize, answers: usize, findings: &[Finding]) -> String {
    let count = |k: Kind| findings.iter().filter(|f| f.kind == k).count();
    let parts: Vec<String> = [Kind::Conflict, Kind::Drift, Kind::Removed, Kind::Stale]
        .iter()
        .map(|&k| format!("{} {}", count(k), k.as_str()))
        .collect();
    format!(
        "audited {answers} answers in {files} files: {}",
        parts.join(", ")
    )
}

/// The findings as a workbook: one row per place.
fn findings_xlsx(findings: &[Finding], given: &[Given]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    book.set_properties(&crate::write::rebuild::fixed_properties());
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    ws.set_name("Findings")?;
    let headers = [
        "Kind", "Bank ID", "Finding", "File", "Sheet", "Row", "Question", "Answer",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let mut r = 1u32;
    for f in findings {
        for &i in &f.places {
            let g = &given[i];
            ws.write_string(r, 0, f.kind.as_str())?;
            ws.write_string(r, 1, clip(f.bank_id.as_deref().unwrap_or("")))?;
            ws.write_string(r, 2, clip(&f.message))?;
            ws.write_string(r, 3, clip(&g.file))?;
            ws.write_string(r, 4, clip(&g.sheet))?;
            ws.write_number(r, 5, f64::from(g.row))?;
            ws.write_string(r, 6, clip(&g.question))?;
            ws.write_string(r, 7, clip(&g.answer))?;
            r += 1;
        }
    }
    ws.autofilter(0, 0, r.saturating_sub(1).max(1), headers.len() as u16 - 1)?;
    ws.set_freeze_panes(1, 0)?;
    for (c, w) in [(2u16, 50.0), (3, 30.0), (6, 50.0), (7, 60.0)] {
        ws.set_column_width(c, w)?;
    }
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_questionnaire_is_read_once_from_what_knows_most() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "acme.xlsx",
            "acme.filled.xlsx",
            "acme.json",
            "acme.review.xlsx",
            "globex.filled.xlsx",
            "globex.xlsx",
            "~$lock.xlsx",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let files = collect(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["acme.review.xlsx", "globex.filled.xlsx"]);
    }
}
