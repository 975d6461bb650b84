//! The bank as data for people who curate it: coverage of the SoA, and the
//! round trip to a spreadsheet for reviewers who do not use git.

use crate::bank::{Bank, Entry};
use crate::mappings::{Mappings, annex_a};
use crate::model::{Circle, ControlId, Visibility};
use anyhow::{Context, Result, anyhow, bail};
use rust_xlsxwriter::{DataValidation, Format, Workbook};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the bank evidences, and what it leaves alone.
#[derive(Debug, Serialize)]
pub struct Coverage {
    pub entries: usize,
    /// Applicable controls of the SoA that no entry cites.
    pub uncovered_controls: Vec<UncoveredControl>,
    pub by_circle: BTreeMap<String, usize>,
    /// Entries by the Annex A theme of the controls they cite (`none` without controls).
    pub by_theme: BTreeMap<String, usize>,
    pub by_owner: BTreeMap<String, OwnerStats>,
}

#[derive(Debug, Serialize)]
pub struct UncoveredControl {
    pub id: ControlId,
    pub title: &'static str,
}

#[derive(Debug, Default, Serialize)]
pub struct OwnerStats {
    pub entries: usize,
    /// Entries reviewed longer ago than the maximum age, or never.
    pub stale: usize,
    pub oldest_review: Option<String>,
}

pub fn coverage(bank: &Bank, m: &Mappings, staleness: crate::bank::Staleness) -> Coverage {
    let cited: std::collections::HashSet<ControlId> = bank
        .entries
        .iter()
        .flat_map(|e| e.controls.iter().copied())
        .collect();
    let uncovered_controls = m
        .soa
        .control
        .iter()
        .filter(|c| c.applicable && !cited.contains(&c.id))
        .map(|c| UncoveredControl {
            id: c.id,
            title: annex_a::lookup(c.id).map_or("", |a| a.title),
        })
        .collect();
    let mut by_circle: BTreeMap<String, usize> =
        Circle::ALL.iter().map(|c| (c.to_string(), 0)).collect();
    let mut by_theme: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_owner: BTreeMap<String, OwnerStats> = BTreeMap::new();
    for e in &bank.entries {
        *by_circle.entry(e.circle.to_string()).or_default() += 1;
        let mut themes: Vec<&str> = e.controls.iter().map(|c| c.theme().as_str()).collect();
        themes.sort_unstable();
        themes.dedup();
        if themes.is_empty() {
            themes.push("none");
        }
        for t in themes {
            *by_theme.entry(t.to_string()).or_default() += 1;
        }
        let owner = by_owner
            .entry(e.owner.clone().unwrap_or_else(|| "(no owner)".into()))
            .or_default();
        owner.entries += 1;
        let reviewed = e.reviewed_on();
        owner.stale += usize::from(e.stale(staleness));
        if let Some(d) = reviewed {
            let d = d.to_string();
            if owner.oldest_review.as_ref().is_none_or(|o| d < *o) {
                owner.oldest_review = Some(d);
            }
        }
    }
    Coverage {
        entries: bank.entries.len(),
        uncovered_controls,
        by_circle,
        by_theme,
        by_owner,
    }
}

/// The coverage report as a workbook: one sheet per view.
pub fn coverage_xlsx(c: &Coverage) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    book.set_properties(&crate::write::rebuild::fixed_properties());
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    ws.set_name("Uncovered controls")?;
    ws.write_string_with_format(0, 0, "Control", &bold)?;
    ws.write_string_with_format(0, 1, "Title", &bold)?;
    for (i, u) in c.uncovered_controls.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, u.id.to_string())?;
        ws.write_string(i as u32 + 1, 1, u.title)?;
    }
    ws.set_column_width(1, 60)?;
    for (name, map) in [("By circle", &c.by_circle), ("By theme", &c.by_theme)] {
        let ws = book.add_worksheet();
        ws.set_name(name)?;
        ws.write_string_with_format(0, 0, name.trim_start_matches("By ").to_string(), &bold)?;
        ws.write_string_with_format(0, 1, "Entries", &bold)?;
        for (i, (k, n)) in map.iter().enumerate() {
            ws.write_string(i as u32 + 1, 0, k)?;
            ws.write_number(i as u32 + 1, 1, *n as f64)?;
        }
    }
    let ws = book.add_worksheet();
    ws.set_name("By owner")?;
    for (col, h) in ["Owner", "Entries", "Stale", "Oldest review"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, col as u16, *h, &bold)?;
    }
    for (i, (owner, s)) in c.by_owner.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, owner)?;
        ws.write_number(r, 1, s.entries as f64)?;
        ws.write_number(r, 2, s.stale as f64)?;
        ws.write_string(r, 3, s.oldest_review.as_deref().unwrap_or(""))?;
    }
    Ok(book.save_to_buffer()?)
}

