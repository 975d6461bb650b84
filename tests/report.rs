//! `qfill report` and `fill --html`: the boundary report, read as bytes and
//! rendered in a real browser (headless Chromium).

mod common;
use common::{fill_json, fixture, qfill};
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Counts of the report's questions by circle, and by circle and status.
fn counts(json: &serde_json::Value, circle: &str, status: Option<&str>) -> usize {
    json["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["circle"] == circle && status.is_none_or(|s| q["status"] == s))
        .count()
}

/// Texts the starter bank and its SoA hold for NDA readers only.
fn confidential_texts() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let soa: toml::Value =
        toml::from_str(&std::fs::read_to_string(root.join("mappings/soa.toml")).unwrap()).unwrap();
    let mut out: Vec<String> = soa["control"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["justification"].as_str())
        .map(|j| j.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|j| j.len() >= 8)
        .collect();
    for file in std::fs::read_dir(root.join("answer-bank")).unwrap() {
        let bank: toml::Value =
            toml::from_str(&std::fs::read_to_string(file.unwrap().path()).unwrap()).unwrap();
        for e in bank["entry"].as_array().unwrap() {
            if e.get("visibility").and_then(|v| v.as_str()) == Some("nda") {
                // The opening of the answer, as TOML wraps it onto lines.
                let answer = e["answer"].as_str().unwrap();
                let opening: String = answer
                    .split_whitespace()
                    .take(8)
                    .collect::<Vec<_>>()
                    .join(" ");
                out.push(opening);
            }
        }
    }
    assert!(
        out.len() > 5,
        "the starter bank has confidential texts to look for"
    );
    out
}

/// The page's text with runs of whitespace made one space, to find a text however it wraps.
fn flat(page: &str) -> String {
    page.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn fill_writes_the_internal_page_beside_the_other_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let json = fill_json(fixture("vendor-assessment.xlsx"), &out, &["--html"]);
    let page = std::fs::read_to_string(out.join("vendor-assessment.report.html")).unwrap();
    // Internal: bank ids, confidences and why are there, and the scope statement.
    let q = &json["questions"][0];
    assert!(
        page.contains(q["bank_id"].as_str().unwrap()),
        "bank id of the first question"
    );
    assert!(page.contains(&format!("{:.2}", q["confidence"].as_f64().unwrap())));
    assert!(
        flat(&page)
            .contains("The information security management system of Brightwave Software Ltd")
    );
    for circle in ["legal", "isms", "product"] {
        let total = format!(
            r#"<td class="total" data-circle="{circle}">{}</td>"#,
            counts(&json, circle, None)
        );
        assert!(page.contains(&total), "{total}");
    }
    // Keyboard: each circle of the picture is a link, each section a summary to open.
    assert_eq!(
        page.matches(r##"<a class="ring" href="#circle="##).count(),
        3
    );
    assert_eq!(page.matches("<summary>").count(), 3);
    // Self-contained: nothing is fetched, no script comes from elsewhere.
    for outside in ["<link", "<script src", "src=\"http", "@import", "url("] {
        assert!(!page.contains(outside), "`{outside}` in the page");
    }
}

#[test]
fn the_public_page_carries_no_confidence_bank_id_or_nda_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // Filled for an NDA reader: the JSON holds NDA answers and SoA
    // justifications; the buyer's page must still hold none of them.
    let json = fill_json(
        fixture("vendor-assessment.xlsx"),
        &out,
        &["--audience", "nda"],
    );
    let nda_json = std::fs::read_to_string(out.join("q.json")).unwrap();
    let secrets = confidential_texts();
    assert!(
        secrets.iter().any(|s| flat(&nda_json).contains(s.as_str())),
        "the NDA fill must carry a confidential text for this test to mean anything"
    );
    qfill()
        .arg("report")
        .arg(out.join("q.json"))
        .args(["--audience", "public"])
        .assert()
        .success();
    let page = std::fs::read_to_string(out.join("q.public.html")).unwrap();
    let text = flat(&page);
    for s in &secrets {
        assert!(
            !text.contains(s.as_str()),
            "confidential `{s}` in the public page"
        );
    }
    let mut ids: Vec<&str> = Vec::new();
    for q in json["questions"].as_array().unwrap() {
        ids.extend(q["bank_id"].as_str());
        ids.extend(
            q["alternatives"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|a| a["bank_id"].as_str()),
        );
    }
    assert!(!ids.is_empty());
    for id in ids {
        assert!(!page.contains(id), "bank id `{id}` in the public page");
    }
    assert!(
        !page.to_lowercase().contains("confidence"),
        "the word confidence"
    );
    for status in ["auto", "none", "review"] {
        let status = format!("\"{status}\"");
        assert!(
            !page.contains(&status),
            "internal status {status} in the public page"
        );
    }
    // It still gives the boundary: the scope, what is not covered, and the questions.
    assert!(text.contains("What it does not cover"));
    assert!(text.contains("Brightwave Go mobile app (beta) is outside the scope"));
    assert!(text.contains("Does your ISO 27001 certification make you GDPR compliant?"));
}

