//! The buyer's own workbook comes back untouched except for the answers:
//! every other zip entry byte-identical, every other cell unchanged, each
//! answer in its cell with a value its dropdown allows.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::qfill;
use rust_xlsxwriter::{DataValidation, DataValidationRule, Format, Formula, Note, Table, Workbook};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Builds the buyer's workbook: styles, a merged title, three kinds of dropdown
/// (inline, defined name, and an x14 list on a hidden sheet), a formula in an
/// answer cell, formulas beside the answers, an existing answer, a note, a
/// protected sheet and a table on another sheet.
fn buyer_workbook(dir: &Path) -> PathBuf {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("DDEBF7");
    let answer_style = Format::new().set_background_color("FFF2CC").set_unlocked();
    let ws = wb.add_worksheet().set_name("Questionnaire").unwrap();
    ws.merge_range(0, 0, 0, 3, "Vendor questionnaire", &bold)
        .unwrap();
    for (c, h) in ["ID", "Question", "Answer", "Comments", "Length"]
        .iter()
        .enumerate()
    {
        ws.write_with_format(1, c as u16, *h, &bold).unwrap();
    }
    let questions = [
        "Do you encrypt customer data at rest?",
        "Do you have a business continuity plan?",
        "Do you support customer-managed encryption keys (BYOK)?",
        "Do you perform background checks on employees?",
        "Do you carry cyber liability insurance?",
        "Do you have a documented incident response plan?",
    ];
    for (i, q) in questions.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write(r, 0, format!("Q{}", i + 1)).unwrap();
        ws.write(r, 1, *q).unwrap();
        ws.write_blank(r, 2, &answer_style).unwrap();
        ws.write_formula(r, 4, format!("=LEN(B{})", r + 1).as_str())
            .unwrap();
    }
    // A formula in an answer cell, whose result is empty: never overwritten.
    ws.write_formula(5, 2, Formula::new("=IF(TRUE,\"\",\"\")").set_result(""))
        .unwrap();
    ws.write(6, 2, "Yes").unwrap();
    ws.insert_note(
        2,
        1,
        &Note::new("Buyer's note: all data, including backups."),
    )
    .unwrap();
    let inline = DataValidation::new()
        .allow_list_strings(&["Yes", "No", "N/A"])
        .unwrap();
    ws.add_data_validation(2, 2, 2, 2, &inline).unwrap();
    let named = DataValidation::new().allow_list_formula("=YesNo".into());
    ws.add_data_validation(3, 2, 3, 2, &named).unwrap();
    // Written as a cross-sheet list here, turned into an x14 list below.
    let x14 = DataValidation::new().allow_list_formula("=Lists!$B$1:$B$3".into());
    ws.add_data_validation(4, 2, 4, 2, &x14).unwrap();
    // The comment cell of the last question takes at most 50 characters.
    let short_text =
        DataValidation::new().allow_text_length(DataValidationRule::LessThanOrEqualTo(50));
    ws.add_data_validation(7, 3, 7, 3, &short_text).unwrap();
    ws.protect();

    let lists = wb.add_worksheet().set_name("Lists").unwrap();
    for (r, v) in ["1) Yes", "2) No"].iter().enumerate() {
        lists.write(r as u32, 0, *v).unwrap();
    }
    for (r, v) in ["Si", "No", "N/A"].iter().enumerate() {
        lists.write(r as u32, 1, *v).unwrap();
    }
    lists.set_hidden(true);
    wb.define_name("YesNo", "=Lists!$A$1:$A$2").unwrap();

    let inv = wb.add_worksheet().set_name("Inventory").unwrap();
    inv.write(0, 0, "System").unwrap();
    inv.write(0, 1, "Owner").unwrap();
    inv.write(1, 0, "CRM").unwrap();
    inv.write(1, 1, "Sales").unwrap();
    inv.add_table(0, 0, 1, 1, &Table::new()).unwrap();

    let plain = dir.join("plain.xlsx");
    wb.save(&plain).unwrap();
    let path = dir.join("buyer.xlsx");
    rewrite_zip(
        &plain,
        &path,
        |name, bytes| {
            if name == "xl/worksheets/sheet1.xml" {
                to_x14(bytes)
            } else {
                bytes
            }
        },
        &[],
    );
    path
}

