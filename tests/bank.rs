//! `qfill bank lint` on the starter bank and on a bank with problems.

mod common;

use common::qfill;
use predicates::prelude::*;

#[test]
fn the_starter_bank_lints_clean() {
    let root = env!("CARGO_MANIFEST_DIR");
    qfill()
        .args([
            "bank",
            "lint",
            &format!("{root}/answer-bank"),
            "--mappings",
            &format!("{root}/mappings"),
        ])
        .args(["--today", "2026-11-24", "--deny-warnings"])
        .assert()
        .success()
        .stdout(predicate::str::contains("94 entries: 0 errors, 0 warnings"));
}

#[test]
fn problems_are_reported_with_places_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let bank = dir.path().join("bank");
    std::fs::create_dir(&bank).unwrap();
    std::fs::write(
        bank.join("a.toml"),
        "[[entry]]\nid = \"a\"\ncircle = \"product\"\nquestions = [\"Is the product certified?\"]\nanswer = \"Yes. Our platform is ISO 27001 certified.\"\nowner = \"x\"\nreviewed = 2026-10-01\n",
    )
    .unwrap();
    std::fs::write(bank.join("b.toml"), "[[entry]]\nid = \"b\"\ncircle = \"isms\"\nquestions = [\"Q?\"]\nanswer = \"A.\"\ncolour = 1\n").unwrap();
    let out = qfill()
        .args(["bank", "lint"])
        .arg(&bank)
        .args(["--today", "2026-11-24", "--json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let j: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let findings = j["findings"].as_array().unwrap();
    let rule = |r: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == r)
            .unwrap_or_else(|| panic!("no {r}: {j}"))
    };
    assert!(
        rule("over-claim")["at"]
            .as_str()
            .unwrap()
            .ends_with("a.toml:2:6")
    );
    assert!(
        rule("over-claim")["fix"]
            .as_str()
            .unwrap()
            .contains("not a certification of the product")
    );
    assert!(
        rule("schema")["at"]
            .as_str()
            .unwrap()
            .ends_with("b.toml:6:1")
    );
    assert_eq!(j["errors"], 2);
    // Warnings alone pass unless --deny-warnings.
    std::fs::remove_file(bank.join("b.toml")).unwrap();
    std::fs::write(
        bank.join("a.toml"),
        "[[entry]]\nid = \"a\"\ncircle = \"product\"\nquestions = [\"Do you encrypt data?\"]\nanswer = \"Yes.\"\nreviewed = 2026-10-01\n",
    )
    .unwrap();
    qfill()
        .args(["bank", "lint"])
        .arg(&bank)
        .args(["--today", "2026-11-24"])
        .assert()
        .success()
        .stdout(predicate::str::contains("warning[owner]"));
    qfill()
        .args(["bank", "lint"])
        .arg(&bank)
        .args(["--today", "2026-11-24", "--deny-warnings"])
        .assert()
        .code(1);
}

#[test]
fn export_import_round_trip_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let xlsx = dir.path().join("bank.xlsx");
    qfill()
        .args(["bank", "export", &format!("{root}/answer-bank"), "-o"])
        .arg(&xlsx)
        .args(["--mappings", &format!("{root}/mappings")])
        .assert()
        .success();
    // Reviewers get dropdowns for circle and visibility.
    let mut z = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut z.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert!(sheet.contains("\"legal,isms,product\"") && sheet.contains("\"public,nda\""));
    let out = dir.path().join("bank");
    qfill()
        .args(["bank", "import"])
        .arg(&xlsx)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("certification.toml").exists());
    qfill()
        .args(["bank", "lint"])
        .arg(&out)
        .args([
            "--mappings",
            &format!("{root}/mappings"),
            "--today",
            "2026-11-24",
            "--deny-warnings",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("94 entries: 0 errors, 0 warnings"));
    // Importing again changes nothing, so it writes nothing.
    qfill()
        .args(["bank", "import"])
        .arg(&xlsx)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("0 files changed"));
}

