//! The everyday path a new user walks: small files, honest answers, clear
//! messages and the usual command-line conventions.

mod common;

use common::{qfill, read_json};
use predicates::prelude::*;
use std::path::Path;

/// `qfill fill INPUT EXTRA… --json` next to the input, expecting success:
/// the JSON report and what was said on stderr.
fn fill_report(input: &Path, extra: &[&str]) -> (serde_json::Value, String) {
    let json = input.with_extension("report.json");
    let out = qfill()
        .arg("fill")
        .arg(input)
        .args(extra)
        .arg("--json")
        .arg(&json)
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    (read_json(&json), String::from_utf8_lossy(&out).into_owned())
}

fn csv(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn every_question_of_a_small_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let one = csv(
        dir.path(),
        "one.csv",
        "Question,Answer\nAre you GDPR compliant?,\n",
    );
    qfill()
        .arg("fill")
        .arg(&one)
        .assert()
        .success()
        .stderr(predicate::str::contains("1 questions"));
    let two = csv(
        dir.path(),
        "two.csv",
        "Question,Answer\nAre you GDPR compliant?,\nDo you require MFA for all remote access?,\n",
    );
    qfill()
        .arg("fill")
        .arg(&two)
        .assert()
        .success()
        .stderr(predicate::str::contains("2 questions"));
}

#[test]
fn a_boundary_statement_never_replaces_the_answer_to_a_legal_question() {
    let dir = tempfile::tempdir().unwrap();
    let one = csv(
        dir.path(),
        "gdpr.csv",
        "Question,Answer\nAre you GDPR compliant?,\n",
    );
    let (report, _) = fill_report(&one, &[]);
    let q = &report["questions"][0];
    assert_eq!(q["status"], "review", "{q}");
    assert_ne!(q["bank_id"], "iso.not-legal-compliance", "{q}");
    let answer = q["answer"].as_str().unwrap_or_default();
    assert!(!answer.starts_with("No."), "{answer}");
    // Asked about the certificate itself, the boundary statement answers.
    let cert = csv(
        dir.path(),
        "cert.csv",
        "Question,Answer\nDoes your ISO 27001 certification make you GDPR compliant?,\n",
    );
    let (report, _) = fill_report(&cert, &[]);
    let q = &report["questions"][0];
    assert_eq!(q["bank_id"], "iso.not-legal-compliance", "{q}");
}

#[test]
fn proposals_never_make_a_folder_look_like_a_bank() {
    let dir = tempfile::tempdir().unwrap();
    csv(
        dir.path(),
        "answered.csv",
        "Question,Answer\nDo you require MFA for all remote access?,Yes: every remote login uses a hardware key.\n",
    );
    let in_dir = |args: &[&str]| {
        let mut c = qfill();
        c.current_dir(dir.path()).args(args);
        c
    };
    in_dir(&["bank", "harvest", "answered.csv"])
        .assert()
        .success();
    assert!(!dir.path().join("answer-bank").exists());
    // The next commands in the same folder still work.
    in_dir(&["fill", "answered.csv", "--force"])
        .assert()
        .success();
    in_dir(&["search", "multi-factor authentication"])
        .assert()
        .success();
}

#[test]
fn an_empty_bank_is_an_error_that_names_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("answer-bank/proposed")).unwrap();
    csv(
        dir.path(),
        "q.csv",
        "Question,Answer\nDo you require MFA?,\n",
    );
    for args in [
        &["fill", "q.csv"][..],
        &["search", "mfa"],
        &["bank", "lint"],
        &["bank", "coverage"],
    ] {
        qfill()
            .current_dir(dir.path())
            .args(args)
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("answer-bank")
                    .and(predicate::str::contains("no answer bank")),
            );
    }
    std::fs::write(dir.path().join("answer-bank/notes.toml"), "# soon\n").unwrap();
    qfill()
        .current_dir(dir.path())
        .args(["bank", "lint"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "answer-bank: the answer bank has no [[entry]] tables",
        ));
}

fn dropdown_sheet(path: &Path, rows: &[[&str; 5]]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("Product").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    let yes_no = rust_xlsxwriter::DataValidation::new()
        .allow_list_strings(&["Yes", "No"])
        .unwrap();
    ws.add_data_validation(1, 2, rows.len() as u32, 2, &yes_no)
        .unwrap();
    wb.save(path).unwrap();
}

#[test]
fn an_answer_with_no_column_for_its_text_is_not_auto() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("product.xlsx");
    dropdown_sheet(
        &input,
        &[
            ["ID", "Question", "Answer", "", "Guidance"],
            [
                "P-1",
                "Do you require MFA for all remote access?",
                "",
                "",
                "Say how.",
            ],
            ["P-2", "Is data encrypted at rest?", "", "", ""],
        ],
    );
    let (report, said) = fill_report(&input, &[]);
    assert!(
        said.contains("have no column for their full text and are left for review: Product:2"),
        "{said}"
    );
    for q in report["questions"].as_array().unwrap() {
        assert_ne!(q["status"], "auto", "{q}");
        let why = q["why"].to_string();
        assert!(
            why.contains("no column on this sheet takes the full answer"),
            "{why}"
        );
    }
}