/// Moves the cross-sheet list validation of C5 into an x14 extension list, as HECVAT 4 has it.
fn to_x14(bytes: Vec<u8>) -> Vec<u8> {
    let xml = String::from_utf8(bytes).unwrap();
    let start = xml.find("<dataValidation type=\"list\" allowBlank=\"1\" showInputMessage=\"1\" showErrorMessage=\"1\" sqref=\"C5\">").unwrap();
    let end = xml[start..].find("</dataValidation>").unwrap() + start + "</dataValidation>".len();
    let mut xml = format!("{}{}", &xml[..start], &xml[end..]);
    xml = xml.replace(
        "<dataValidations count=\"3\">",
        "<dataValidations count=\"2\">",
    );
    // rust_xlsxwriter caches 0 for every formula; Excel keeps no value for an empty result.
    xml = xml.replace(
        r#"<f>IF(TRUE,"","")</f><v>0</v>"#,
        r#"<f>IF(TRUE,"","")</f>"#,
    );
    let ext = r#"<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Lists!$B$1:$B$3</xm:f></x14:formula1><xm:sqref>C5</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>"#;
    xml.replace("</worksheet>", ext).into_bytes()
}

/// Copies a zip, transforming entries and appending extra ones.
fn rewrite_zip(
    from: &Path,
    to: &Path,
    f: impl Fn(&str, Vec<u8>) -> Vec<u8>,
    extra: &[(&str, &[u8])],
) {
    let mut src = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..src.len() {
        let mut e = src.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&f(&name, bytes)).unwrap();
    }
    for (name, bytes) in extra {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap();
}

fn entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut e = z.by_index(i).unwrap();
            let mut b = Vec::new();
            e.read_to_end(&mut b).unwrap();
            (e.name().unwrap().to_string(), b)
        })
        .collect()
}

fn values(path: &Path) -> BTreeMap<(String, u32, u32), String> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = BTreeMap::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for (r, c, v) in range.used_cells() {
            let (r0, c0) = range.start().unwrap();
            if *v != Data::Empty {
                out.insert((name.clone(), r0 + r as u32, c0 + c as u32), v.to_string());
            }
        }
    }
    out
}

fn fill(input: &Path, out: &Path) -> assert_cmd::assert::Assert {
    qfill()
        .arg("fill")
        .arg(input)
        .arg("-o")
        .arg(out)
        .assert()
        .success()
}

#[test]
fn only_the_answer_cells_change() {
    let dir = tempfile::tempdir().unwrap();
    let input = buyer_workbook(dir.path());
    let out = dir.path().join("out");
    let json = dir.path().join("q.json");
    qfill()
        .arg("fill")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--json")
        .arg(&json)
        .assert()
        .success();
    let report = std::fs::read_to_string(&json).unwrap();
    let filled = out.join("buyer.filled.xlsx");

    // Same entries in the same order; all but the answered sheet byte-identical.
    let (before, after) = (entries(&input), entries(&filled));
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&before), names(&after));
    let changed: Vec<&String> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a.1 != b.1)
        .map(|(a, _)| &a.0)
        .collect();
    assert_eq!(changed, vec!["xl/worksheets/sheet1.xml"]);

    let (old, new) = (values(&input), values(&filled));
    let answer_cells: Vec<(u32, u32)> = vec![
        (2, 2),
        (2, 3),
        (3, 2),
        (3, 3),
        (4, 2),
        (4, 3),
        (5, 3),
        (7, 2),
        (7, 3),
    ];
    for (k, v) in &old {
        if k.0 != "Questionnaire" || !answer_cells.contains(&(k.1, k.2)) {
            assert_eq!(new.get(k), Some(v), "cell {k:?} changed");
        }
    }
    let cell = |r: u32, c: u32| {
        new.get(&("Questionnaire".to_string(), r, c))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(cell(2, 2), "Yes", "inline list");
    assert!(cell(2, 3).contains("AES-256"));
    assert_eq!(
        cell(3, 2),
        "1) Yes",
        "defined-name list with ordinal values"
    );
    assert_eq!(cell(4, 2), "No", "x14 list on a hidden sheet");
    assert!(
        cell(5, 3).contains("screened"),
        "formula answer cell: the free text still goes to comments\n{report}"
    );
    assert_eq!(cell(6, 2), "Yes", "existing answer kept");
    assert_eq!(cell(6, 3), "", "kept questions get nothing written");
    // Too long for its text-length validation: cut, sent to review, not written.
    assert_eq!(cell(7, 3), "");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let q6 = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["row"] == 8)
        .unwrap();
    assert_eq!(q6["status"], "review");
    assert!(q6["answer"].as_str().unwrap().chars().count() <= 50, "{q6}");
    assert!(q6["why"].to_string().contains("50-character limit"), "{q6}");

    // The formula in C6 is still a formula, and the sheet XML keeps its dropdowns and protection.
    let mut wb: Xlsx<_> = open_workbook(&filled).unwrap();
    let formulas = wb.worksheet_formula("Questionnaire").unwrap();
    assert_eq!(
        formulas.get_value((5, 2)).map(String::as_str),
        Some("IF(TRUE,\"\",\"\")")
    );
    assert_eq!(
        formulas.get_value((2, 4)).map(String::as_str),
        Some("LEN(B3)")
    );
    let xml = String::from_utf8(
        after
            .iter()
            .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(xml.contains("<sheetProtection"));
    assert!(xml.contains("<x14:dataValidation "));
    assert!(xml.contains("<mergeCell ref=\"A1:D1\""));
    // The answer cell keeps its own (unlocked, coloured) style.
    let c3 = &xml[xml.find("<c r=\"C3\"").unwrap()..];
    let orig = String::from_utf8(
        before
            .iter()
            .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    let orig_c3 = &orig[orig.find("<c r=\"C3\"").unwrap()..];
    let style = |s: &str| {
        s[..s.find('>').unwrap()]
            .trim_end_matches('/')
            .split(' ')
            .find(|a| a.starts_with("s="))
            .map(str::to_string)
    };
    assert_eq!(style(c3), style(orig_c3));
}

#[test]
fn xlsm_stays_xlsm_with_its_macros_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = buyer_workbook(dir.path());
    let input = dir.path().join("macro.xlsm");
    let vba: &[u8] = b"not really VBA, but bytes that must not change";
    rewrite_zip(
        &xlsx,
        &input,
        |name, bytes| {
            if name == "[Content_Types].xml" {
                String::from_utf8(bytes)
                    .unwrap()
                    .replace(
                        "spreadsheetml.sheet.main+xml",
                        "ms-excel.sheet.macroEnabled.main+xml",
                    )
                    .into_bytes()
            } else {
                bytes
            }
        },
        &[("xl/vbaProject.bin", vba)],
    );
    let out = dir.path().join("out");
    fill(&input, &out);
    let filled = out.join("macro.filled.xlsm");
    assert!(filled.exists());
    let e = entries(&filled);
    assert_eq!(
        e.iter().find(|(n, _)| n == "xl/vbaProject.bin").unwrap().1,
        vba
    );
}

