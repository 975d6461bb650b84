//! Hostile and broken input: each case runs the real binary on a generated bad
//! input and checks the exit status, the message, and that nothing was written
//! (or that the input is unchanged).

mod common;

use common::{fill_json, fixture, qfill};
use predicates::prelude::*;
use rust_xlsxwriter::Workbook;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Runs `fill` on `input` with outputs into `dir/out`, expecting exit 1 with `message`,
/// and checks that no output was written.
fn refused(dir: &Path, input: &Path, extra: &[&str], message: &str) {
    let out = dir.join("out");
    qfill()
        .arg("fill")
        .arg(input)
        .arg("-o")
        .arg(&out)
        .args(extra)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(message).and(predicate::str::contains("\n").count(1)));
    assert!(
        !out.exists() || std::fs::read_dir(&out).unwrap().next().is_none(),
        "outputs were written"
    );
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn xlsx(dir: &Path, name: &str, build: impl FnOnce(&mut Workbook)) -> PathBuf {
    let mut wb = Workbook::new();
    build(&mut wb);
    let p = dir.join(name);
    wb.save(&p).unwrap();
    p
}

#[test]
fn truncated_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read(fixture("vendor-assessment.xlsx")).unwrap();
    let p = write(dir.path(), "cut.xlsx", &full[..full.len() / 2]);
    refused(
        dir.path(),
        &p,
        &[],
        "cut.xlsx: the file is corrupt or truncated",
    );
}

#[test]
fn text_and_image_renamed_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let png = write(
        dir.path(),
        "logo.xlsx",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01",
    );
    refused(dir.path(), &png, &[], "logo.xlsx: not a spreadsheet");
    // Plain text under a spreadsheet's name, with no table of questions in it.
    let txt = write(
        dir.path(),
        "notes.xlsx",
        b"Meeting notes\nRemember the milk\n",
    );
    refused(dir.path(), &txt, &[], "notes.xlsx: not a spreadsheet");
}

#[test]
fn password_protected_workbook() {
    let dir = tempfile::tempdir().unwrap();
    // An encrypted OOXML file is a CFB container with an EncryptedPackage stream.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend([0u8; 504]);
    bytes.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
    bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    let p = write(dir.path(), "locked.xlsx", &bytes);
    refused(dir.path(), &p, &[], "remove the password and try again");
}

#[test]
fn empty_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let p = xlsx(dir.path(), "empty.xlsx", |wb| {
        wb.add_worksheet();
    });
    refused(dir.path(), &p, &[], "empty.xlsx: the workbook is empty");
}

#[test]
fn no_question_column_names_the_sheets_and_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let p = xlsx(dir.path(), "numbers.xlsx", |wb| {
        let ws = wb.add_worksheet().set_name("Prices").unwrap();
        for r in 0..5 {
            ws.write(r, 0, f64::from(r)).unwrap();
            ws.write(r, 1, "SKU").unwrap();
        }
    });
    refused(dir.path(), &p, &[], "sheets looked at: Prices");
    refused(dir.path(), &p, &[], "--question-col");
}

#[test]
fn csv_encodings() {
    let dir = tempfile::tempdir().unwrap();
    let text = "ID,Question,Answer\nQ1,Do you encrypt customer data at rest?,\n";
    // UTF-8 with BOM and UTF-16 LE with BOM are read.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(text.as_bytes());
    let p = write(dir.path(), "bom.csv", &bom);
    qfill()
        .arg("fill")
        .arg(&p)
        .arg("-o")
        .arg(dir.path().join("a"))
        .assert()
        .success();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let p = write(dir.path(), "utf16.csv", &utf16);
    qfill()
        .arg("fill")
        .arg(&p)
        .arg("-o")
        .arg(dir.path().join("b"))
        .assert()
        .success();
    // Latin-1 is not guessed at: the user is told how to save it.
    let p = write(
        dir.path(),
        "latin1.csv",
        b"ID,Question\nQ1,Caf\xE9 security?\n",
    );
    refused(
        dir.path(),
        &p,
        &[],
        "latin1.csv: the csv is not UTF-8 or UTF-16 text",
    );
}

#[test]
fn directory_and_missing_path() {
    let dir = tempfile::tempdir().unwrap();
    refused(dir.path(), dir.path(), &[], "is a directory");
    refused(
        dir.path(),
        &dir.path().join("nope.xlsx"),
        &[],
        "nope.xlsx: no such file",
    );
}