/// The export's columns, in order.
pub const EXPORT_HEADERS: [&str; 12] = [
    "File",
    "ID",
    "Circle",
    "Questions",
    "Answer",
    "Short",
    "Controls",
    "Scope",
    "Visibility",
    "Owner",
    "Reviewed",
    "Tags",
];

/// One row per entry; questions one per line; lists comma-separated; dropdowns for circle and visibility.
pub fn export_xlsx(bank: &Bank) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    book.set_properties(&crate::write::rebuild::fixed_properties());
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let ws = book.add_worksheet();
    ws.set_name("Bank")?;
    for (c, h) in EXPORT_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, e) in bank.entries.iter().enumerate() {
        let r = i as u32 + 1;
        let file = e
            .origin
            .file
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("bank.toml");
        let list = |v: Vec<String>| v.join(", ");
        let cells = [
            file.to_string(),
            e.id.clone(),
            e.circle.to_string(),
            e.questions.join("\n"),
            e.answer.clone(),
            e.short.clone().unwrap_or_default(),
            list(e.controls.iter().map(ToString::to_string).collect()),
            list(e.scope.clone()),
            if e.visibility == Visibility::Nda {
                "nda".into()
            } else {
                "public".into()
            },
            e.owner.clone().unwrap_or_default(),
            e.reviewed.map(|d| d.to_string()).unwrap_or_default(),
            list(e.tags.clone()),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, crate::write::rebuild::clip(v), &wrap)?;
        }
    }
    let last = bank.entries.len().max(1) as u32;
    ws.add_data_validation(
        1,
        2,
        last,
        2,
        &DataValidation::new().allow_list_strings(&["legal", "isms", "product"])?,
    )?;
    ws.add_data_validation(
        1,
        8,
        last,
        8,
        &DataValidation::new().allow_list_strings(&["public", "nda"])?,
    )?;
    ws.set_freeze_panes(1, 0)?;
    for (c, w) in [
        14.0, 28.0, 9.0, 60.0, 80.0, 8.0, 16.0, 20.0, 10.0, 12.0, 11.0, 24.0,
    ]
    .iter()
    .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(book.save_to_buffer()?)
}