#[test]
fn identical_runs_give_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let input = buyer_workbook(dir.path());
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        qfill()
            .arg("fill")
            .arg(&input)
            .arg("-o")
            .arg(out)
            .arg("--json")
            .arg(out.join("q.json"))
            .assert()
            .success();
    }
    for name in ["buyer.filled.xlsx", "buyer.review.xlsx", "q.json"] {
        assert_eq!(
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
            "{name}"
        );
    }
}

/// A sheet whose rows are out of order cannot be patched in place: `fill`
/// and `apply` both write a rebuilt copy with the answers and say so,
/// instead of `apply` failing where `fill` succeeded.
#[test]
fn fill_and_apply_rebuild_what_cannot_be_patched() {
    let dir = tempfile::tempdir().unwrap();
    let made = buyer_workbook(dir.path());
    let input = dir.path().join("reordered.xlsx");
    rewrite_zip(
        &made,
        &input,
        |name, bytes| {
            if name != "xl/worksheets/sheet1.xml" {
                return bytes;
            }
            // The title row moved to the end of sheetData.
            let xml = String::from_utf8(bytes).unwrap();
            let start = xml.find("<row r=\"1\"").unwrap();
            let end = xml[start..].find("</row>").unwrap() + start + "</row>".len();
            let row = xml[start..end].to_string();
            let rest = format!("{}{}", &xml[..start], &xml[end..]);
            rest.replace("</sheetData>", &format!("{row}</sheetData>"))
                .into_bytes()
        },
        &[],
    );
    let out = dir.path().join("out");
    let not_patched = predicates::str::contains("could not patch the workbook in place");
    fill(&input, &out).stderr(not_patched.clone());
    let filled = out.join("reordered.filled.xlsx");
    let answered = |path: &Path| {
        values(path)
            .get(&("Questionnaire".to_string(), 2, 2))
            .cloned()
    };
    assert!(
        answered(&filled).is_some(),
        "the rebuilt copy has the answer"
    );
    std::fs::remove_file(&filled).unwrap();
    qfill()
        .arg("apply")
        .arg(out.join("reordered.review.xlsx"))
        .arg("--input")
        .arg(&input)
        .assert()
        .success()
        .stderr(not_patched);
    assert_eq!(answered(&filled), Some("Yes".to_string()));
}
