//! What calamine does not read from an OOXML package: the package kind
//! and the list data validations (dropdowns) of each sheet, including the
//! `x14` extension lists that point at hidden sheets.

use super::{Format, Sheet};
use std::collections::HashMap;
use std::io::{Cursor, Read};
use zip::ZipArchive;

/// A list validation: the cells it covers and the values it allows.
#[derive(Debug, Clone, PartialEq)]
pub struct ListValidation {
    /// 0-based inclusive (first_row, first_col, last_row, last_col) rectangles.
    pub ranges: Vec<(u32, u32, u32, u32)>,
    pub values: Vec<String>,
}

impl ListValidation {
    pub fn covers(&self, row: u32, col: u32) -> bool {
        self.ranges
            .iter()
            .any(|&(r0, c0, r1, c1)| (r0..=r1).contains(&row) && (c0..=c1).contains(&col))
    }
}

/// Tells xlsx, xlsm, xlsb and ods apart inside a zip container.
pub fn zip_format(bytes: &[u8]) -> Result<Format, String> {
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| "the file is corrupt or truncated (not a readable zip package)".to_string())?;
    // Read before any size check: small caps, since these parts are small.
    if let Some(mime) = read_entry_capped(&mut zip, "mimetype", 1024)
        && mime.starts_with("application/vnd.oasis.opendocument.spreadsheet")
    {
        return Ok(Format::Ods);
    }
    let types = read_entry_capped(&mut zip, "[Content_Types].xml", 4 << 20).ok_or_else(|| {
        "a zip archive, but not a spreadsheet ([Content_Types].xml is missing)".to_string()
    })?;
    if types.contains("sheet.binary.macroEnabled.main") || zip.by_name("xl/workbook.bin").is_ok() {
        Ok(Format::Xlsb)
    } else if types.contains("sheet.macroEnabled.main") {
        Ok(Format::Xlsm)
    } else if types.contains("spreadsheetml") {
        Ok(Format::Xlsx)
    } else {
        Err("a zip archive, but not a spreadsheet (no workbook part)".into())
    }
}

fn read_entry(zip: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    // Parts are read after the package passed its size check; the cap keeps
    // a part from growing past it if read before.
    read_entry_capped(zip, name, super::Limits::default().max_unzipped_bytes)
}

/// A part's text, or `None` when it is missing, not text, or larger than `cap`.
fn read_entry_capped(zip: &mut ZipArchive<Cursor<&[u8]>>, name: &str, cap: u64) -> Option<String> {
    let f = zip.by_name(name).ok()?;
    let mut s = String::new();
    f.take(cap + 1).read_to_string(&mut s).ok()?;
    (s.len() as u64 <= cap).then_some(s)
}

/// Finds each sheet's XML part: `_rels/.rels` → workbook → its rels → sheet targets.
pub fn sheet_parts(zip: &mut ZipArchive<Cursor<&[u8]>>) -> Option<Vec<(String, String)>> {
    let root_rels = read_entry(zip, "_rels/.rels")?;
    let workbook = rel_targets(&root_rels, "")
        .into_iter()
        .find(|(_, ty, _)| ty.ends_with("/officeDocument"))
        .map(|(_, _, target)| target)?;
    let wb_dir = workbook.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let wb_rels_path = if wb_dir.is_empty() {
        format!("_rels/{workbook}.rels")
    } else {
        format!("{wb_dir}/_rels/{}.rels", &workbook[wb_dir.len() + 1..])
    };
    let wb_xml = read_entry_ci(zip, &workbook)?;
    let rels = rel_targets(&read_entry_ci(zip, &wb_rels_path)?, &wb_dir);
    let doc = roxmltree::Document::parse(&wb_xml).ok()?;
    let mut out = Vec::new();
    for sheet in doc.descendants().filter(|n| n.tag_name().name() == "sheet") {
        let name = sheet.attribute("name")?.to_string();
        let rid = sheet
            .attributes()
            .find(|a| a.name() == "id")
            .map(|a| a.value())?;
        if let Some((_, _, target)) = rels.iter().find(|(id, _, _)| id == rid) {
            out.push((name, target.clone()));
        }
    }
    Some(out)
}

/// (id, type, resolved target) of every relationship in a rels part.
fn rel_targets(xml: &str, base_dir: &str) -> Vec<(String, String, String)> {
    let Ok(doc) = roxmltree::Document::parse(xml) else {
        return Vec::new();
    };
    doc.descendants()
        .filter(|n| n.tag_name().name() == "Relationship")
        .filter_map(|n| {
            Some((
                n.attribute("Id")?.to_string(),
                n.attribute("Type").unwrap_or("").to_string(),
                resolve_target(base_dir, n.attribute("Target")?),
            ))
        })
        .collect()
}

/// Resolves a relationship target against the folder of the part that names it.
pub fn resolve_target(base_dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let mut parts: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        return normalise(abs.split('/').collect());
    } else {
        base_dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    parts.extend(target.split('/'));
    normalise(parts)
}

