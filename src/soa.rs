//! A company's Statement of Applicability from its own spreadsheet, into
//! `mappings/soa.toml`, and back out as a spreadsheet.
//!
//! Real SoAs are kept for auditors, not for tools: 2013 and 2022 ids side by
//! side, 2022 ids stored as numbers (`5.10` reads `5.1`, so the true id is in
//! the title text), one row per mapped 2013 control, and words such as
//! "Applicable (N or Y)" and "Implemented (Full, Partial, Not at all)".

use crate::ingest::Sheet;
use crate::mappings::SoaStatus;
use crate::mappings::annex_a::{self, CONTROLS};
use crate::model::ControlId;
use regex::Regex;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Where the SoA's columns are (0-based), found by their labels or given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Columns {
    pub header_row: u32,
    /// The 2022 control: its id, or its id and title ("5.10: Acceptable use …").
    pub control: u32,
    /// Another column with the 2022 title, when the id column holds numbers.
    pub title: Option<u32>,
    pub applicable: Option<u32>,
    pub implemented: Option<u32>,
    pub justification: Option<u32>,
    /// A separate "Justification for Exclusion", used for excluded controls.
    pub exclusion: Option<u32>,
}

/// Overrides for columns the labels do not name (1-based as people count, converted by the caller).
#[derive(Debug, Clone, Copy, Default)]
pub struct Given {
    pub header_row: Option<u32>,
    pub control: Option<u32>,
    pub applicable: Option<u32>,
    pub implemented: Option<u32>,
    pub justification: Option<u32>,
}

/// One control as the SoA decides it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decided {
    pub id: ControlId,
    pub applicable: bool,
    pub status: SoaStatus,
    pub justification: String,
    /// 1-based rows it was read from.
    #[serde(skip)]
    pub rows: Vec<u32>,
}

/// What the import read, for people and for `--json`.
#[derive(Debug, Default, Serialize)]
pub struct Imported {
    pub sheet: String,
    pub controls: Vec<Decided>,
    /// Annex A controls the SoA has no row for.
    pub missing: Vec<ControlId>,
    /// Rows with text in the control column that name no Annex A (2022) control.
    pub unknown: Vec<(u32, String)>,
    /// Applicable controls whose Implemented cells were all empty or
    /// unreadable: an SoA that lists a control as applicable, without a
    /// separate column for progress, declares it in place; taken as `implemented`.
    pub unstated: Vec<(u32, ControlId)>,
}

impl Imported {
    pub fn count(&self, status: SoaStatus) -> usize {
        self.controls.iter().filter(|c| c.status == status).count()
    }
}

static ID_IN_TEXT: LazyLock<Regex> =
    LazyLock::new(|| crate::text::static_regex(r"^\s*(?:A\.?\s*)?([5-8])\.(\d{1,2})(?:\D|$)"));

fn words(label: &str) -> String {
    label.to_lowercase()
}

/// Finds the header row and columns by their labels, within the first 20 rows.
pub fn find_columns(sheet: &Sheet, given: &Given) -> Option<Columns> {
    let rows = given
        .header_row
        .map_or_else(|| (0..sheet.height().min(20)).collect(), |r| vec![r]);
    rows.into_iter().find_map(|h| {
        let label = |c: u32| words(&sheet.text(h, c));
        let find = |pred: &dyn Fn(&str) -> bool| (0..sheet.width()).find(|&c| pred(&label(c)));
        let control = given.control.or_else(|| {
            find(&|l| l.contains("2022") && (l.contains("control") || l.contains("id")))
                .or_else(|| find(&|l| l.contains("control") && !l.contains("2013")))
        })?;
        // A title beside a numeric id column: the first column after it whose cells start with an id.
        let title = (control + 1..sheet.width().min(control + 3)).find(|&c| {
            (h + 1..sheet.height().min(h + 30))
                .any(|r| ID_IN_TEXT.is_match(&sheet.text(r, c)) && sheet.text(r, c).contains(':'))
        });
        let applicable = given
            .applicable
            .or_else(|| find(&|l| l.contains("applicab")));
        let implemented = given
            .implemented
            .or_else(|| find(&|l| l.contains("implement") || l.contains("status")));
        let exclusion = find(&|l| l.contains("exclusion"));
        let justification = given.justification.or_else(|| {
            find(&|l| {
                (l.contains("justification") || l.contains("reason")) && !l.contains("exclusion")
            })
        });
        (applicable.is_some() || implemented.is_some()).then_some(Columns {
            header_row: h,
            control,
            title,
            applicable,
            implemented,
            justification,
            exclusion,
        })
    })
}