/// Rewrites the `Bank` sheet of an exported workbook: `edit(row, header)` gives a new value.
fn edit_export(path: &std::path::Path, edit: impl Fn(u32, &str) -> Option<String>) {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range("Bank").unwrap();
    let headers: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet().set_name("Bank").unwrap();
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let value = match edit(r as u32, &headers[c]) {
                Some(v) => v,
                None => match cell {
                    Data::Empty => continue,
                    other => other.to_string(),
                },
            };
            ws.write_string(r as u32, c as u16, value).unwrap();
        }
    }
    out.save(path).unwrap();
}

#[test]
fn import_changes_only_the_entries_that_changed_and_keeps_comments() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let bank = dir.path().join("bank");
    std::fs::create_dir(&bank).unwrap();
    for f in std::fs::read_dir(format!("{root}/answer-bank")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, bank.join(f.file_name().unwrap())).unwrap();
    }
    let xlsx = dir.path().join("bank.xlsx");
    qfill()
        .args(["bank", "export"])
        .arg(&bank)
        .arg("-o")
        .arg(&xlsx)
        .args(["--mappings", &format!("{root}/mappings")])
        .assert()
        .success();
    // A reviewer rewrites one answer.
    let new_answer =
        "Yes. Every staff sign-in needs a FIDO2 security key; there is no fallback to SMS.";
    let row_of_mfa = {
        use calamine::{Reader, open_workbook_auto};
        let mut wb = open_workbook_auto(&xlsx).unwrap();
        let range = wb.worksheet_range("Bank").unwrap();
        range
            .rows()
            .position(|r| {
                r.iter()
                    .any(|c| *c == calamine::Data::String("access.mfa-staff".into()))
            })
            .unwrap() as u32
    };
    edit_export(&xlsx, |r, h| {
        (r == row_of_mfa && h == "Answer").then(|| new_answer.to_string())
    });
    let before: Vec<(String, String)> = std::fs::read_dir(&bank)
        .unwrap()
        .map(|f| {
            let p = f.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    qfill()
        .args(["bank", "import"])
        .arg(&xlsx)
        .arg("-o")
        .arg(&bank)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("access.toml").and(predicate::str::contains("--force")));
    qfill()
        .args(["bank", "import"])
        .arg(&xlsx)
        .arg("-o")
        .arg(&bank)
        .arg("--force")
        .assert()
        .success()
        .stderr(predicate::str::contains("1 files changed, 11 unchanged"));
    for (name, old) in before {
        let new = std::fs::read_to_string(bank.join(&name)).unwrap();
        if name != "access.toml" {
            assert_eq!(new, old, "{name} changed");
            continue;
        }
        assert!(new.contains(new_answer));
        // Every line but the old answer's stays as it was, comments included.
        let kept: std::collections::HashSet<&str> = new.lines().collect();
        let lost: Vec<&str> = old.lines().filter(|l| !kept.contains(l)).collect();
        assert!(lost.len() <= 4, "{lost:#?}");
        assert!(
            lost.iter()
                .all(|l| !l.starts_with('#') && !l.starts_with("id =")),
            "{lost:#?}"
        );
    }
}

#[test]
fn import_never_writes_outside_the_bank_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let xlsx = dir.path().join("bank.xlsx");
    qfill()
        .args(["bank", "export", &format!("{root}/answer-bank"), "-o"])
        .arg(&xlsx)
        .args(["--mappings", &format!("{root}/mappings")])
        .assert()
        .success();
    for escape in [
        "../../escaped.toml",
        "/tmp/escaped-qfill.toml",
        "sub/dir.toml",
    ] {
        edit_export(&xlsx, |r, h| {
            (r == 1 && h == "File").then(|| escape.to_string())
        });
        let out = dir.path().join("a/b/bank");
        qfill()
            .args(["bank", "import"])
            .arg(&xlsx)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("row 2")
                    .and(predicate::str::contains("plain .toml file name")),
            );
        assert!(!dir.path().join("escaped.toml").exists());
        assert!(!out.exists(), "nothing written for {escape}");
    }
}