/// A zip package whose one sheet is `size` bytes of repeated cells.
fn zip_bomb(dir: &Path, size: usize) -> PathBuf {
    let p = dir.join("bomb.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&p).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#).unwrap();
    zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let chunk = vec![b' '; 1 << 16];
    for _ in 0..size / chunk.len() {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap();
    p
}

#[test]
fn zip_bomb_is_refused_by_the_unpacked_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let p = zip_bomb(dir.path(), 8 << 20);
    assert!(
        std::fs::metadata(&p).unwrap().len() < 100_000,
        "small on disk"
    );
    refused(
        dir.path(),
        &p,
        &["--max-unzipped-mb", "4"],
        "unpacks to more than 4 MB",
    );
}

#[test]
fn a_cell_a_million_rows_down_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = xlsx(dir.path(), "tall.xlsx", |wb| {
        let ws = wb.add_worksheet();
        ws.write(0, 0, "Question").unwrap();
        ws.write(1, 0, "Do you encrypt customer data at rest?")
            .unwrap();
        ws.write(2, 0, "Do you have an incident response plan?")
            .unwrap();
        ws.write(3, 0, "Do you back up customer data every day?")
            .unwrap();
        ws.write(1_000_000, 0, "Do you encrypt data?").unwrap();
    });
    refused(
        dir.path(),
        &p,
        &[],
        "more than the limit of 100000 rows; if it is genuine, raise --max-rows",
    );
    let out = dir.path().join("ok");
    qfill()
        .arg("fill")
        .arg(&p)
        .args(["--max-rows", "2000000", "-o"])
        .arg(&out)
        .assert()
        .success();
}

/// Fills `input` with the bank in `bank`, outputs into `out`, expecting success.
fn fill_with_bank(input: &Path, bank: &Path, out: &Path) {
    qfill()
        .arg("fill")
        .arg(input)
        .arg("--bank")
        .arg(bank)
        .arg("-o")
        .arg(out)
        .assert()
        .success();
}

/// A questionnaire whose cells try to be formulas, and a bank whose answer does too.
fn formula_case(dir: &Path) -> (PathBuf, PathBuf) {
    let input = xlsx(dir, "formulas.xlsx", |wb| {
        let ws = wb.add_worksheet().set_name("Q").unwrap();
        ws.write(0, 0, "Question").unwrap();
        ws.write(0, 1, "Answer").unwrap();
        ws.write(
            1,
            0,
            "=HYPERLINK(\"http://evil.example\",\"Do you encrypt customer data at rest?\")",
        )
        .unwrap();
        ws.write(2, 0, "Do you log administrator actions in the audit trail?")
            .unwrap();
    });
    let bank = dir.join("bank");
    std::fs::create_dir(&bank).unwrap();
    std::fs::write(
        bank.join("b.toml"),
        r#"[[entry]]
id = "log"
circle = "product"
questions = ["Do you log administrator actions in the audit trail?"]
answer = "+cmd|' /C calc'!A0 and @SUM(1) and =1+1"
"#,
    )
    .unwrap();
    (input, bank)
}

#[test]
fn formula_like_text_is_written_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let (input, bank) = formula_case(dir.path());
    let out = dir.path().join("out");
    fill_with_bank(&input, &bank, &out);
    for name in ["formulas.filled.xlsx", "formulas.review.xlsx"] {
        let file = std::fs::File::open(out.join(name)).unwrap();
        let mut zip = zip::ZipArchive::new(file).unwrap();
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).unwrap();
            let mut xml = String::new();
            if std::io::Read::read_to_string(&mut part, &mut xml).is_ok() {
                assert!(
                    !xml.contains("<f>") && !xml.contains("<f "),
                    "{name}: a formula in {}",
                    part.name().unwrap()
                );
            }
        }
    }
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(out.join("formulas.filled.xlsx")).unwrap();
    let r = calamine::Reader::worksheet_range(&mut wb, "Q").unwrap();
    assert_eq!(
        r.get_value((2, 1)).unwrap().to_string(),
        "+cmd|' /C calc'!A0 and @SUM(1) and =1+1"
    );
}

