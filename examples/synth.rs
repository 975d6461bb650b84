//! Synthetic questionnaires and banks of any size, for benchmarks.
//!
//!   cargo run --release --example synth -- bank 2000 target/synth/bank
//!   cargo run --release --example synth -- questionnaire 1000 target/synth/q.xlsx [BANK_DIR]
//!   cargo run --release --example synth -- backlog 100 300 target/synth/backlog [BANK_DIR]
//!
//! Entries and questions are drawn from a bank (the starter bank by default),
//! with words varied, so sizes grow without the text becoming one repeated line.

use qfill::bank::{Bank, Entry};
use qfill::mappings::Mappings;
use qfill::source::{DEFAULT_BANK, embedded_toml_files, toml_files_in};
use rust_xlsxwriter::Workbook;
use std::path::Path;

const PREFIXES: [&str; 6] = [
    "",
    "Please confirm: ",
    "Q: ",
    "Describe: ",
    "Security: ",
    "Vendor check - ",
];
const SUFFIXES: [&str; 5] = [
    "",
    " Provide details.",
    " If not, explain why.",
    " (mandatory)",
    " Please attach evidence.",
];

fn source_bank(dir: Option<&str>) -> Bank {
    let m = Mappings::builtin().expect("built-in mappings");
    let files = match dir {
        Some(d) => toml_files_in(Path::new(d)).expect("bank folder"),
        None => embedded_toml_files(&DEFAULT_BANK, "answer-bank"),
    };
    Bank::load(&files, &m).expect("bank loads")
}

fn question(bank: &Bank, i: usize) -> String {
    let e: &Entry = &bank.entries[(i * 7919) % bank.entries.len()];
    let q = &e.questions[i % e.questions.len()];
    format!(
        "{}{}{}",
        PREFIXES[i % PREFIXES.len()],
        q,
        SUFFIXES[(i / 3) % SUFFIXES.len()]
    )
}

fn write_questionnaire(bank: &Bank, n: usize, seed: usize, out: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Questions").unwrap();
    for (c, h) in ["ID", "Question", "Answer", "Comments"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    for i in 0..n {
        ws.write(i as u32 + 1, 0, format!("Q-{:04}", i + 1))
            .unwrap();
        ws.write(i as u32 + 1, 1, question(bank, seed * 1000 + i))
            .unwrap();
    }
    if let Some(p) = out.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    wb.save(out).unwrap();
}

fn write_bank(source: &Bank, n: usize, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut text = String::new();
    for i in 0..n {
        let e = &source.entries[i % source.entries.len()];
        let round = i / source.entries.len();
        // Later rounds name a variant topic so entries differ, as a grown bank's do.
        let topic = if round == 0 {
            String::new()
        } else {
            format!(" for system {round}")
        };
        let questions: Vec<String> = e
            .questions
            .iter()
            .map(|q| format!("{:?}", format!("{}{topic}", q.trim_end_matches('?')) + "?"))
            .collect();
        text.push_str(&format!(
            "[[entry]]\nid = \"{}.{round}\"\ncircle = \"{}\"\nquestions = [{}]\nanswer = {:?}\n{}\n",
            e.id,
            e.circle,
            questions.join(", "),
            format!("{}{topic}", e.answer),
            e.short.as_ref().map(|s| format!("short = {s:?}\n")).unwrap_or_default(),
        ));
    }
    std::fs::write(dir.join("synthetic.toml"), text).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    match (arg(0), arg(1)) {
        (Some("bank"), Some(n)) => write_bank(
            &source_bank(None),
            n.parse().unwrap(),
            Path::new(arg(2).expect("DIR")),
        ),
        (Some("questionnaire"), Some(n)) => write_questionnaire(
            &source_bank(arg(3)),
            n.parse().unwrap(),
            0,
            Path::new(arg(2).expect("OUT.xlsx")),
        ),
        (Some("backlog"), Some(files)) => {
            let bank = source_bank(arg(4));
            let per: usize = arg(2).expect("QUESTIONS").parse().unwrap();
            let dir = Path::new(arg(3).expect("DIR"));
            for f in 0..files.parse::<usize>().unwrap() {
                write_questionnaire(&bank, per, f, &dir.join(format!("q{f:03}.xlsx")));
            }
        }
        _ => eprintln!(
            "usage: synth bank N DIR | questionnaire N OUT.xlsx [BANK] | backlog FILES QUESTIONS DIR [BANK]"
        ),
    }
}