/// The 2022 control a row names: from the title text when it holds the id
/// (the id column may have lost a trailing zero), else from the id column.
fn control_of(sheet: &Sheet, r: u32, cols: &Columns) -> Result<Option<ControlId>, String> {
    let from_text = |t: &str| {
        ID_IN_TEXT
            .captures(t)
            .and_then(|c| format!("A.{}.{}", &c[1], &c[2]).parse::<ControlId>().ok())
    };
    let title = cols.title.map(|c| sheet.text(r, c)).unwrap_or_default();
    let control = sheet.text(r, cols.control);
    if let Some(id) = from_text(&title).or_else(|| from_text(&control)) {
        return Ok(Some(id));
    }
    let text = if control.trim().is_empty() {
        title
    } else {
        control
    };
    if text.trim().is_empty() || text.to_lowercase().contains("new control") && text.len() < 20 {
        return Ok(None);
    }
    Err(text)
}

fn applicable_of(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "y" | "yes" | "applicable" | "true" | "1" | "x" => Some(true),
        "n" | "no" | "not applicable" | "n/a" | "na" | "false" | "0" | "excluded" => Some(false),
        _ => None,
    }
}

fn implemented_of(text: &str) -> Option<SoaStatus> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "full" | "fully" | "yes" | "y" | "implemented" | "complete" | "done" => {
            Some(SoaStatus::Implemented)
        }
        "partial" | "partially" | "in progress" => Some(SoaStatus::Partial),
        "not at all" | "no" | "n" | "planned" | "not implemented" | "none" => {
            Some(SoaStatus::Planned)
        }
        _ if t.starts_with("partial") => Some(SoaStatus::Partial),
        _ if t.starts_with("full") => Some(SoaStatus::Implemented),
        _ if t.starts_with("not") => Some(SoaStatus::Planned),
        _ => None,
    }
}

/// Reads the SoA from a sheet: one decision per control, its rows merged.
/// A control is applicable when any of its rows says so; it is implemented
/// only when every applicable row says Full, planned when none has started,
/// partial otherwise.
pub fn read(sheet: &Sheet, cols: &Columns) -> Imported {
    let mut out = Imported {
        sheet: sheet.name.clone(),
        ..Imported::default()
    };
    struct Acc {
        rows: Vec<u32>,
        applicable: Vec<bool>,
        statuses: Vec<Option<SoaStatus>>,
        justification: Vec<String>,
        exclusion: Vec<String>,
    }
    let mut by_id: BTreeMap<ControlId, Acc> = BTreeMap::new();
    for r in cols.header_row + 1..sheet.height() {
        let id = match control_of(sheet, r, cols) {
            Ok(Some(id)) => id,
            Ok(None) => continue,
            Err(text) => {
                out.unknown.push((r + 1, text.chars().take(80).collect()));
                continue;
            }
        };
        let acc = by_id.entry(id).or_insert(Acc {
            rows: Vec::new(),
            applicable: Vec::new(),
            statuses: Vec::new(),
            justification: Vec::new(),
            exclusion: Vec::new(),
        });
        acc.rows.push(r + 1);
        let applicable = cols
            .applicable
            .and_then(|c| applicable_of(&sheet.text(r, c)))
            .unwrap_or(true);
        acc.applicable.push(applicable);
        if applicable {
            acc.statuses.push(
                cols.implemented
                    .and_then(|c| implemented_of(&sheet.text(r, c))),
            );
        }
        let keep = |col: Option<u32>, into: &mut Vec<String>| {
            if let Some(c) = col {
                let j = sheet
                    .text(r, c)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                if !j.is_empty() && !into.contains(&j) {
                    into.push(j);
                }
            }
        };
        keep(cols.justification, &mut acc.justification);
        keep(cols.exclusion, &mut acc.exclusion);
    }
    for (id, acc) in by_id {
        let applicable = acc.applicable.iter().any(|a| *a);
        let status = if !applicable {
            SoaStatus::Excluded
        } else {
            let known: Vec<SoaStatus> = acc.statuses.iter().flatten().copied().collect();
            if known.is_empty() {
                out.unstated.push((acc.rows[0], id));
            }
            if known.iter().all(|s| *s == SoaStatus::Implemented) {
                SoaStatus::Implemented
            } else if known.iter().all(|s| *s == SoaStatus::Planned) {
                SoaStatus::Planned
            } else {
                SoaStatus::Partial
            }
        };
        out.controls.push(Decided {
            id,
            applicable,
            status,
            justification: if !applicable && !acc.exclusion.is_empty() {
                acc.exclusion.join(" ")
            } else {
                acc.justification.join(" ")
            },
            rows: acc.rows,
        });
    }
    out.missing = CONTROLS
        .iter()
        .map(|c| c.id)
        .filter(|id| !out.controls.iter().any(|d| d.id == *id))
        .collect();
    out
}