#[test]
fn formula_like_text_is_neutralised_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (_, bank) = formula_case(dir.path());
    let input = write(
        dir.path(),
        "q.csv",
        b"Question,Answer,Notes\nDo you log administrator actions in the audit trail?,,=HYPERLINK(\"http://x\")\nIs there a budget?,-5,@SUM(A1)\n",
    );
    let out = dir.path().join("out");
    fill_with_bank(&input, &bank, &out);
    let text = std::fs::read_to_string(out.join("q.filled.csv")).unwrap();
    assert!(text.contains("'+cmd|"), "{text}");
    // The buyer's own formula-like cells are neutralised too; numbers stay numbers.
    assert!(
        text.contains("'=HYPERLINK") && text.contains("'@SUM(A1)"),
        "{text}"
    );
    assert!(text.contains(",-5,"), "{text}");
}

#[test]
fn answers_beyond_the_cell_limit_are_cut_and_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let bank = dir.path().join("bank");
    std::fs::create_dir(&bank).unwrap();
    let long = "We encrypt everything carefully. ".repeat(1_500);
    std::fs::write(
        bank.join("b.toml"),
        format!("[[entry]]\nid = \"long\"\ncircle = \"product\"\nquestions = [\"Do you encrypt customer data at rest?\"]\nanswer = \"{long}\"\n"),
    )
    .unwrap();
    let input = write(
        dir.path(),
        "q.csv",
        b"Question,Answer\nDo you encrypt customer data at rest?,\n",
    );
    let report = fill_json(
        &input,
        &dir.path().join("out"),
        &["--bank", bank.to_str().unwrap()],
    );
    let q = &report["questions"][0];
    assert_eq!(q["status"], "review");
    let answer = q["answer"].as_str().unwrap();
    assert!(answer.encode_utf16().count() <= 32_767);
    assert!(answer.ends_with("carefully."));
}

#[test]
fn unicode_survives_a_fill() {
    let dir = tempfile::tempdir().unwrap();
    let bank = dir.path().join("bank");
    std::fs::create_dir(&bank).unwrap();
    let answer = "Yes 🔐. مشفر 暗号化済み \u{0007}bell and _x0041_ end.";
    std::fs::write(
        bank.join("b.toml"),
        format!("[[entry]]\nid = \"u\"\ncircle = \"product\"\nquestions = [\"Do you encrypt customer data at rest?\"]\nanswer = \"{}\"\n", answer.replace('\u{0007}', "\\u0007")),
    )
    .unwrap();
    let input = xlsx(dir.path(), "u.xlsx", |wb| {
        let ws = wb.add_worksheet().set_name("Fragen 質問").unwrap();
        ws.write(0, 0, "Question").unwrap();
        ws.write(0, 1, "Answer").unwrap();
        ws.write(1, 0, "Do you encrypt customer data at rest? 🔐 (مشفر)")
            .unwrap();
    });
    let out = dir.path().join("out");
    fill_with_bank(&input, &bank, &out);
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(out.join("u.filled.xlsx")).unwrap();
    let r = calamine::Reader::worksheet_range(&mut wb, "Fragen 質問").unwrap();
    assert_eq!(
        r.get_value((1, 0)).unwrap().to_string(),
        "Do you encrypt customer data at rest? 🔐 (مشفر)"
    );
    assert_eq!(r.get_value((1, 1)).unwrap().to_string(), answer);
}

#[test]
fn outputs_never_replace_the_input_or_existing_files_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("q.csv");
    std::fs::copy(fixture("short-form.csv"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    // The JSON path may not be the input.
    qfill()
        .arg("fill")
        .arg(&input)
        .arg("--json")
        .arg(&input)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("would overwrite the input"));
    assert_eq!(std::fs::read(&input).unwrap(), before);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no partial outputs"
    );
    // An existing output stays until --force.
    std::fs::write(dir.path().join("q.review.xlsx"), b"mine").unwrap();
    qfill()
        .arg("fill")
        .arg(&input)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        std::fs::read(dir.path().join("q.review.xlsx")).unwrap(),
        b"mine"
    );
    assert!(
        !dir.path().join("q.filled.csv").exists(),
        "nothing written when one output is refused"
    );
}