#[test]
fn a_repeated_section_header_names_the_comments_column() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("product.xlsx");
    dropdown_sheet(
        &input,
        &[
            ["ID", "Question", "Answer", "", "Guidance"],
            [
                "P-1",
                "Do you require MFA for all remote access?",
                "",
                "",
                "Say how.",
            ],
            ["P-2", "Is data encrypted at rest?", "", "", ""],
            ["", "", "Answer", "Additional Information", "Guidance"],
            ["P-3", "Do you back up customer data daily?", "", "", ""],
        ],
    );
    let (report, said) = fill_report(&input, &[]);
    assert!(said.contains("comments in D"), "{said}");
    let questions = report["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 3);
    for q in questions {
        assert!(!q["why"].to_string().contains("no column"), "{q}");
    }
}

#[test]
fn a_control_matrix_beside_the_questionnaire_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("caiq.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let q = wb.add_worksheet().set_name("Questions").unwrap();
    q.write_row(0, 0, ["ID", "Question", "Answer"]).unwrap();
    q.write_row(1, 0, ["Q-1", "Do you require MFA for all remote access?"])
        .unwrap();
    q.write_row(2, 0, ["Q-2", "Is customer data encrypted at rest?"])
        .unwrap();
    let m = wb.add_worksheet().set_name("CCM").unwrap();
    m.write_row(
        0,
        0,
        ["Control ID", "Control Specification", "Compliance Mapping"],
    )
    .unwrap();
    for i in 1..=8u32 {
        m.write_row(
            i,
            0,
            [
                format!("CO-0{i}"),
                format!("Audit plans and activities number {i} shall be agreed upon with customers before an audit."),
                format!("COBIT 4.1 ME 2.{i}"),
            ],
        )
        .unwrap();
    }
    wb.save(&input).unwrap();
    let (report, _) = fill_report(&input, &["--overwrite"]);
    let sheets: Vec<&str> = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["sheet"].as_str().unwrap())
        .collect();
    assert_eq!(sheets, ["Questions", "Questions"]);
    let mut filled = calamine::open_workbook_auto(dir.path().join("caiq.filled.xlsx")).unwrap();
    let range = calamine::Reader::worksheet_range(&mut filled, "CCM").unwrap();
    assert_eq!(
        range.get_value((1, 2)).map(|v| v.to_string()).as_deref(),
        Some("COBIT 4.1 ME 2.1")
    );
}