fn normalise(parts: Vec<&str>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for p in parts {
        match p {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

/// Zip entry names are case-insensitive in practice (Excel writes, others read loosely).
fn read_entry_ci(zip: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    if let Some(s) = read_entry(zip, name) {
        return Some(s);
    }
    let actual = zip
        .file_names()
        .filter_map(Result::ok)
        .find(|n| n.eq_ignore_ascii_case(name))?
        .to_string();
    read_entry(zip, &actual)
}

/// A text-length validation: the cells it covers take at most `max` characters.
#[derive(Debug, Clone, PartialEq)]
pub struct LengthLimit {
    pub ranges: Vec<(u32, u32, u32, u32)>,
    pub max: usize,
}

/// Reads what each sheet's XML says beyond cell values: list validations
/// (resolved to their allowed values), text-length limits, and the header rows
/// of tables. Problems here never stop a fill: a workbook without readable
/// dropdowns is still a questionnaire.
pub fn attach_sheet_facts(bytes: &[u8], sheets: &mut [Sheet], names: &[(String, String)]) {
    let Ok(mut zip) = ZipArchive::new(Cursor::new(bytes)) else {
        return;
    };
    let Some(parts) = sheet_parts(&mut zip) else {
        return;
    };
    let mut lists: Vec<(usize, String, String)> = Vec::new();
    for (name, part) in parts {
        let Some(idx) = sheets.iter().position(|s| s.name == name) else {
            continue;
        };
        let Some(xml) = read_entry_ci(&mut zip, &part) else {
            continue;
        };
        for v in validations(&xml) {
            let ranges: Vec<_> = v.sqref.split_whitespace().filter_map(parse_range).collect();
            match v.rule {
                Rule::List(formula) => lists.push((idx, v.sqref, formula)),
                Rule::MaxLength(max) => sheets[idx].length_limits.push(LengthLimit { ranges, max }),
            }
        }
        sheets[idx]
            .table_headers
            .extend(table_headers(&mut zip, &part));
    }
    let defined: HashMap<String, String> = names
        .iter()
        .map(|(n, r)| (n.to_ascii_lowercase(), r.clone()))
        .collect();
    let resolved: Vec<(usize, ListValidation)> = lists
        .into_iter()
        .filter_map(|(idx, sqref, formula)| {
            let values = resolve_list(&formula, &sheets[idx].name, sheets, &defined)?;
            let ranges = sqref.split_whitespace().filter_map(parse_range).collect();
            Some((idx, ListValidation { ranges, values }))
        })
        .collect();
    for (idx, lv) in resolved {
        sheets[idx].lists.push(lv);
    }
}

/// The header rows of the tables of a sheet part: (row, first column, last column).
fn table_headers(zip: &mut ZipArchive<Cursor<&[u8]>>, part: &str) -> Vec<(u32, u32, u32)> {
    let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
    let rels_path = format!("{dir}/_rels/{file}.rels");
    let Some(rels) = read_entry_ci(zip, &rels_path) else {
        return Vec::new();
    };
    rel_targets(&rels, dir)
        .into_iter()
        .filter(|(_, ty, _)| ty.ends_with("/table"))
        .filter_map(|(_, _, target)| {
            let xml = read_entry_ci(zip, &target)?;
            let doc = roxmltree::Document::parse(&xml).ok()?;
            let table = doc.root_element();
            let headers = table
                .attribute("headerRowCount")
                .map_or(Some(1), |n| n.parse::<u32>().ok())?;
            let (r0, c0, _, c1) = parse_range(table.attribute("ref")?)?;
            (headers > 0).then_some((r0, c0, c1))
        })
        .collect()
}

enum Rule {
    List(String),
    MaxLength(usize),
}

struct Validation {
    sqref: String,
    rule: Rule,
}

/// The list and text-length validations of a sheet, classic and x14 alike.
fn validations(xml: &str) -> Vec<Validation> {
    let mut out = Vec::new();
    let Ok(doc) = roxmltree::Document::parse(xml) else {
        return out;
    };
    for dv in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "dataValidation")
    {
        let formula = |which: &str| {
            dv.children()
                .find(|c| c.tag_name().name() == which)
                .map(|f| {
                    // x14 wraps the formula in <xm:f>.
                    f.children()
                        .find(|c| c.tag_name().name() == "f")
                        .and_then(|c| c.text())
                        .or_else(|| f.text())
                        .unwrap_or("")
                        .trim()
                        .to_string()
                })
        };
        let sqref = dv.attribute("sqref").map(str::to_string).or_else(|| {
            dv.children()
                .find(|c| c.tag_name().name() == "sqref")
                .and_then(|c| c.text())
                .map(str::to_string)
        });
        let Some(sqref) = sqref else { continue };
        let rule = match (
            dv.attribute("type"),
            dv.attribute("operator").unwrap_or("between"),
        ) {
            (Some("list"), _) => formula("formula1").map(Rule::List),
            (Some("textLength"), "lessThan") => formula("formula1")
                .and_then(|f| f.parse::<usize>().ok())
                .map(|n| Rule::MaxLength(n.saturating_sub(1))),
            (Some("textLength"), "lessThanOrEqual" | "equal") => formula("formula1")
                .and_then(|f| f.parse().ok())
                .map(Rule::MaxLength),
            (Some("textLength"), "between") => formula("formula2")
                .and_then(|f| f.parse().ok())
                .map(Rule::MaxLength),
            _ => None,
        };
        if let Some(rule) = rule {
            out.push(Validation { sqref, rule });
        }
    }
    out
}

fn resolve_list(
    formula: &str,
    own_sheet: &str,
    sheets: &[Sheet],
    names: &HashMap<String, String>,
) -> Option<Vec<String>> {
    let f = formula.trim().trim_start_matches('=');
    if let Some(inline) = f.strip_prefix('"') {
        let inline = inline.strip_suffix('"').unwrap_or(inline);
        return Some(
            inline
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        );
    }
    if let Some(target) = names.get(&f.to_ascii_lowercase()) {
        return resolve_list(target, own_sheet, sheets, &HashMap::new());
    }
    let (sheet_name, range) = match f.rsplit_once('!') {
        Some((s, r)) => (s.trim_matches('\'').replace("''", "'"), r),
        None => (own_sheet.to_string(), f),
    };
    let sheet = sheets.iter().find(|s| s.name == sheet_name)?;
    let (r0, c0, r1, c1) = parse_range(range)?;
    let mut values = Vec::new();
    for r in r0..=r1.min(r0 + 200) {
        for c in c0..=c1.min(c0 + 20) {
            let t = sheet.text(r, c);
            if !t.is_empty() {
                values.push(t);
            }
        }
    }
    Some(values)
}

/// `A1`, `$A$1:$B$9` → 0-based inclusive rectangle.
pub fn parse_range(s: &str) -> Option<(u32, u32, u32, u32)> {
    let s = s.replace('$', "");
    let (a, b) = s.split_once(':').unwrap_or((&s, &s));
    let (r0, c0) = parse_cell(a)?;
    let (r1, c1) = parse_cell(b)?;
    Some((r0.min(r1), c0.min(c1), r0.max(r1), c0.max(c1)))
}

/// The last row and column a sheet can have: `XFD1048576`.
pub const SHEET_ROWS: u32 = 1_048_576;
pub const SHEET_COLS: u32 = 16_384;

/// `C12` → (11, 2); `None` for anything that is not a cell of a sheet,
/// including references past `XFD1048576`.
pub fn parse_cell(s: &str) -> Option<(u32, u32)> {
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let col = super::parse_col(letters).ok()?;
    if !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 7 {
        return None;
    }
    let row: u32 = digits.parse().ok()?;
    (col < SHEET_COLS && (1..=SHEET_ROWS).contains(&row)).then(|| (row - 1, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_relative_absolute_and_backslashes() {
        assert_eq!(
            resolve_target("xl", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve_target("xl", "/xl/worksheets/s.xml"),
            "xl/worksheets/s.xml"
        );
        assert_eq!(resolve_target("xl", "..\\other\\s.xml"), "other/s.xml");
        assert_eq!(resolve_target("", "workbook.xml"), "workbook.xml");
    }

    #[test]
    fn ranges_parse() {
        assert_eq!(parse_range("$C$3:$C$263"), Some((2, 2, 262, 2)));
        assert_eq!(parse_range("B7"), Some((6, 1, 6, 1)));
        assert_eq!(parse_range("nonsense"), None);
    }

    fn list_validations(xml: &str) -> Vec<(String, String)> {
        validations(xml)
            .into_iter()
            .filter_map(|v| match v.rule {
                Rule::List(f) => Some((v.sqref, f)),
                Rule::MaxLength(_) => None,
            })
            .collect()
    }

    #[test]
    fn text_length_validations_give_a_maximum() {
        let xml = r#"<worksheet><dataValidations><dataValidation type="textLength" operator="lessThanOrEqual" sqref="D2:D9"><formula1>255</formula1></dataValidation><dataValidation type="textLength" sqref="E2"><formula1>1</formula1><formula2>100</formula2></dataValidation></dataValidations></worksheet>"#;
        let max: Vec<usize> = validations(xml)
            .into_iter()
            .filter_map(|v| match v.rule {
                Rule::MaxLength(n) => Some(n),
                Rule::List(_) => None,
            })
            .collect();
        assert_eq!(max, vec![255, 100]);
    }

    #[test]
    fn classic_and_x14_validations_are_found() {
        let xml = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
            xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
            xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">
          <dataValidations count="1"><dataValidation type="list" sqref="C3:C9"><formula1>"Yes,No,NA"</formula1></dataValidation></dataValidations>
          <extLst><ext><x14:dataValidations><x14:dataValidation type="list"><x14:formula1><xm:f>'Auto Responses'!$J$3:$J$5</xm:f></x14:formula1><xm:sqref>C20 C22</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>
        </worksheet>"#;
        let found = list_validations(xml);
        assert_eq!(
            found,
            vec![
                ("C3:C9".to_string(), "\"Yes,No,NA\"".to_string()),
                (
                    "C20 C22".to_string(),
                    "'Auto Responses'!$J$3:$J$5".to_string()
                )
            ]
        );
    }
}