#[test]
fn nothing_under_nda_reaches_the_buyer() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let json = dir.path().join("q.json");
    qfill()
        .args(["fill", &fixture("vendor-assessment.xlsx")])
        .arg("--json")
        .arg(&json)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let nda_texts = [
        "Under NDA: A.8.11",
        "Data leakage prevention on endpoints is planned",
        "No offices or facilities in scope",
    ];
    let file = std::fs::File::open(out.join("vendor-assessment.filled.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut part, &mut text);
        for secret in nda_texts {
            assert!(
                !text.contains(secret),
                "`{secret}` in {}",
                part.name().unwrap()
            );
        }
    }
    let json = std::fs::read_to_string(&json).unwrap();
    for secret in nda_texts {
        assert!(!json.contains(secret), "`{secret}` in the JSON");
    }
    // csv output too.
    let csv_in = write(
        dir.path(),
        "q.csv",
        b"Question,Answer\nWhich Annex A controls are only partially implemented or planned?,\n",
    );
    qfill()
        .arg("fill")
        .arg(&csv_in)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("q.filled.csv")).unwrap();
    assert!(!csv.contains("Under NDA"), "{csv}");
}

fn bad_bank(dir: &Path, text: &str) -> PathBuf {
    let bank = dir.join("bank");
    std::fs::create_dir_all(&bank).unwrap();
    std::fs::write(bank.join("bad.toml"), text).unwrap();
    bank
}

fn bank_refused(text: &str, message: &str) {
    let dir = tempfile::tempdir().unwrap();
    let bank = bad_bank(dir.path(), text);
    qfill()
        .args(["fill", &fixture("short-form.csv")])
        .arg("--bank")
        .arg(&bank)
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(message));
    assert!(!dir.path().join("out").exists());
}

const ENTRY: &str =
    "[[entry]]\nid = \"a\"\ncircle = \"isms\"\nquestions = [\"Q?\"]\nanswer = \"A.\"\n";

#[test]
fn bad_banks_name_file_line_and_column() {
    bank_refused("[[entry]\nid = ", "bad.toml:1:");
    bank_refused(
        &ENTRY.replace("circle = \"isms\"", "circle = 3"),
        "bad.toml:3:10:",
    );
    bank_refused(
        &ENTRY.replace("circle = \"isms\"", "circle = \"middle\""),
        "unknown variant `middle`",
    );
    bank_refused(
        &format!("{ENTRY}colour = \"red\"\n"),
        "bad.toml:6:1: unknown field `colour`",
    );
    bank_refused(
        &format!("{ENTRY}\n{ENTRY}"),
        "bad.toml:8:6: duplicate entry id `a`",
    );
    bank_refused(&format!("{ENTRY}reviewed = 2026-13-45\n"), "bad.toml:6:");
    bank_refused(&format!("{ENTRY}controls = [\"A.9.9\"]\n"), "bad.toml:6:");
}

#[test]
fn bad_regex_in_circle_rules_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let mappings = dir.path().join("mappings");
    std::fs::create_dir(&mappings).unwrap();
    std::fs::write(
        mappings.join("circles.toml"),
        "[[rule]]\ncircle = \"legal\"\npattern = '(gdpr'\nweight = 1.0\n",
    )
    .unwrap();
    qfill()
        .args(["fill", &fixture("short-form.csv")])
        .arg("--mappings")
        .arg(&mappings)
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "circles.toml:3:11: invalid regular expression",
        ));
    // A weight that is not a number is refused; an escaped backslash is a valid pattern.
    let rules = |pattern: &str, weight: &str| {
        std::fs::write(
            mappings.join("circles.toml"),
            format!("[[rule]]\ncircle = \"product\"\npattern = '{pattern}'\nweight = {weight}\n"),
        )
        .unwrap();
        let mut c = qfill();
        c.args(["search", "Where is C:\\bin kept?", "--mappings"])
            .arg(&mappings);
        c
    };
    rules("gdpr", "nan")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("circles.toml: rule 1: weight NaN"));
    rules(r"C:\\bin", "1.0")
        .assert()
        .success()
        .stdout(predicate::str::contains("rule product/1"));
}

