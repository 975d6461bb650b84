//! `mappings/`: the ISMS scope, the Statement of Applicability, circle rules,
//! synonyms, wording templates and matching thresholds.
//!
//! A mappings directory may hold only some of the files; the others come from
//! the built-in defaults, so a team can start by writing just `scope.toml`. A
//! scope or SoA it lacks is the neutral one: the starter bank's example
//! company's boundaries only ever go with the starter bank.

pub mod annex_a;

use crate::model::{Circle, ControlId};
use crate::source::{SourceFile, embedded_mapping};
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;
use toml::Spanned;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    pub standard: String,
    pub certificate: Option<String>,
    pub body: Option<String>,
    pub valid_until: Option<toml::value::Datetime>,
    pub statement: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScopeKind {
    System,
    Data,
    Team,
    Location,
    Process,
    Supplier,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeItem {
    pub id: String,
    /// Part of the format (system, data, team, …); says what the item is.
    #[allow(dead_code)]
    pub kind: ScopeKind,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Only for out-of-scope items: why they are excluded.
    pub reason: Option<String>,
}

impl ScopeItem {
    /// The name and aliases, the ways a question may refer to this item.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    pub certification: Certification,
    #[serde(default)]
    pub in_scope: Vec<ScopeItem>,
    #[serde(default)]
    pub out_of_scope: Vec<ScopeItem>,
}

impl Scope {
    pub fn has_item(&self, id: &str) -> bool {
        self.in_scope
            .iter()
            .chain(&self.out_of_scope)
            .any(|i| i.id == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SoaStatus {
    Implemented,
    Partial,
    Planned,
    Excluded,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoaControl {
    pub id: ControlId,
    pub applicable: bool,
    pub justification: String,
    pub status: SoaStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Soa {
    #[serde(default)]
    pub control: Vec<SoaControl>,
}

impl Soa {
    pub fn get(&self, id: ControlId) -> Option<&SoaControl> {
        self.control.iter().find(|c| c.id == id)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Option<String>,
    circle: Circle,
    pattern: Spanned<String>,
    weight: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCircles {
    #[serde(default)]
    rule: Vec<RawRule>,
}

/// A compiled classification rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub circle: Circle,
    pub pattern: regex_automata::meta::Regex,
    pub weight: f64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Synonyms {
    /// Groups of terms that mean the same thing; the first is the canonical one.
    #[serde(default)]
    pub groups: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    /// What the certification covers.
    pub certification: String,
    /// The question names an out-of-scope item: `{item}`, `{reason}`.
    pub out_of_scope: String,
    /// Certification is asked to stand for legal compliance.
    pub legal: String,
    /// Certification is asked to stand for product assurance.
    pub product: String,
    /// For an NDA audience, after an answer citing a control the SoA excludes:
    /// `{control}`, `{control_title}`, `{justification}`.
    #[serde(default = "default_excluded_control")]
    pub excluded_control: String,
}

fn default_excluded_control() -> String {
    "{control} ({control_title}) is excluded from our Statement of Applicability: {justification}"
        .into()
}

/// What a question asks, compared with what an entry says
/// (`mappings/answerability.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answerability {
    /// Words that name no object of their own.
    #[serde(default)]
    pub generic: Vec<String>,
    /// Verbs that, listed three or more together, ask one thing.
    #[serde(default)]
    pub governance: Vec<String>,
    #[serde(default)]
    pub aspect: Vec<Aspect>,
}

/// One aspect a question may ask about and an entry must speak to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aspect {
    pub name: String,
    pub kind: AspectKind,
    pub terms: Vec<String>,
    /// Phrases in which the terms mean something else ("test data").
    #[serde(default)]
    pub not: Vec<String>,
    /// Match the terms as written, not by stem ("suppliers", not "the supplier").
    #[serde(default)]
    pub exact: bool,
    /// An entry that asks it answers something narrower than a question
    /// that does not ("Is the policy reviewed annually?" / "Do you have a policy?").
    #[serde(default)]
    pub narrows: bool,
}

/// How an aspect is compared; see `mappings/answerability.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AspectKind {
    /// Something done: tested, reviewed, encrypted, notified.
    Action,
    /// How, when or by whom: annually, within hours, independent.
    Qualifier,
    /// Who it is about: customers, staff, suppliers.
    Population,
    /// What field it is in: security, privacy. Never required.
    Domain,
}

impl AspectKind {
    /// Whether an entry about another aspect of this kind only is about something else.
    pub fn exclusive(self) -> bool {
        matches!(self, AspectKind::Population | AspectKind::Domain)
    }
}

/// Aspects are kept as bits of one word.
pub const MAX_ASPECTS: usize = 64;

/// Confidence thresholds: `auto` at or above `auto`, `review` at or above `review`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub auto: f64,
    pub review: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatching {
    thresholds: Thresholds,
}

/// Every mapping file, parsed and checked.
#[derive(Debug, Clone)]
pub struct Mappings {
    /// SHA-256 over the seven files, so a run can tell when they changed.
    pub version: String,
    pub scope: Scope,
    pub soa: Soa,
    pub rules: Vec<Rule>,
    pub synonyms: Synonyms,
    pub wording: Wording,
    pub thresholds: Thresholds,
    pub answerability: Answerability,
}

const FILES: [&str; 7] = [
    "scope.toml",
    "soa.toml",
    "circles.toml",
    "synonyms.toml",
    "wording.toml",
    "matching.toml",
    "answerability.toml",
];

impl Mappings {
    /// The defaults embedded in the binary.
    pub fn builtin() -> Result<Mappings> {
        Ok(Self::builtin_then(|_| ())?.0)
    }

    /// Reads `dir`; files it lacks come from the built-in defaults.
    pub fn load(dir: &Path) -> Result<Mappings> {
        Ok(Self::load_then(dir, false, |_| ())?.0)
    }

    /// [`Mappings::builtin`], running `then` while the circle rules compile.
    pub fn builtin_then<R: Send>(
        then: impl FnOnce(&Mappings) -> R + Send,
    ) -> Result<(Mappings, R)> {
        Self::from_files(|name| Ok(embedded_mapping(name)), then)
    }

    /// The built-in mappings with a neutral scope and SoA (`mappings/neutral/`):
    /// for a bank of your own, never the example company's boundaries.
    pub fn neutral_then<R: Send>(
        then: impl FnOnce(&Mappings) -> R + Send,
    ) -> Result<(Mappings, R)> {
        Self::from_files(|name| Ok(fallback(name)), then)
    }

    /// [`Mappings::load`], running `then` while the circle rules compile.
    /// `example`: a missing scope or SoA is the example company's (for the
    /// built-in bank), not the neutral one.
    pub fn load_then<R: Send>(
        dir: &Path,
        example: bool,
        then: impl FnOnce(&Mappings) -> R + Send,
    ) -> Result<(Mappings, R)> {
        if !dir.is_dir() {
            bail!(
                "{}: the mappings directory does not exist; run `qfill init DIR` to write the defaults",
                dir.display()
            );
        }
        Self::from_files(
            |name| {
                let path = dir.join(name);
                if path.exists() {
                    SourceFile::read(&path).map(Some)
                } else if example {
                    Ok(embedded_mapping(name))
                } else {
                    Ok(fallback(name))
                }
            },
            then,
        )
    }

    /// Parses and checks every file. Compiling the circle rules is most of the
    /// work and only classifying needs them, so `then` (loading the bank,
    /// building its index) runs meanwhile, on mappings without rules.
    fn from_files<R: Send>(
        mut get: impl FnMut(&str) -> Result<Option<SourceFile>>,
        then: impl FnOnce(&Mappings) -> R + Send,
    ) -> Result<(Mappings, R)> {
        let mut files = Vec::new();
        for name in FILES {
            let f = get(name)?.with_context(|| format!("mappings/{name} is missing"))?;
            files.push(f);
        }
        let [
            scope,
            soa,
            circles,
            synonyms,
            wording,
            matching,
            answerability,
        ] = <[SourceFile; 7]>::try_from(files).expect("seven files");
        let version = {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            for f in [
                &scope,
                &soa,
                &circles,
                &synonyms,
                &wording,
                &matching,
                &answerability,
            ] {
                h.update(f.text.len().to_le_bytes());
                h.update(f.text.as_bytes());
            }
            format!("{:x}", h.finalize())
        };
        let scope: Scope = scope.parse_toml()?;
        check_scope(&scope)?;
        let soa_parsed: Soa = soa.parse_toml()?;
        check_soa(&soa, &soa_parsed)?;
        let thresholds = matching.parse_toml::<RawMatching>()?.thresholds;
        if !(0.0..=1.0).contains(&thresholds.review)
            || !(0.0..=1.0).contains(&thresholds.auto)
            || thresholds.review > thresholds.auto
        {
            bail!(
                "{}: thresholds must satisfy 0 <= review <= auto <= 1",
                matching.name
            );
        }
        let mut mappings = Mappings {
            version,
            scope,
            soa: soa_parsed,
            rules: Vec::new(),
            synonyms: synonyms.parse_toml()?,
            wording: wording.parse_toml()?,
            thresholds,
            answerability: check_answerability(&answerability, answerability.parse_toml()?)?,
        };
        // `then` goes first: this thread runs it, an idle one takes the rules.
        let (then, rules) = rayon::join(|| then(&mappings), || compile_rules(&circles));
        mappings.rules = rules?;
        Ok((mappings, then))
    }
}

/// A file your own mappings lack: the built-in one, except that the scope and
/// SoA are the neutral ones, never the example company's.
fn fallback(name: &str) -> Option<SourceFile> {
    match name {
        "scope.toml" | "soa.toml" => embedded_mapping(&format!("neutral/{name}")),
        _ => embedded_mapping(name),
    }
}

fn check_scope(scope: &Scope) -> Result<()> {
    let mut ids = HashSet::new();
    for item in scope.in_scope.iter().chain(&scope.out_of_scope) {
        if !ids.insert(item.id.as_str()) {
            bail!(
                "mappings/scope.toml: scope id `{}` is defined twice",
                item.id
            );
        }
    }
    if let Some(item) = scope.out_of_scope.iter().find(|i| i.reason.is_none()) {
        bail!(
            "mappings/scope.toml: out-of-scope item `{}` needs a `reason` (it is quoted to buyers)",
            item.id
        );
    }
    Ok(())
}

fn check_answerability(file: &SourceFile, a: Answerability) -> Result<Answerability> {
    if a.aspect.len() > MAX_ASPECTS {
        bail!(
            "{}: {} aspects; at most {MAX_ASPECTS} are supported, so merge some",
            file.name,
            a.aspect.len()
        );
    }
    let mut names = HashSet::new();
    for aspect in &a.aspect {
        if !names.insert(aspect.name.as_str()) {
            bail!("{}: aspect `{}` is defined twice", file.name, aspect.name);
        }
        if aspect.terms.iter().all(|t| t.trim().is_empty()) {
            bail!("{}: aspect `{}` has no terms", file.name, aspect.name);
        }
    }
    Ok(a)
}

fn check_soa(file: &SourceFile, soa: &Soa) -> Result<()> {
    let mut ids = HashSet::new();
    for c in &soa.control {
        if !ids.insert(c.id) {
            bail!("{}: control {} appears twice in the SoA", file.name, c.id);
        }
    }
    Ok(())
}

fn compile_rules(file: &SourceFile) -> Result<Vec<Rule>> {
    use rayon::prelude::*;
    let raw: RawCircles = file.parse_toml()?;
    // Compiling is most of loading the mappings; rules compile independently.
    let compiled: Vec<Result<_, _>> = raw
        .rule
        .par_iter()
        .map(|r| crate::text::match_only(r.pattern.get_ref()))
        .collect();
    raw.rule
        .into_iter()
        .zip(compiled)
        .enumerate()
        .map(|(i, (r, pattern))| {
            let pattern = pattern.map_err(|e| {
                let first = e.lines().last().unwrap_or("").trim().to_string();
                anyhow::anyhow!(
                    "{}: invalid regular expression in rule {}: {first}",
                    file.at(&r.pattern.span()),
                    i + 1
                )
            })?;
            if !r.weight.is_finite() || !(-100.0..=100.0).contains(&r.weight) {
                anyhow::bail!(
                    "{}: rule {}: weight {} is not a number from -100 to 100",
                    file.name,
                    i + 1,
                    r.weight
                );
            }
            let name = r.name.unwrap_or_else(|| format!("{}", i + 1));
            Ok(Rule {
                name: format!("{}/{}", r.circle, name),
                circle: r.circle,
                pattern,
                weight: r.weight,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_mappings_load() {
        let m = Mappings::builtin().unwrap();
        assert!(!m.rules.is_empty());
        assert!(m.wording.certification.contains("ISMS scope"));
        assert!(m.thresholds.auto >= m.thresholds.review);
    }

    #[test]
    fn a_bad_regex_names_file_line_and_column() {
        let f = SourceFile::new(
            "mappings/circles.toml",
            "[[rule]]\ncircle = \"legal\"\npattern = '(gdpr'\nweight = 1.0\n",
        );
        let err = compile_rules(&f).unwrap_err().to_string();
        assert!(
            err.starts_with("mappings/circles.toml:3:11: invalid regular expression"),
            "{err}"
        );
    }
}