/// An entry as written back to TOML; the field order is the bank format's.
#[derive(Serialize)]
struct TomlEntry {
    id: String,
    circle: Circle,
    questions: Vec<String>,
    answer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    short: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    controls: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scope: Vec<String>,
    #[serde(skip_serializing_if = "is_public")]
    visibility: Visibility,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reviewed: Option<toml::value::Datetime>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

/// Public is the default visibility, so the files leave it out.
fn is_public(v: &Visibility) -> bool {
    *v == Visibility::Public
}

#[derive(Serialize)]
struct TomlFile {
    entry: Vec<TomlEntry>,
}

/// Reads an exported workbook back into TOML files (file name → text).
/// `existing` gives the text of a file already in the bank folder: it is
/// edited in place, so entries that did not change keep their text, comments
/// and layout byte for byte; only changed keys, new entries and entries no
/// longer in the workbook differ.
pub fn import_xlsx(
    bytes: &[u8],
    existing: &dyn Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, String>> {
    let book = crate::ingest::read_bytes(bytes, &Default::default())?;
    let sheet = book
        .sheets
        .iter()
        .find(|s| s.name == "Bank")
        .ok_or_else(|| anyhow!("no sheet `Bank`: is this a `qfill bank export` workbook?"))?;
    let headers: Vec<String> = (0..sheet.width()).map(|c| sheet.text(0, c)).collect();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .map(|c| c as u32)
            .ok_or_else(|| anyhow!("column `{name}` is missing"))
    };
    let cols: Vec<u32> = EXPORT_HEADERS
        .iter()
        .map(|h| col(h))
        .collect::<Result<_>>()?;
    let mut files: BTreeMap<String, Vec<TomlEntry>> = BTreeMap::new();
    for r in 1..sheet.height() {
        // Keep the text as written: answers keep their paragraph breaks.
        let raw = |i: usize| match sheet.get(r, cols[i]) {
            crate::ingest::Value::Text(s) => s.clone(),
            v => v.text(),
        };
        let text = |i: usize| raw(i).trim().to_string();
        if text(1).is_empty() {
            continue;
        }
        let list = |i: usize| {
            text(i)
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        };
        let opt = |i: usize| Some(text(i)).filter(|s| !s.is_empty());
        let at = |what: &str| format!("row {}: {what}", r + 1);
        let reviewed = match opt(10) {
            Some(d) => Some(
                d.parse::<toml::value::Datetime>()
                    .map_err(|_| anyhow!(at(&format!("`{d}` is not a date (YYYY-MM-DD)"))))?,
            ),
            None => None,
        };
        let entry = TomlEntry {
            id: text(1),
            circle: text(2).parse().map_err(|e: String| anyhow!(at(&e)))?,
            questions: raw(3)
                .lines()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            answer: raw(4).trim().to_string(),
            short: opt(5),
            controls: list(6),
            scope: list(7),
            visibility: match text(8).as_str() {
                "" | "public" => Visibility::Public,
                "nda" => Visibility::Nda,
                other => bail!(at(&format!("visibility `{other}`: use public or nda"))),
            },
            owner: opt(9),
            reviewed,
            tags: list(11),
        };
        let file = match opt(0) {
            Some(name) => plain_toml_name(&name).ok_or_else(|| {
                anyhow!(at(&format!(
                    "file `{name}` is not a plain .toml file name inside the bank folder; write a name such as `access.toml`"
                )))
            })?,
            None => "imported.toml".into(),
        };
        files.entry(file).or_default().push(entry);
    }
    files
        .into_iter()
        .map(|(name, entries)| {
            let text = match existing(&name) {
                Some(old) => merge_file(&old, &entries)
                    .with_context(|| format!("{name}: cannot merge the imported entries"))?,
                None => toml::to_string(&TomlFile { entry: entries })
                    .with_context(|| format!("{name}: cannot write TOML"))?,
            };
            Ok((name, text))
        })
        .collect()
}

/// A file name from the workbook, if it stays inside the bank folder: no
/// folders, no `..`, not hidden, ending in `.toml`.
fn plain_toml_name(name: &str) -> Option<String> {
    let ok = name.ends_with(".toml")
        && name.len() > ".toml".len()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        && !name.contains("..");
    ok.then(|| name.to_string())
}

/// The entries merged into an existing bank file with `toml_edit`.
fn merge_file(existing: &str, entries: &[TomlEntry]) -> Result<String> {
    let mut doc: toml_edit::DocumentMut = existing.parse().context("the file is not valid TOML")?;
    // Through text, so that dates stay TOML dates.
    let new: Vec<toml::Table> = entries
        .iter()
        .map(|e| {
            toml::to_string(e)
                .ok()
                .and_then(|t| t.parse::<toml::Table>().ok())
        })
        .collect::<Option<_>>()
        .ok_or_else(|| anyhow!("cannot turn an entry into TOML"))?;
    let id_of = |t: &toml_edit::Table| t.get("id").and_then(|v| v.as_str()).map(str::to_string);
    let mut appended: Vec<&TomlEntry> = Vec::new();
    match doc
        .get_mut("entry")
        .and_then(toml_edit::Item::as_array_of_tables_mut)
    {
        Some(tables) => {
            let mut kept = vec![false; tables.len()];
            for (table, entry) in new.iter().zip(entries) {
                let found = tables
                    .iter()
                    .position(|t| id_of(t).as_deref() == Some(entry.id.as_str()));
                match found {
                    Some(i) => {
                        kept[i] = true;
                        if let Some(t) = tables.get_mut(i) {
                            update_table(t, table)?;
                        }
                    }
                    None => appended.push(entry),
                }
            }
            // Entries taken out of the workbook leave the file.
            for i in (0..kept.len()).rev() {
                if !kept[i] {
                    tables.remove(i);
                }
            }
        }
        None => appended.extend(entries),
    }
    let mut text = doc.to_string();
    if !appended.is_empty() {
        let entry: Vec<&TomlEntry> = appended;
        #[derive(Serialize)]
        struct Appended<'a> {
            entry: Vec<&'a TomlEntry>,
        }
        if !text.is_empty() && !text.ends_with("\n\n") {
            text.push('\n');
        }
        text.push_str(&toml::to_string(&Appended { entry }).context("cannot write TOML")?);
    }
    Ok(text)
}

/// Changes only the keys whose values changed, in place.
fn update_table(table: &mut toml_edit::Table, new: &toml::Table) -> Result<()> {
    let old_keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    for k in old_keys.iter().filter(|k| !new.contains_key(k.as_str())) {
        table.remove(k);
    }
    for (key, value) in new {
        let same = table
            .get(key)
            .and_then(|item| item.as_value())
            .and_then(value_of)
            .is_some_and(|old| normalised(key, old) == normalised(key, value.clone()));
        if !same {
            table.insert(key, item_for(key, value)?);
        }
    }
    Ok(())
}

/// A `toml_edit` value as plain TOML data.
fn value_of(v: &toml_edit::Value) -> Option<toml::Value> {
    let doc: toml::Table = format!("x = {}", v.to_string().trim()).parse().ok()?;
    doc.get("x").cloned()
}