#[test]
fn untrusted_report_text_is_escaped_and_a_bad_report_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("evil.json");
    let report = serde_json::json!({
        "input": "q.xlsx", "input_sha256": "00", "bank_version": "00",
        "questions": [{
            "sheet": "S\"><img src=x onerror=alert(1)>", "row": 2, "question_id": null,
            "question": "<script>alert('q')</script> Do you use MFA?",
            "circle": "product", "status": "review", "confidence": 0.5,
            "bank_id": null, "answer": "</td><script>alert('a')</script>",
            "controls": [], "why": ["<b>bold</b>"], "alternatives": []
        }]
    });
    std::fs::write(&json, serde_json::to_vec(&report).unwrap()).unwrap();
    qfill().arg("report").arg(&json).assert().success();
    let page = std::fs::read_to_string(dir.path().join("evil.report.html")).unwrap();
    assert!(!page.contains("<script>alert"), "a script from the report");
    assert!(!page.contains("<img src=x"), "markup from a sheet name");
    assert!(page.contains("&lt;script&gt;alert('q')&lt;/script&gt;"));
    // Not a fill report, or one with an impossible confidence: an error naming the file.
    std::fs::write(&json, b"{\"rows\": []}").unwrap();
    qfill()
        .arg("report")
        .arg(&json)
        .arg("--force")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("evil.json")
                .and(predicate::str::contains("qfill fill --json")),
        );
    let mut bad = report.clone();
    bad["questions"][0]["confidence"] = serde_json::json!(7.0);
    std::fs::write(&json, serde_json::to_vec(&bad).unwrap()).unwrap();
    qfill()
        .arg("report")
        .arg(&json)
        .arg("--force")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("row 2").and(predicate::str::contains("confidence")));
    // An existing page is kept without --force.
    std::fs::write(dir.path().join("evil.report.html"), b"mine").unwrap();
    std::fs::write(&json, serde_json::to_vec(&report).unwrap()).unwrap();
    qfill()
        .arg("report")
        .arg(&json)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        std::fs::read(dir.path().join("evil.report.html")).unwrap(),
        b"mine"
    );
}

/// Debian's Chromium, if installed. `.ci/run` installs it and sets
/// QFILL_REQUIRE_BROWSER, so there the browser tests never skip.
fn chromium() -> Option<PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("QFILL_REQUIRE_BROWSER").is_none(),
            "QFILL_REQUIRE_BROWSER is set but Chromium is not installed (apt-get install chromium)"
        );
        eprintln!("skipped: Chromium is not installed (apt-get install chromium; .ci/run does)");
    }
    found
}

/// Runs headless Chromium as the machine allows it (no sandbox as root, no
/// background network), with a fresh profile.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn the_page_renders_in_a_browser_with_its_counts_and_filters() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let json = fill_json(fixture("vendor-assessment.xlsx"), &out, &["--html"]);
    let page = out.join("vendor-assessment.report.html");
    // The filters are read from the address, as a shared link would give them.
    let url = format!("file://{}#circle=isms&status=auto", page.display());
    let dom = headless(&browser, &dir.path().join("profile"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8(dom.stdout).unwrap();
    for circle in ["legal", "isms", "product"] {
        let total = format!(
            r#"<td class="total" data-circle="{circle}">{}</td>"#,
            counts(&json, circle, None)
        );
        assert!(dom.contains(&total), "rendered counts: {total}");
    }
    // The script ran in the browser: only the ISMS questions answered automatically show.
    let wanted = counts(&json, "isms", Some("auto"));
    assert!(wanted > 0 && wanted < json["questions"].as_array().unwrap().len());
    assert!(
        dom.contains(&format!(r#"<output id="shown">{wanted}</output>"#)),
        "shown count after filtering"
    );
    let visible = dom
        .split("<tr data-circle=")
        .skip(1)
        .filter(|tag| !tag[..tag.find('>').unwrap()].contains("hidden"))
        .count();
    assert_eq!(visible, wanted, "rows left visible by the filters");

    // And it draws: a screenshot of the page (as in the README) is a real picture.
    let shot = dir.path().join("report.png");
    let status = headless(&browser, &dir.path().join("profile2"))
        .arg("--window-size=1200,1000")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(status.status.success());
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a rendered screenshot"
    );
    // It prints: every section, whatever the filters.
    let pdf = dir.path().join("report.pdf");
    let status = headless(&browser, &dir.path().join("profile3"))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(status.status.success());
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
}
