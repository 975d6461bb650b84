//! The backlog of a batch: one line per file, the unanswered questions
//! grouped across files, and the report workbook. Shards' reports are this
//! model's JSON, merged back into one.

use crate::model::{Circle, Status};
use crate::pipeline::Outcome;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a batch did with one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileResult {
    Filled,
    /// Its outputs were made from the same bytes with the same answers key.
    Skipped,
    Failed,
}

impl FileResult {
    pub fn as_str(self) -> &'static str {
        match self {
            FileResult::Filled => "filled",
            FileResult::Skipped => "skipped",
            FileResult::Failed => "failed",
        }
    }
}

impl std::fmt::Display for FileResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One file's line in the backlog report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileRow {
    pub file: String,
    pub result: FileResult,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    pub questions: usize,
    pub by_circle: BTreeMap<String, usize>,
    pub by_status: BTreeMap<String, usize>,
    pub auto_share: f64,
    /// Questions not answered automatically (review or none), for grouping.
    #[serde(default)]
    pub unanswered: Vec<String>,
}

/// Unanswered questions that ask the same thing, across the backlog.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Group {
    pub count: usize,
    pub example: String,
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Backlog {
    pub files: Vec<FileRow>,
    pub questions: usize,
    pub auto_share: f64,
    pub failed: usize,
    pub unanswered_groups: Vec<Group>,
}

/// A file's line from its answered questions.
pub fn row(file: String, result: FileResult, outcomes: &[Outcome]) -> FileRow {
    let counts: Vec<(Circle, Status, String)> = outcomes
        .iter()
        .map(|o| (o.circle, o.status, o.question.text.clone()))
        .collect();
    row_from(file, result, &counts)
}

/// A file's line from each question's circle, status and text.
pub fn row_from(file: String, result: FileResult, counts: &[(Circle, Status, String)]) -> FileRow {
    let mut by_circle: BTreeMap<String, usize> =
        Circle::ALL.iter().map(|c| (c.to_string(), 0)).collect();
    let mut by_status: BTreeMap<String, usize> =
        Status::ALL.iter().map(|s| (s.to_string(), 0)).collect();
    for (c, s, _) in counts {
        *by_circle.entry(c.to_string()).or_default() += 1;
        *by_status.entry(s.to_string()).or_default() += 1;
    }
    let auto = by_status["auto"];
    FileRow {
        file,
        result,
        error: None,
        questions: counts.len(),
        auto_share: if counts.is_empty() {
            0.0
        } else {
            auto as f64 / counts.len() as f64
        },
        by_circle,
        by_status,
        unanswered: counts
            .iter()
            .filter(|(_, s, _)| matches!(s, Status::Review | Status::None))
            .map(|(_, _, q)| q.clone())
            .collect(),
    }
}

/// The whole backlog from its files' lines.
pub fn backlog(mut files: Vec<FileRow>) -> Backlog {
    files.sort_by(|a, b| a.file.cmp(&b.file));
    let questions: usize = files.iter().map(|f| f.questions).sum();
    let auto: usize = files
        .iter()
        .map(|f| f.by_status.get("auto").copied().unwrap_or(0))
        .sum();
    Backlog {
        questions,
        auto_share: if questions == 0 {
            0.0
        } else {
            auto as f64 / questions as f64
        },
        failed: files
            .iter()
            .filter(|f| f.result == FileResult::Failed)
            .count(),
        unanswered_groups: group(&files),
        files,
    }
}

/// Groups unanswered questions that ask the same thing: each joins the first
/// group whose example is similar enough (strsim on normalised words), largest group first.
fn group(files: &[FileRow]) -> Vec<Group> {
    const SIMILAR: f64 = 0.6;
    let norm = |q: &str| crate::matching::normalise(&crate::matching::main_ask(q).0).to_lowercase();
    let mut groups: Vec<(String, Group)> = Vec::new();
    for f in files {
        for q in &f.unanswered {
            let key = norm(q);
            let found = groups
                .iter_mut()
                .find(|(k, _)| strsim::sorensen_dice(k, &key) >= SIMILAR);
            match found {
                Some((_, g)) => {
                    g.count += 1;
                    if !g.files.contains(&f.file) {
                        g.files.push(f.file.clone());
                    }
                }
                None => groups.push((
                    key,
                    Group {
                        count: 1,
                        example: q.clone(),
                        files: vec![f.file.clone()],
                    },
                )),
            }
        }
    }
    let mut groups: Vec<Group> = groups.into_iter().map(|(_, g)| g).collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then(a.example.cmp(&b.example)));
    groups
}

/// The backlog report as a workbook: files, then unanswered groups.
pub fn backlog_xlsx(b: &Backlog) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    book.set_properties(&crate::write::rebuild::fixed_properties());
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    ws.set_name("Files")?;
    let mut headers = vec!["File".to_string(), "Result".into(), "Questions".into()];
    headers.extend(Circle::ALL.iter().map(|c| c.to_string()));
    headers.extend(Status::ALL.iter().map(|s| s.to_string()));
    headers.extend(["Auto share".to_string(), "Error".into()]);
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
    }
    for (i, f) in b.files.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, &f.file)?;
        ws.write_string(r, 1, f.result.as_str())?;
        ws.write_number(r, 2, f.questions as f64)?;
        let counts = Circle::ALL
            .iter()
            .map(|c| f.by_circle.get(c.as_str()).copied().unwrap_or(0))
            .chain(
                Status::ALL
                    .iter()
                    .map(|s| f.by_status.get(s.as_str()).copied().unwrap_or(0)),
            );
        for (j, n) in counts.enumerate() {
            ws.write_number(r, 3 + j as u16, n as f64)?;
        }
        ws.write_number(r, 10, f.auto_share)?;
        ws.write_string(r, 11, f.error.as_deref().unwrap_or(""))?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_column_width(0, 40)?;
    let ws = book.add_worksheet();
    ws.set_name("Unanswered")?;
    for (c, h) in ["Questions", "Example question", "Files"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, g) in b.unanswered_groups.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, g.count as f64)?;
        ws.write_string(r, 1, crate::write::rebuild::clip(&g.example))?;
        ws.write_string(r, 2, crate::write::rebuild::clip(&g.files.join(", ")))?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_column_width(1, 80)?;
    ws.set_column_width(2, 60)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_unanswered_questions_are_grouped_largest_first() {
        let f = |file: &str, qs: &[&str]| FileRow {
            unanswered: qs.iter().map(|s| s.to_string()).collect(),
            ..row_from(file.into(), FileResult::Filled, &[])
        };
        let groups = group(&[
            f(
                "a.xlsx",
                &[
                    "Do you hold a FedRAMP authorization?",
                    "What is your carbon footprint?",
                ],
            ),
            f("b.xlsx", &["Do you hold FedRAMP authorization?"]),
        ]);
        assert_eq!(groups[0].count, 2);
        assert_eq!(groups[0].files, vec!["a.xlsx", "b.xlsx"]);
        assert_eq!(groups[1].count, 1);
    }
}