/// Values as the bank reads them: surrounding white space does not count,
/// and an answer's line breaks inside a paragraph are only wrapping.
fn normalised(key: &str, v: toml::Value) -> toml::Value {
    match v {
        toml::Value::String(s) if key == "answer" => {
            toml::Value::String(crate::bank::normalise_answer(&s))
        }
        toml::Value::String(s) => toml::Value::String(s.trim().to_string()),
        toml::Value::Array(a) => {
            toml::Value::Array(a.into_iter().map(|x| normalised("", x)).collect())
        }
        other => other,
    }
}

/// An answer wrapped at 100 columns, paragraphs kept, as the bank files write it.
fn wrapped(answer: &str) -> String {
    crate::bank::normalise_answer(answer)
        .split("\n\n")
        .map(|p| {
            let mut lines: Vec<String> = vec![String::new()];
            for word in p.split(' ') {
                let line = lines.last_mut().expect("never empty");
                if !line.is_empty() && line.len() + 1 + word.len() > 100 {
                    lines.push(word.to_string());
                } else {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                }
            }
            lines.join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A value written the way the bank files write it: long answers as
/// multi-line strings, lists of several questions one per line.
fn item_for(key: &str, value: &toml::Value) -> Result<toml_edit::Item> {
    let literal = match value {
        toml::Value::String(s) if key == "answer" && multiline_safe(s) => {
            format!("\"\"\"\n{}\n\"\"\"", wrapped(s).replace('\\', "\\\\"))
        }
        toml::Value::Array(items) if items.len() > 1 => {
            let lines: Vec<String> = items.iter().map(|i| format!("  {i},\n")).collect();
            format!("[\n{}]", lines.concat())
        }
        other => other.to_string(),
    };
    let doc: toml_edit::DocumentMut = format!("x = {literal}\n")
        .parse()
        .context("cannot write a TOML value")?;
    doc.get("x")
        .cloned()
        .ok_or_else(|| anyhow!("cannot write a TOML value"))
}

/// A string that reads back the same between `"""` delimiters.
fn multiline_safe(s: &str) -> bool {
    !s.contains("\"\"\"")
        && !s.ends_with('"')
        && s.chars().all(|c| !c.is_control() || c == '\n' || c == '\t')
}

/// The fields that make an entry, for comparing banks.
pub fn fingerprint(e: &Entry) -> String {
    format!(
        "{}|{}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        e.id,
        e.circle,
        e.questions,
        e.answer,
        e.short,
        e.controls,
        e.scope,
        e.visibility,
        e.owner,
        e.reviewed,
        e.tags
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn staleness(today: jiff::civil::Date) -> crate::bank::Staleness {
        crate::bank::Staleness {
            today,
            max_age_days: 365,
        }
    }

    #[test]
    fn export_then_import_gives_back_the_same_bank() {
        let (bank, m) = crate::testing::builtin();
        let files = import_xlsx(&export_xlsx(&bank).unwrap(), &|_| None).unwrap();
        let sources: Vec<SourceFile> = files
            .iter()
            .map(|(n, t)| SourceFile::new(n.clone(), t.clone()))
            .collect();
        let back = Bank::load(&sources, &m).unwrap();
        let a: Vec<String> = bank.entries.iter().map(fingerprint).collect();
        let b: Vec<String> = back.entries.iter().map(fingerprint).collect();
        assert_eq!(a.len(), 94);
        let mut a_sorted = a.clone();
        let mut b_sorted = b.clone();
        a_sorted.sort();
        b_sorted.sort();
        assert_eq!(a_sorted, b_sorted);
        // Entries land in the files they came from.
        assert!(files.contains_key("certification.toml"));
    }

    #[test]
    fn coverage_counts_uncovered_controls_circles_themes_and_owners() {
        let (bank, m) = crate::testing::builtin();
        let c = coverage(&bank, &m, staleness(jiff::civil::date(2026, 11, 24)));
        assert_eq!(c.entries, 94);
        assert_eq!(c.by_circle.values().sum::<usize>(), 94);
        // A.7.1 is excluded in the SoA, so it is never reported as uncovered.
        assert!(
            c.uncovered_controls
                .iter()
                .all(|u| u.id.to_string() != "A.7.1")
        );
        assert!(
            c.uncovered_controls
                .iter()
                .any(|u| u.id.to_string() == "A.5.5"),
            "no entry cites A.5.5 contact with authorities"
        );
        assert_eq!(c.by_owner.values().map(|o| o.entries).sum::<usize>(), 94);
        assert_eq!(c.by_owner.values().map(|o| o.stale).sum::<usize>(), 0);
        let late = coverage(&bank, &m, staleness(jiff::civil::date(2028, 1, 1)));
        assert_eq!(late.by_owner.values().map(|o| o.stale).sum::<usize>(), 94);
    }
}
