//! The semantic signal end to end: paraphrases found without shared words,
//! the bank's vectors cached by bank version, `--no-cache`, repeatable output.

mod common;

use common::{qfill, read_json};
use std::path::{Path, PathBuf};

const BANK: &str = r#"
[[entry]]
id = "people.leavers"
circle = "isms"
questions = ["How quickly is access removed when an employee leaves?"]
answer = "Leavers lose everything on their final day."

[[entry]]
id = "crypto.rest"
circle = "product"
questions = ["Do you encrypt customer data at rest?"]
answer = "Yes, with AES-256."

[[entry]]
id = "legal.insurance"
circle = "legal"
questions = ["Do you carry cyber liability insurance?"]
answer = "Yes, five million."

[[entry]]
id = "ops.backups"
circle = "product"
questions = ["How often are backups taken and tested?"]
answer = "Daily, restored monthly."

[[entry]]
id = "sdlc.review"
circle = "product"
questions = ["Is code reviewed before release?"]
answer = "Every change needs an approval."

[[entry]]
id = "gov.policy"
circle = "isms"
questions = ["Is there an information security policy approved by management?"]
answer = "Yes, reviewed yearly."
"#;

/// A bank folder with `text` as its only file.
fn bank(dir: &Path, text: &str) -> PathBuf {
    let bank = dir.join("bank");
    std::fs::create_dir_all(&bank).unwrap();
    std::fs::write(bank.join("bank.toml"), text).unwrap();
    bank
}

fn csv(dir: &Path, questions: &[&str]) -> PathBuf {
    let path = dir.join("q.csv");
    let mut text = String::from("Question,Answer\n");
    for q in questions {
        text.push_str(&format!("\"{q}\",\n"));
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn cache_files(cache: &Path) -> Vec<PathBuf> {
    let dir = cache.join("qfill");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn a_paraphrase_without_shared_words_is_found_by_the_semantic_stage() {
    let dir = tempfile::tempdir().unwrap();
    let bank = bank(dir.path(), BANK);
    // No content word in common with people.leavers, its question or its answer.
    let q = "How soon after an involuntary termination is the person's account disabled?";
    csv(dir.path(), &[q]);
    let labels = dir.path().join("labels.csv");
    std::fs::write(
        &labels,
        "file,sheet,row,expected_id,expected_circle\nq.csv,csv,2,people.leavers,\n",
    )
    .unwrap();
    let out = qfill()
        .args(["eval", "--stages", "--json", "--bank"])
        .arg(&bank)
        .arg(&labels)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let j: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let stages = &j["stages"];
    assert_eq!(stages["lexical"]["top4"], 0.0, "{stages}");
    assert_eq!(stages["semantic"]["top4"], 1.0, "{stages}");
    assert_eq!(stages["full"]["top4"], 1.0, "{stages}");
}

#[test]
fn bank_vectors_are_cached_by_bank_version_and_no_cache_skips_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let bank = bank(dir.path(), BANK);
    let input = csv(dir.path(), &["Are backups tested?"]);
    let fill = |out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        qfill()
            .env("XDG_CACHE_HOME", &cache)
            .arg("fill")
            .arg(&input)
            .arg("--bank")
            .arg(&bank)
            .arg("-o")
            .arg(&out)
            .arg("--json")
            .arg(out.join("q.json"))
            .args(extra)
            .assert()
            .success();
        read_json(&out.join("q.json"))
    };
    let uncached = fill("a", &["--no-cache"]);
    assert!(cache_files(&cache).is_empty(), "--no-cache writes nothing");

    let first = fill("b", &[]);
    let files = cache_files(&cache);
    assert_eq!(files.len(), 1, "{files:?}");
    let written = std::fs::metadata(&files[0]).unwrap().modified().unwrap();
    // Cached or not, the answers are the same.
    assert_eq!(uncached["questions"], first["questions"]);

    // A second run reads the cache and leaves it as it was.
    let second = fill("c", &[]);
    assert_eq!(second["questions"], first["questions"]);
    assert_eq!(cache_files(&cache), files);
    assert_eq!(
        std::fs::metadata(&files[0]).unwrap().modified().unwrap(),
        written
    );

    // A changed bank has another version: its vectors are made afresh.
    std::fs::write(
        bank.join("bank.toml"),
        BANK.replace("Daily, restored monthly.", "Hourly, restored weekly."),
    )
    .unwrap();
    fill("d", &[]);
    assert_eq!(cache_files(&cache).len(), 2);
}

#[test]
fn a_damaged_cache_file_is_ignored_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let bank = bank(dir.path(), BANK);
    let input = csv(dir.path(), &["Are backups tested?"]);
    let fill = |out: &str| {
        let out = dir.path().join(out);
        qfill()
            .env("XDG_CACHE_HOME", &cache)
            .arg("fill")
            .arg(&input)
            .arg("--bank")
            .arg(&bank)
            .arg("-o")
            .arg(&out)
            .arg("--json")
            .arg(out.join("q.json"))
            .assert()
            .success();
        read_json(&out.join("q.json"))
    };
    let good = fill("a");
    let file = cache_files(&cache).remove(0);
    let len = std::fs::metadata(&file).unwrap().len() as usize;
    std::fs::write(&file, vec![0xffu8; len]).unwrap();
    let again = fill("b");
    assert_eq!(good["questions"], again["questions"]);
    assert_ne!(std::fs::read(&file).unwrap(), vec![0xffu8; len], "rebuilt");
}

#[test]
fn the_same_input_gives_the_same_bytes_twice() {
    let dir = tempfile::tempdir().unwrap();
    let input = csv(
        dir.path(),
        &[
            "Do you encrypt customer data at rest?",
            "How soon is a leaver's account disabled?",
            "What colour is the carpet?",
        ],
    );
    let fill = |out: &str| {
        let out = dir.path().join(out);
        qfill()
            .arg("fill")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .arg("--json")
            .arg(out.join("q.json"))
            .assert()
            .success();
        ["q.filled.csv", "q.review.xlsx", "q.json"].map(|f| std::fs::read(out.join(f)).unwrap())
    };
    assert_eq!(fill("one"), fill("two"));
}
