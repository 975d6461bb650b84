//! The approved answer bank: `answer-bank/*.toml`, one `[[entry]]` per answer.

use crate::mappings::Mappings;
use crate::model::{Circle, ControlId, Visibility};
use crate::source::SourceFile;
use anyhow::{Result, bail};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use toml::Spanned;

/// An entry as written in the TOML file (unknown keys are an error).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: Spanned<String>,
    circle: Circle,
    questions: Spanned<Vec<String>>,
    answer: String,
    short: Option<String>,
    #[serde(default)]
    controls: Vec<Spanned<ControlId>>,
    #[serde(default)]
    scope: Vec<Spanned<String>>,
    #[serde(default)]
    visibility: Visibility,
    owner: Option<String>,
    reviewed: Option<toml::value::Datetime>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    entry: Vec<RawEntry>,
}

/// Where an entry was written, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One approved answer.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub circle: Circle,
    /// Canonical question first, then variants.
    pub questions: Vec<String>,
    pub answer: String,
    pub short: Option<String>,
    pub controls: Vec<ControlId>,
    pub scope: Vec<String>,
    pub visibility: Visibility,
    pub owner: Option<String>,
    pub reviewed: Option<toml::value::Date>,
    pub tags: Vec<String>,
    pub origin: Origin,
    /// The first placeholder in its answer or short answer, found once when
    /// the bank is loaded: such an answer is a draft, never sent.
    pub placeholder: Option<String>,
}

/// How old an entry's review may be, and the day it is measured on: lint,
/// coverage and audit all ask it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staleness {
    pub today: jiff::civil::Date,
    pub max_age_days: i64,
}

impl Entry {
    /// When the entry was last reviewed, if it says.
    pub fn reviewed_on(&self) -> Option<jiff::civil::Date> {
        let d = self.reviewed?;
        jiff::civil::Date::new(d.year as i16, d.month as i8, d.day as i8).ok()
    }

    /// Not reviewed within the maximum age, or never.
    pub fn stale(&self, s: Staleness) -> bool {
        self.reviewed_on()
            .is_none_or(|d| i64::from((s.today - d).get_days()) > s.max_age_days)
    }
}

/// The whole bank, entries in file order.
#[derive(Debug, Clone)]
pub struct Bank {
    pub entries: Vec<Entry>,
    /// SHA-256 over the source files, so outputs say which bank made them.
    pub version: String,
}

/// What to say of a bank with no entries, naming the folder it was read from.
pub fn empty_bank_message(files: &[SourceFile]) -> String {
    let folder = files
        .first()
        .and_then(|f| std::path::Path::new(&f.name).parent())
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "the answer bank".into());
    format!(
        "{folder}: the answer bank has no [[entry]] tables; pass --bank DIR for your bank, or run `qfill init DIR` for a starter bank"
    )
}

impl Bank {
    /// The starter bank built into the binary.
    pub fn builtin(mappings: &Mappings) -> Result<Bank> {
        Bank::load(
            &crate::source::embedded_toml_files(
                &crate::source::DEFAULT_BANK,
                "(built-in) answer-bank",
            ),
            mappings,
        )
    }

    /// Parses and validates every file; the first problem is reported with its place.
    pub fn load(files: &[SourceFile], mappings: &Mappings) -> Result<Bank> {
        let (bank, problems) = Bank::load_all(files, mappings);
        if let Some(first) = problems.into_iter().next() {
            bail!(first);
        }
        if bank.entries.is_empty() {
            bail!("{}", empty_bank_message(files));
        }
        Ok(bank)
    }