#[test]
fn coverage_reports_uncovered_controls_as_table_json_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let report = dir.path().join("coverage.xlsx");
    let out = qfill()
        .args([
            "bank",
            "coverage",
            &format!("{root}/answer-bank"),
            "--mappings",
            &format!("{root}/mappings"),
        ])
        .args(["--today", "2026-11-24", "--json", "--xlsx"])
        .arg(&report)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let j: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(j["entries"], 94);
    assert!(
        j["uncovered_controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "A.5.5")
    );
    assert!(j["by_owner"]["security"]["entries"].as_u64().unwrap() > 0);
    assert!(report.exists());
    qfill()
        .args([
            "bank",
            "coverage",
            &format!("{root}/answer-bank"),
            "--mappings",
            &format!("{root}/mappings"),
            "--today",
            "2026-11-24",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "applicable SoA controls no entry evidences",
        ));
}

/// A questionnaire the company answered: dropdown answers and comments.
fn completed(path: &std::path::Path, answers: &[(&str, &str, &str)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("Security").unwrap();
    for (c, h) in ["ID", "Question", "Answer", "Comments"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    for (i, (q, a, comment)) in answers.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write(r, 0, format!("S-{r}")).unwrap();
        ws.write(r, 1, *q).unwrap();
        if !a.is_empty() {
            ws.write(r, 2, *a).unwrap();
        }
        if !comment.is_empty() {
            ws.write(r, 3, *comment).unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// `qfill init DIR`: the starter bank and mappings as a company's own.
fn own_kit(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let kit = dir.join("kit");
    qfill().arg("init").arg(&kit).assert().success();
    (kit.join("answer-bank"), kit.join("mappings"))
}

#[test]
fn harvest_proposes_entries_from_answered_rows_and_the_proposals_fill_the_blank_copy() {
    let dir = tempfile::tempdir().unwrap();
    let (bank, mappings) = own_kit(dir.path());
    let rows = [
        (
            "Do you rotate your TLS certificates automatically before expiry?",
            "Yes",
            "Certificates renew automatically every 60 days.",
        ),
        (
            "Is production access limited to the SRE rota on call this week?",
            "No",
            "All SREs keep standing access; we plan to change this.",
        ),
        (
            "Do you run your own physical data centre?",
            "N/A",
            "We are cloud only.",
        ),
        (
            "Do you encrypt customer data at rest with customer-managed keys only?",
            "",
            "",
        ),
        (
            "Do you encrypt customer data at rest?",
            "Yes",
            "AES-256 everywhere.",
        ),
    ];
    let input = dir.path().join("answered.xlsx");
    completed(&input, &rows);
    let proposals = dir.path().join("proposed/answered.toml");
    qfill()
        .args(["bank", "harvest"])
        .arg(&input)
        .arg("-o")
        .arg(&proposals)
        .arg("--bank")
        .arg(&bank)
        .arg("--mappings")
        .arg(&mappings)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "3 new entries, 0 new variants of existing entries, 1 answered otherwise",
        ));
    let text = std::fs::read_to_string(&proposals).unwrap();
    assert!(
        text.contains("short = \"Yes\"") && text.contains("short = \"No\""),
        "{text}"
    );
    assert!(text.contains("Certificates renew automatically every 60 days."));
    assert!(
        !text.contains("customer-managed keys only"),
        "unanswered rows are not harvested"
    );
    // Near an existing entry (supplier.cloud-provider) but not the same
    // question: the company's own answer is proposed, not merged away.
    assert!(!text.contains("New variant"), "{text}");
    assert!(text.contains("Do you run your own physical data centre?"));
    assert!(text.contains("We are cloud only."), "{text}");
    // A question the bank has word for word, answered otherwise: the
    // company's answer is proposed beside the entry, not dropped.
    assert!(!text.contains("id = \"crypto.at-rest\""), "{text}");
    assert!(
        text.contains("Same question as `crypto.at-rest`") && text.contains("AES-256 everywhere."),
        "{text}"
    );
    // The proposals load as a bank (nda until approved) and answer the blank copy the same way.
    let blank = dir.path().join("blank.xlsx");
    completed(
        &blank,
        &rows
            .iter()
            .map(|(q, _, _)| (*q, "", ""))
            .collect::<Vec<_>>(),
    );
    let json = dir.path().join("q.json");
    qfill()
        .arg("fill")
        .arg(&blank)
        .arg("--bank")
        .arg(proposals.parent().unwrap())
        .arg("--mappings")
        .arg(&mappings)
        .args(["--audience", "nda", "--json"])
        .arg(&json)
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .success();
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let status = |row: u64| {
        j["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["row"] == row)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status(2), "auto");
    assert_eq!(status(3), "auto");
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(dir.path().join("out/blank.filled.xlsx")).unwrap();
    let r = calamine::Reader::worksheet_range(&mut wb, "Security").unwrap();
    assert_eq!(r.get_value((1, 2)).unwrap().to_string(), "Yes");
    assert_eq!(r.get_value((2, 2)).unwrap().to_string(), "No");
}

#[test]
fn harvest_from_nothing_proposes_every_answer_and_never_the_example_entries() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("answered.xlsx");
    completed(
        &input,
        &[
            (
                "Do you encrypt customer data at rest?",
                "Yes",
                "AES-256 everywhere.",
            ),
            ("Do you have cyber insurance?", "No", ""),
        ],
    );
    // An empty bank folder, and no bank folder at all: both start a bank.
    let empty = dir.path().join("empty-bank");
    std::fs::create_dir(&empty).unwrap();
    for (n, bank) in [(1, Some(&empty)), (2, None)] {
        let out = dir.path().join(format!("out{n}"));
        let mut cmd = qfill();
        cmd.args(["bank", "harvest"])
            .arg(&input)
            .arg("-o")
            .arg(&out);
        if let Some(b) = bank {
            cmd.arg("--bank").arg(b);
        }
        cmd.assert()
            .success()
            .stderr(predicate::str::contains("2 new entries, 0 new variants"));
        // -o names a folder: the proposals are NAME.toml inside it.
        let text = std::fs::read_to_string(out.join("answered.toml")).unwrap();
        assert!(text.contains("AES-256 everywhere."), "{text}");
        assert!(text.contains("short = \"No\""), "{text}");
        // Nothing of the built-in example company's bank.
        assert!(
            !text.contains("Brightwave") && !text.contains("crypto.at-rest"),
            "{text}"
        );
    }
    assert!(
        !empty.join("proposed").exists() && !dir.path().join("answer-bank").exists(),
        "proposals never make a folder look like a bank"
    );
}

#[test]
fn a_same_question_with_the_same_answer_is_a_new_variant() {
    let dir = tempfile::tempdir().unwrap();
    let (bank, mappings) = own_kit(dir.path());
    let approved = std::fs::read_to_string(bank.join("crypto.toml")).unwrap();
    assert!(approved.contains("id = \"crypto.at-rest\""));
    let input = dir.path().join("answered.xlsx");
    // The kit's own answer to the question, reworded question, plain "Yes".
    completed(
        &input,
        &[("Is customer data encrypted at rest?", "Yes", "")],
    );
    let out = dir.path().join("p.toml");
    qfill()
        .args(["bank", "harvest"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--bank")
        .arg(&bank)
        .arg("--mappings")
        .arg(&mappings)
        .assert()
        .success()
        .stderr(predicate::str::contains("0 new entries, 1 new variants"));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("New variant for `crypto.at-rest`"), "{text}");
    assert!(
        text.contains("Is customer data encrypted at rest?"),
        "{text}"
    );
}