/// `mappings/soa.toml` for the decisions, each control under its title.
pub fn to_toml(imported: &Imported, source: &str) -> String {
    #[derive(Serialize)]
    struct Control<'a> {
        id: ControlId,
        applicable: bool,
        status: SoaStatus,
        justification: &'a str,
    }
    #[derive(Serialize)]
    struct One<'a> {
        control: [Control<'a>; 1],
    }
    let mut out = format!(
        "# Statement of Applicability, imported by `qfill soa import` from {}.\n\
         # Confidential: justifications reach only an `nda` audience.\n",
        serde_json::to_string(source).unwrap_or_default()
    );
    for d in &imported.controls {
        let title = annex_a::lookup(d.id).map_or("", |c| c.title);
        out.push_str(&format!("\n# {} {title}\n", d.id));
        let one = One {
            control: [Control {
                id: d.id,
                applicable: d.applicable,
                status: d.status,
                justification: &d.justification,
            }],
        };
        out.push_str(&toml::to_string(&one).unwrap_or_default());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet::from_rows("SOA", rows)
    }

    #[test]
    fn lossy_numeric_ids_and_repeated_rows_are_read_right() {
        let s = sheet(&[
            &[
                "2013",
                "2022",
                "Control",
                "Applicable (N or Y)",
                "Justification",
                "Implemented (Full, Partial, Not at all)",
            ],
            &[
                "A.8.1.3",
                "5.1",
                "5.10: Acceptable use of information",
                "Y",
                "Needed.",
                "Full",
            ],
            &[
                "A.8.2.3",
                "5.1",
                "5.10: Acceptable use of information",
                "Y",
                "Needed.",
                "Partial",
            ],
            &[
                "A.5.1.1",
                "5.1",
                "5.1: Policies for information security",
                "Y",
                "Policy.",
                "Full",
            ],
            &[
                "A.11.1.6",
                "7.2",
                "7.2: Physical entry",
                "N",
                "No offices.",
                "",
            ],
            &["", "", "(New control)", "", "", ""],
            &["X.1", "9.9", "9.9: Not a control", "Y", "", "Full"],
        ]);
        let cols = find_columns(&s, &Given::default()).unwrap();
        let got = read(&s, &cols);
        let get = |id: &str| {
            got.controls
                .iter()
                .find(|c| c.id == id.parse().unwrap())
                .unwrap()
        };
        assert_eq!(get("A.5.10").status, SoaStatus::Partial);
        assert_eq!(get("A.5.10").rows, vec![2, 3]);
        assert_eq!(get("A.5.1").status, SoaStatus::Implemented);
        assert_eq!(get("A.7.2").status, SoaStatus::Excluded);
        assert!(!get("A.7.2").applicable);
        assert_eq!(got.controls.len(), 3);
        assert_eq!(got.unknown.len(), 1, "{:?}", got.unknown);
        assert_eq!(got.missing.len(), 90);
        let toml_text = to_toml(&got, "soa.xlsx");
        let back: crate::mappings::Soa = toml::from_str(&toml_text).unwrap();
        assert_eq!(back.control.len(), 3);
    }
}
