//! The JSON report of the spec: one object per detected question.

use crate::pipeline::Outcome;
use serde::Serialize;

#[derive(Serialize)]
pub struct Report<'a> {
    pub input: String,
    pub input_sha256: &'a str,
    pub bank_version: &'a str,
    pub questions: Vec<JsonQuestion<'a>>,
}

#[derive(Serialize)]
pub struct JsonQuestion<'a> {
    pub sheet: &'a str,
    pub row: u32,
    pub question_id: Option<&'a str>,
    pub question: &'a str,
    pub circle: crate::model::Circle,
    pub status: crate::model::Status,
    pub confidence: f64,
    pub bank_id: Option<&'a str>,
    /// Withheld (null) when the entry is NDA-only and the audience public.
    pub answer: Option<&'a str>,
    pub controls: &'a [crate::model::ControlId],
    pub why: &'a [String],
    pub alternatives: Vec<Alternative<'a>>,
}

#[derive(Serialize)]
pub struct Alternative<'a> {
    pub bank_id: &'a str,
    pub confidence: f64,
}

pub fn question(o: &Outcome) -> JsonQuestion<'_> {
    JsonQuestion {
        sheet: &o.question.sheet,
        row: o.question.row1(),
        question_id: o.question.id.as_deref(),
        question: &o.question.text,
        circle: o.circle,
        status: o.status,
        confidence: o.confidence,
        bank_id: o.bank_id.as_deref(),
        answer: if o.withheld {
            None
        } else {
            o.answer.as_deref()
        },
        controls: &o.controls,
        why: &o.why,
        alternatives: o
            .alternatives()
            .iter()
            .map(|(id, c)| Alternative {
                bank_id: id,
                confidence: *c,
            })
            .collect(),
    }
}

pub fn render(
    input_name: &str,
    input_sha256: &str,
    bank_version: &str,
    outcomes: &[Outcome],
) -> Vec<u8> {
    let report = Report {
        input: input_name.to_string(),
        input_sha256,
        bank_version,
        questions: outcomes.iter().map(question).collect(),
    };
    let mut out = serde_json::to_vec_pretty(&report).expect("plain data serialises");
    out.push(b'\n');
    out
}