#[test]
fn search_and_fill_answer_a_question_the_same_way() {
    let questions = [
        "Are you GDPR compliant?",
        "Do you enforce 2FA for employees?",
        "Is customer data encrypted at rest?",
        "Who is your data protection officer?",
        "Does your ISO 27001 certificate cover your mobile app?",
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Question,Answer\n");
    for q in questions {
        text.push_str(&format!("\"{q}\",\n"));
    }
    let input = csv(dir.path(), "q.csv", &text);
    let (filled, _) = fill_report(&input, &[]);
    for (i, q) in questions.iter().enumerate() {
        let out = qfill()
            .args(["search", q, "--json", "--top", "6"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let s: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let f = &filled["questions"][i];
        assert_eq!(s["circle"], f["circle"], "{q}");
        let matches = s["matches"].as_array().unwrap();
        let chosen: Vec<&serde_json::Value> =
            matches.iter().filter(|m| m["chosen"] == true).collect();
        match f["bank_id"].as_str() {
            Some(id) => {
                assert_eq!(chosen.len(), 1, "{q}: {s}");
                assert_eq!(chosen[0]["bank_id"], id, "{q}");
                assert_eq!(chosen[0]["status"], f["status"], "{q}");
            }
            None => assert!(chosen.is_empty(), "{q}: {s}"),
        }
        // The suggestions a reviewer gets from `fill`, in its order, are
        // search's first ones: a longer list never reorders them.
        let suggested: Vec<&str> = f["bank_id"]
            .as_str()
            .into_iter()
            .chain(
                f["alternatives"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["bank_id"].as_str().unwrap()),
            )
            .collect();
        let searched: Vec<&str> = matches
            .iter()
            .map(|m| m["bank_id"].as_str().unwrap())
            .collect();
        assert!(suggested.len() >= 2, "{q}: {f}");
        assert_eq!(searched[..suggested.len()], suggested[..], "{q}");
    }
}

#[test]
fn messages_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("q.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n").unwrap();
    qfill()
        .arg("fill")
        .arg(&pdf)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a spreadsheet: this is a PDF"));
    let renamed = csv(
        dir.path(),
        "notes.xlsx",
        "Just some notes about the vendor.\n",
    );
    qfill()
        .arg("fill")
        .arg(&renamed)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a spreadsheet"));
    qfill()
        .args([
            "fill",
            &common::fixture("vendor-assessment.xlsx"),
            "--sheet",
            "Securty",
        ])
        .arg("-o")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no sheet is named `Securty`")
                .and(predicate::str::contains("Security")),
        );
    let not_a_folder = csv(dir.path(), "taken", "x");
    let q = csv(
        dir.path(),
        "q.csv",
        "Question,Answer\nDo you require MFA?,\n",
    );
    qfill()
        .arg("fill")
        .arg(&q)
        .arg("-o")
        .arg(&not_a_folder)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is not a folder"));
    for bad in [
        &["--auto-threshold", "1.5"][..],
        &["--auto-threshold", "0.5", "--review-threshold", "0.8"],
    ] {
        qfill()
            .arg("fill")
            .arg(&q)
            .args(bad)
            .arg("--force")
            .assert()
            .code(2);
    }
}

#[test]
fn json_to_standard_output_and_outputs_never_collide() {
    let dir = tempfile::tempdir().unwrap();
    let q = csv(
        dir.path(),
        "q.csv",
        "Question,Answer\nDo you require MFA?,\n",
    );
    let out = qfill()
        .current_dir(dir.path())
        .args(["fill", "q.csv", "--json", "-"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let j: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(j["questions"].as_array().unwrap().len(), 1);
    assert!(!dir.path().join("-").exists());
    // --json naming the filled workbook would replace the buyer's answers with JSON.
    let filled = dir.path().join("q.filled.csv");
    let before = std::fs::read(&filled).unwrap();
    qfill()
        .arg("fill")
        .arg(&q)
        .arg("--json")
        .arg(&filled)
        .arg("--force")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("two outputs"));
    assert_eq!(std::fs::read(&filled).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn outputs_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    csv(
        dir.path(),
        "q.csv",
        "Question,Answer\nDo you require MFA?,\n",
    );
    // Run under a known umask through the shell.
    let bin = assert_cmd::cargo::cargo_bin("qfill");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("umask 022 && '{}' fill q.csv -q", bin.display()))
        .current_dir(dir.path())
        .env("XDG_CACHE_HOME", common::test_cache())
        .status()
        .unwrap();
    assert!(status.success());
    let mode = std::fs::metadata(dir.path().join("q.filled.csv"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o644);
}

#[test]
fn quiet_says_nothing_but_errors() {
    let dir = tempfile::tempdir().unwrap();
    csv(
        dir.path(),
        "q.csv",
        "Question,Answer\nDo you require MFA?,\n",
    );
    qfill()
        .current_dir(dir.path())
        .args(["fill", "q.csv", "--quiet"])
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
    qfill()
        .current_dir(dir.path())
        .args(["-q", "fill", "missing.csv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("missing.csv"));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        qfill()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("fill").and(predicate::str::contains("auto-threshold")),
            );
    }
    qfill().arg("man").assert().success().stdout(
        predicate::str::contains(".TH qfill 1").and(predicate::str::contains("completions")),
    );
}

#[test]
fn the_over_claim_lint_catches_rewordings_and_passes_honest_answers() {
    let dir = tempfile::tempdir().unwrap();
    let bank = dir.path().join("bank");
    std::fs::create_dir(&bank).unwrap();
    let entry = |id: &str, answer: &str| {
        format!(
            "[[entry]]\nid = \"{id}\"\ncircle = \"isms\"\nquestions = [\"Tell us about {id}?\"]\nanswer = \"{answer}\"\nowner = \"security\"\nreviewed = 2026-11-01\n\n"
        )
    };
    let claims = [
        ("guarantee", "Our certification guarantees no breaches."),
        (
            "gdpr",
            "We are GDPR compliant because we are ISO 27001 certified.",
        ),
        ("product", "Brightwave Forms is ISO 27001 certified."),
    ];
    let honest = [
        (
            "honest-product",
            "Brightwave Forms is not certified itself; our ISMS is.",
        ),
        (
            "honest-law",
            "Our certification does not make us GDPR compliant.",
        ),
    ];
    let text: String = claims
        .iter()
        .chain(&honest)
        .map(|(id, a)| entry(id, a))
        .collect();
    std::fs::write(bank.join("claims.toml"), text).unwrap();
    let out = qfill()
        .args(["bank", "lint"])
        .arg(&bank)
        .args(["--mappings", &common::fixture("../mappings"), "--json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let flagged: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "over-claim")
        .map(|f| f["entry"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, ["guarantee", "gdpr", "product"], "{report}");
}

#[test]
fn each_test_runs_in_its_own_folder_that_starts_empty() {
    let here = common::workdir();
    assert_ne!(here, std::env::temp_dir());
    assert_eq!(std::fs::read_dir(&here).unwrap().count(), 0);
    qfill().args(["init", "."]).assert().success();
    assert!(here.join("answer-bank").is_dir());
    // The test's second run sees the first one's files: one folder per test.
    qfill()
        .args(["init", "."])
        .assert()
        .failure()
        .stderr(predicate::str::contains("already exists"));
}