    /// Every entry that is valid, and every problem (`file:line:col: what`),
    /// so that a linter can report them all at once. A file that does not
    /// parse contributes its first problem and no entries.
    pub fn load_all(files: &[SourceFile], mappings: &Mappings) -> (Bank, Vec<String>) {
        let mut entries = Vec::new();
        let mut problems = Vec::new();
        let mut seen: HashMap<String, Origin> = HashMap::new();
        let mut hasher = Sha256::new();
        for file in files {
            hasher.update(file.name.rsplit('/').next().unwrap_or("").as_bytes());
            hasher.update(file.text.as_bytes());
            let raw: RawFile = match file.parse_toml() {
                Ok(raw) => raw,
                Err(e) => {
                    problems.push(e.to_string());
                    continue;
                }
            };
            for r in raw.entry {
                let entry = match validate(file, r, mappings) {
                    Ok(entry) => entry,
                    Err(e) => {
                        problems.push(e.to_string());
                        continue;
                    }
                };
                if let Some(first) = seen.get(&entry.id) {
                    problems.push(format!(
                        "{}: duplicate entry id `{}` (first defined at {first}); give each entry its own id",
                        entry.origin, entry.id
                    ));
                    continue;
                }
                seen.insert(entry.id.clone(), entry.origin.clone());
                entries.push(entry);
            }
        }
        let version = format!("{:x}", hasher.finalize())[..16].to_string();
        (Bank { entries, version }, problems)
    }
}

fn validate(file: &SourceFile, r: RawEntry, mappings: &Mappings) -> Result<Entry> {
    let id_span = r.id.span();
    let at = file.at(&id_span);
    let id = r.id.into_inner();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
    {
        bail!("{at}: entry id `{id}` must use only a-z, 0-9, `.`, `_` and `-`");
    }
    let q_span = r.questions.span();
    let questions: Vec<String> = r
        .questions
        .into_inner()
        .into_iter()
        .map(|q| q.trim().to_string())
        .collect();
    if questions.is_empty() || questions.iter().any(|q| q.is_empty()) {
        bail!(
            "{}: entry `{id}` needs at least one question and no empty ones",
            file.at(&q_span)
        );
    }
    if r.answer.trim().is_empty() {
        bail!("{at}: entry `{id}` has an empty answer");
    }
    for s in &r.scope {
        if !mappings.scope.has_item(s.get_ref()) {
            bail!(
                "{}: entry `{id}` names scope id `{}`, which mappings/scope.toml does not define",
                file.at(&s.span()),
                s.get_ref()
            );
        }
    }
    let (line, column) = file.line_col(id_span.start);
    let answer = normalise_answer(&r.answer);
    let short = r
        .short
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let placeholder = draft_placeholder(&answer, short.as_deref());
    Ok(Entry {
        id,
        circle: r.circle,
        questions,
        answer,
        short,
        controls: r.controls.into_iter().map(Spanned::into_inner).collect(),
        scope: r.scope.into_iter().map(Spanned::into_inner).collect(),
        visibility: r.visibility,
        owner: r.owner,
        reviewed: r.reviewed.and_then(|d| d.date),
        tags: r.tags,
        origin: Origin {
            file: file.name.clone(),
            line,
            column,
        },
        placeholder,
    })
}

/// TOML multi-line strings wrap at ~100 columns; answers are paragraphs.
/// Single newlines become spaces, blank lines stay paragraph breaks.
pub fn normalise_answer(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Placeholders people leave in answers to fill in later: `[[ FILL IN: … ]]`,
/// `<insert name>`, `<N>`, `{{company}}`, `[Insert date]`, TBD, TODO, lorem ipsum.
static PLACEHOLDER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    crate::text::static_regex(concat!(
        r"\[\[[^\]]*\]\]",
        r"|\{\{[^}\n]*\}\}",
        // Angle brackets around a word or phrase (not "< 24 hours"); links,
        // addresses and HTML are told apart below.
        r"|<(?:[^\s<>][^<>\n]*[^\s<>]|[A-Za-z0-9])>",
        r"|\[(?i:insert|fill|add|enter|your|company|name|date|tbd|todo|placeholder|x+)\b[^\]\n]*\]",
        r"|\b(?:TBD|TBC|TODO|FIXME|XXX+)\b",
        r"|(?i:\blorem ipsum\b)",
    ))
});

/// HTML tags that may appear in an answer written for a web form.
const HTML_TAGS: &[&str] = &[
    "a", "b", "i", "u", "p", "br", "hr", "em", "strong", "ul", "ol", "li", "span", "div", "sup",
    "sub", "code", "pre", "table", "tr", "td", "th", "small", "mark",
];

/// The first placeholder in an entry's answer, else in its short answer.
pub fn draft_placeholder(answer: &str, short: Option<&str>) -> Option<String> {
    placeholder(answer)
        .or_else(|| short.and_then(placeholder))
        .map(str::to_string)
}

