//! The everyday path a new user walks: small files, honest answers, clear
//! messages and the usual command-line conventions.

mod common;

use common::{qfill, read_json};
use predicates::prelude::*;
use std::path::Path;

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
    let json = dir.path().join("gdpr.json");
    qfill()
        .arg("fill")
        .arg(&one)
        .arg("--json")
        .arg(&json)
        .assert()
        .success();
    let q = &read_json(&json)["questions"][0];
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
    let json = dir.path().join("cert.json");
    qfill()
        .arg("fill")
        .arg(&cert)
        .arg("--json")
        .arg(&json)
        .assert()
        .success();
    let q = &read_json(&json)["questions"][0];
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
