//! `qfill soa import` and `export`: an SoA spreadsheet in the shape real ones
//! have (2013 and 2022 ids side by side, 2022 ids as lossy numbers, several
//! rows per control), into `mappings/soa.toml`, used by lint, and back out.

mod common;

use common::qfill;
use predicates::prelude::*;
use std::path::Path;

/// A 2022 control as an SoA spreadsheet stores it: `5.10` becomes the number 5.1.
fn soa_xlsx(path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("SOA").unwrap();
    ws.write_row(
        0,
        0,
        [
            "ISO/IEC 27001:2013 Annex A Controls",
            "ISO/IEC 27001:2022 Clause Controls",
            "ISO/IEC 27001:2022 Clause Titles",
            "Applicable (N or Y)",
            "Selection Justification",
            "Implemented (Full, Partial, Not at All)",
            "Justification for Exclusion",
        ],
    )
    .unwrap();
    let rows: [(&str, f64, &str, &str, &str, &str, &str); 6] = [
        (
            "5.1.1",
            5.1,
            "5.1: Policies for information security",
            "Y",
            "Business requirement",
            "Full",
            "",
        ),
        (
            "8.1.3",
            5.1,
            "5.10: Acceptable use of information and other associated assets",
            "Y",
            "Business requirement",
            "Full",
            "",
        ),
        (
            "8.2.3",
            5.1,
            "5.10: Acceptable use of information and other associated assets",
            "Y",
            "Business requirement",
            "Partial",
            "",
        ),
        (
            "11.1.6",
            7.2,
            "7.2: Physical entry",
            "N",
            "",
            "",
            "No offices: fully remote company",
        ),
        (
            "12.6.1",
            8.8,
            "8.8: Management of technical vulnerabilities",
            "Y",
            "Risk treatment",
            "Not at All",
            "",
        ),
        ("", 0.0, "N/A", "", "", "", ""),
    ];
    for (i, (old, new, title, applicable, why, implemented, excluded)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write(r, 0, *old).unwrap();
        if *new > 0.0 {
            ws.write_number(r, 1, *new).unwrap();
        }
        ws.write(r, 2, *title).unwrap();
        ws.write(r, 3, *applicable).unwrap();
        ws.write(r, 4, *why).unwrap();
        ws.write(r, 5, *implemented).unwrap();
        ws.write(r, 6, *excluded).unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn an_soa_spreadsheet_becomes_soa_toml_and_lint_uses_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("soa.xlsx");
    soa_xlsx(&input);
    let out = dir.path().join("kit/mappings/soa.toml");
    let report = qfill()
        .args(["soa", "import"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&report).unwrap();
    assert_eq!(r["controls"], 4, "{r}");
    assert_eq!(r["applicable"], 3);
    assert_eq!(r["excluded"], 1);
    assert_eq!(r["implemented"], 1);
    assert_eq!(r["partial"], 1, "A.5.10: one row Full, one Partial");
    assert_eq!(r["planned"], 1);
    assert_eq!(r["missing"].as_array().unwrap().len(), 89);
    assert_eq!(r["unknown"][0]["row"], 7);
    let soa: toml::Table = std::fs::read_to_string(&out).unwrap().parse().unwrap();
    let controls = soa["control"].as_array().unwrap();
    let get = |id: &str| {
        controls
            .iter()
            .find(|c| c["id"].as_str() == Some(id))
            .unwrap()
    };
    assert_eq!(get("A.5.10")["status"].as_str(), Some("partial"));
    assert_eq!(get("A.5.1")["status"].as_str(), Some("implemented"));
    assert_eq!(get("A.7.2")["status"].as_str(), Some("excluded"));
    assert_eq!(
        get("A.7.2")["justification"].as_str(),
        Some("No offices: fully remote company")
    );
    // Never replaced without --force.
    qfill()
        .args(["soa", "import"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));
    // In a kit of one's own, coverage reads the imported SoA: only its three
    // applicable controls can be uncovered.
    let kit = dir.path().join("kit2");
    qfill().args(["init"]).arg(&kit).assert().success();
    qfill()
        .args(["soa", "import"])
        .arg(&input)
        .arg("-o")
        .arg(kit.join("mappings/soa.toml"))
        .arg("--force")
        .assert()
        .success();
    let coverage = qfill()
        .args(["bank", "coverage"])
        .arg(kit.join("answer-bank"))
        .arg("--mappings")
        .arg(kit.join("mappings"))
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let c: serde_json::Value = serde_json::from_slice(&coverage).unwrap();
    for u in c["uncovered_controls"].as_array().unwrap() {
        let id = u["id"].as_str().unwrap();
        assert!(
            ["A.5.1", "A.5.10", "A.8.8"].contains(&id),
            "{id} is not applicable in the imported SoA"
        );
    }
    qfill()
        .args(["bank", "lint"])
        .arg(kit.join("answer-bank"))
        .arg("--mappings")
        .arg(kit.join("mappings"))
        .assert()
        .stdout(
            predicate::str::contains("soa-claim").and(predicate::str::contains(
                "cites A.8.8, which the SoA marks as planned",
            )),
        );
}

#[test]
fn export_then_import_gives_back_the_same_soa() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    // `-o` names folders here: the files get their usual names in them.
    let out = dir.path().join("out");
    qfill()
        .args([
            "soa",
            "export",
            "--mappings",
            &format!("{root}/mappings"),
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let xlsx = out.join("soa.xlsx");
    let kit = dir.path().join("kit");
    qfill()
        .args(["soa", "import"])
        .arg(&xlsx)
        .arg("-o")
        .arg(&kit)
        .assert()
        .success();
    let back = kit.join("soa.toml");
    qfill()
        .args(["bank", "export", &format!("{root}/answer-bank")])
        .args(["--mappings", &format!("{root}/mappings"), "-o"])
        .arg(&out)
        .assert()
        .success();
    assert!(
        out.join("bank.xlsx").is_file(),
        "bank export -o DIR writes DIR/bank.xlsx"
    );
    let original: toml::Table = std::fs::read_to_string(format!("{root}/mappings/soa.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let imported: toml::Table = std::fs::read_to_string(&back).unwrap().parse().unwrap();
    let key = |t: &toml::Table| {
        let mut v: Vec<String> = t["control"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{}|{}|{}", c["id"], c["applicable"], c["status"]))
            .collect();
        v.sort();
        v
    };
    assert_eq!(key(&original), key(&imported));
}