#[test]
fn cells_an_array_formula_spans_are_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("array.xlsx");
    common::raw_xlsx(
        &input,
        "xl/worksheets/sheet1.xml",
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Question</t></is></c><c r="B1" t="inlineStr"><is><t>Answer</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Do you require MFA for all remote access?</t></is></c><c r="B2"><f t="array" ref="B2:B4">C2:C4</f></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>Is customer data encrypted at rest?</t></is></c><c r="B3"/></row><row r="4"><c r="A4" t="inlineStr"><is><t>Do you have an incident response plan?</t></is></c></row><row r="5"><c r="A5" t="inlineStr"><is><t>Do you back up customer data every day?</t></is></c></row></sheetData></worksheet>"#,
    );
    let out = dir.path().join("out");
    qfill()
        .arg("fill")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let mut z =
        zip::ZipArchive::new(std::fs::File::open(out.join("array.filled.xlsx")).unwrap()).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut z.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    for cell in ["B3", "B4"] {
        assert!(
            !sheet.contains(&format!(r#"<c r="{cell}" t="inlineStr">"#)),
            "{cell} written inside the array formula: {sheet}"
        );
    }
    assert!(sheet.contains(r#"<f t="array" ref="B2:B4">"#));
    // A row outside the range is answered as usual.
    assert!(sheet.contains(r#"<c r="B5" t="inlineStr">"#), "{sheet}");
}

#[cfg(unix)]
#[test]
fn escape_sequences_in_names_are_shown_not_sent_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\u{1b}[2J\u{7}.csv";
    write(
        dir.path(),
        name,
        b"Question,Answer\nDo you require MFA for all remote access?,\n",
    );
    let out = qfill()
        .current_dir(dir.path())
        .args(["fill", name])
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("\\u{1b}[2J"), "{err}");
}

#[test]
fn temporaries_a_killed_run_left_are_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let old = out.join(".qfill-killed");
    std::fs::write(&old, b"half a workbook").unwrap();
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    let fresh = out.join(".qfill-running");
    std::fs::write(&fresh, b"another run, writing now").unwrap();
    qfill()
        .args(["fill", &fixture("short-form.csv")])
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(!old.exists(), "a stale temporary file is removed");
    assert!(fresh.exists(), "a recent one may belong to a running qfill");
}

#[test]
fn a_sheet_name_cannot_inject_bank_entries_into_proposals() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("answered.xlsx");
    let evil = "Security&#10;[[entry]]&#10;id = &quot;evil&quot;&#10;circle = &quot;isms&quot;&#10;questions = [&quot;Q?&quot;]&#10;answer = &quot;Injected.&quot;&#10;visibility = &quot;public&quot;&#10;#";
    common::raw_xlsx_named(
        &input,
        evil,
        "xl/worksheets/sheet1.xml",
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Question</t></is></c><c r="B1" t="inlineStr"><is><t>Answer</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Do you require MFA for all remote access?</t></is></c><c r="B2" t="inlineStr"><is><t>Yes: every remote login uses a hardware key.</t></is></c></row></sheetData></worksheet>"#,
    );
    let proposals = dir.path().join("p.toml");
    qfill()
        .current_dir(dir.path())
        .args(["bank", "harvest", "answered.xlsx", "-o"])
        .arg(&proposals)
        .assert()
        .success();
    let text = std::fs::read_to_string(&proposals).unwrap();
    let parsed: toml::Table = text.parse().unwrap();
    let entries = parsed["entry"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{text}");
    assert!(!text.contains("id = \"evil\""), "{text}");
    assert!(
        entries
            .iter()
            .all(|e| e["visibility"].as_str() == Some("nda")),
        "{text}"
    );
}

#[test]
fn a_forced_rerun_that_fails_keeps_the_earlier_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    qfill()
        .args(["fill", &fixture("vendor-assessment.xlsx")])
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let filled = out.join("vendor-assessment.filled.xlsx");
    let review = out.join("vendor-assessment.review.xlsx");
    let before = (
        std::fs::read(&filled).unwrap(),
        std::fs::read(&review).unwrap(),
    );
    // The last output cannot be written: its folder is a file.
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    qfill()
        .args([
            "fill",
            &fixture("vendor-assessment.xlsx"),
            "--force",
            "--audience",
            "nda",
        ])
        .arg("-o")
        .arg(&out)
        .arg("--json")
        .arg(blocker.join("q.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a folder"));
    assert_eq!(
        std::fs::read(&filled).unwrap(),
        before.0,
        "filled workbook kept"
    );
    assert_eq!(
        std::fs::read(&review).unwrap(),
        before.1,
        "review workbook kept"
    );
}
