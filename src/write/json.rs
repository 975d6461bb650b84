//! The JSON report of the spec: one object per detected question. The same
//! types read it back (`qfill report`, `qfill audit`), where it is untrusted.

use crate::model::{Circle, ControlId, Status};
use crate::pipeline::Outcome;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub input: String,
    pub input_sha256: String,
    pub bank_version: String,
    /// What the answers depend on besides the input (bank, mappings,
    /// thresholds, options, qfill's version): `batch` refills when it changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers_key: Option<String>,
    pub questions: Vec<JsonQuestion>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonQuestion {
    pub sheet: String,
    pub row: u32,
    pub question_id: Option<String>,
    pub question: String,
    pub circle: Circle,
    pub status: Status,
    pub confidence: f64,
    pub bank_id: Option<String>,
    /// Withheld (null) when the entry is NDA-only and the audience public.
    pub answer: Option<String>,
    #[serde(default)]
    pub controls: Vec<ControlId>,
    #[serde(default)]
    pub why: Vec<String>,
    #[serde(default)]
    pub alternatives: Vec<Alternative>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Alternative {
    pub bank_id: String,
    pub confidence: f64,
}

pub fn question(o: &Outcome) -> JsonQuestion {
    JsonQuestion {
        sheet: o.question.sheet.clone(),
        row: o.question.row1(),
        question_id: o.question.id.clone(),
        question: o.question.text.clone(),
        circle: o.circle,
        status: o.status,
        confidence: o.confidence,
        bank_id: o.bank_id.clone(),
        answer: if o.withheld { None } else { o.answer.clone() },
        controls: o.controls.clone(),
        why: o.why.clone(),
        alternatives: o
            .alternatives()
            .iter()
            .map(|(id, c)| Alternative {
                bank_id: id.clone(),
                confidence: *c,
            })
            .collect(),
    }
}

/// The report of one fill, as data.
pub fn report(
    input_name: &str,
    input_sha256: &str,
    bank_version: &str,
    answers_key: &str,
    outcomes: &[Outcome],
) -> Report {
    Report {
        input: input_name.to_string(),
        input_sha256: input_sha256.to_string(),
        bank_version: bank_version.to_string(),
        answers_key: Some(answers_key.to_string()),
        questions: outcomes.iter().map(question).collect(),
    }
}

pub fn render(report: &Report) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(report).expect("plain data serialises");
    out.push(b'\n');
    out
}

/// The most a fill report may weigh: a 100,000-question report is ~100 MB.
const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a report `qfill fill --json` wrote; any file may claim to be one.
pub fn read(path: &Path) -> Result<Report> {
    let name = path.display();
    let bytes = crate::ingest::read_capped(path, MAX_REPORT_BYTES)
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    parse(&bytes).with_context(|| name.to_string())
}

/// A fill report from its bytes, checked as far as its types cannot say.
pub fn parse(bytes: &[u8]) -> Result<Report> {
    let report: Report =
        serde_json::from_slice(bytes).context("not a report written by `qfill fill --json`")?;
    if let Some(q) = report
        .questions
        .iter()
        .find(|q| !(0.0..=1.0).contains(&q.confidence))
    {
        anyhow::bail!(
            "sheet `{}` row {}: confidence {} is outside [0, 1]; was the report edited?",
            q.sheet,
            q.row,
            q.confidence
        );
    }
    Ok(report)
}