/// The first placeholder in a text, if any: an answer holding one is a draft,
/// never something to send.
pub fn placeholder(text: &str) -> Option<&str> {
    PLACEHOLDER
        .find_iter(text)
        .map(|m| m.as_str())
        .find(|m| !m.starts_with('<') || !angle_brackets_are_prose(m))
}

/// `<https://…>`, `<a@b.c>`, `<br>`, `</b>`, `<= x>`: not placeholders.
fn angle_brackets_are_prose(m: &str) -> bool {
    let inner = &m[1..m.len() - 1];
    let name = inner.split_whitespace().next().unwrap_or("");
    inner.contains("://")
        || inner.contains('@')
        || inner.starts_with(['/', '=', '-', '!'])
        || inner.ends_with(['/', '=', '-'])
        || HTML_TAGS.contains(&name.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("bank/t.toml", text)
    }

    const GOOD: &str = r#"
[[entry]]
id = "crypto.at-rest"
circle = "product"
questions = ["Do you encrypt data at rest?"]
answer = """
Yes. AES-256
everywhere.
"""
short = "Yes"
controls = ["8.24"]
"#;

    #[test]
    fn loads_an_entry_and_normalises_its_answer() {
        let m = Mappings::builtin().unwrap();
        let bank = Bank::load(&[file(GOOD)], &m).unwrap();
        let e = &bank.entries[0];
        assert_eq!(e.answer, "Yes. AES-256 everywhere.");
        assert_eq!(e.controls[0].to_string(), "A.8.24");
        assert_eq!(e.origin.line, 3);
    }

    #[test]
    fn placeholders_are_found_and_prose_is_not() {
        for (text, found) in [
            (
                "Yes. [[ FILL IN: which tool ]] runs nightly.",
                "[[ FILL IN: which tool ]]",
            ),
            ("We have <N> devices.", "<N>"),
            ("Backups go to <provider>.", "<provider>"),
            ("Contact <insert name here>.", "<insert name here>"),
            ("Signed by {{ceo}}.", "{{ceo}}"),
            ("Effective [Insert date].", "[Insert date]"),
            ("Retention: TBD", "TBD"),
            ("TODO write this", "TODO"),
            ("Lorem ipsum dolor.", "Lorem ipsum"),
        ] {
            assert_eq!(placeholder(text), Some(found), "{text}");
        }
        for text in [
            "Incidents are reported in < 24 hours and > 99% are closed.",
            "See <https://example.com/trust> or <security@example.com>.",
            "Line one<br>line two, <b>bold</b>.",
            "We use AES-256 [NIST SP 800-38D] everywhere.",
            "x <= y and a -> b",
            "The todo list app is out of scope.",
        ] {
            assert_eq!(placeholder(text), None, "{text}");
        }
    }

    #[test]
    fn duplicate_ids_name_both_places() {
        let m = Mappings::builtin().unwrap();
        let err = Bank::load(&[file(&format!("{GOOD}{GOOD}"))], &m)
            .unwrap_err()
            .to_string();
        assert!(err.contains("duplicate entry id `crypto.at-rest`"), "{err}");
        assert!(
            err.contains("bank/t.toml:14:6") && err.contains("bank/t.toml:3:6"),
            "{err}"
        );
    }

    #[test]
    fn unknown_controls_scopes_and_keys_are_errors() {
        let m = Mappings::builtin().unwrap();
        let bad_control = GOOD.replace("8.24", "9.99");
        let err = Bank::load(&[file(&bad_control)], &m)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("bank/t.toml:11") && err.contains("9.99"),
            "{err}"
        );

        let bad_scope = format!("{GOOD}scope = [\"nowhere\"]\n");
        let err = Bank::load(&[file(&bad_scope)], &m).unwrap_err().to_string();
        assert!(err.contains("scope id `nowhere`"), "{err}");

        let typo = GOOD.replace("short =", "shrot =");
        let err = Bank::load(&[file(&typo)], &m).unwrap_err().to_string();
        assert!(err.contains("unknown field `shrot`"), "{err}");
    }
}
