//! `qfill bank lint`: what keeps an answer bank true to the ISMS scope, the
//! Statement of Applicability and the limits of ISO/IEC 27001 certification.

use crate::bank::{Bank, Entry};
use crate::compose::fill_template;
use crate::mappings::{Mappings, SoaStatus};
use crate::matching::{Matcher, normalise};
use crate::model::Visibility;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One thing a curator should look at.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub rule: &'static str,
    /// `file:line:col` of the entry.
    pub at: String,
    pub entry: Option<String>,
    pub message: String,
    /// The other place, for duplicates and contradictions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub also: Option<String>,
    /// What to write instead, where there is a standard wording.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// How similar two questions must be to count as the same question.
const DUPLICATE: f64 = 0.9;

pub struct Options {
    pub today: jiff::civil::Date,
    pub max_age_days: i64,
}

/// Every finding for a loaded bank (schema problems come from loading).
pub fn lint(bank: &Bank, mappings: &Mappings, matcher: &Matcher, opts: &Options) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in &bank.entries {
        out.extend(placeholders(e));
        out.extend(soa_claims(e, mappings));
        out.extend(over_claims(e, mappings));
        out.extend(leaks(e, bank, mappings));
        out.extend(curation(e, opts));
    }
    out.extend(duplicates(bank, matcher));
    out.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(a.at.cmp(&b.at))
            .then(a.rule.cmp(b.rule))
    });
    out
}

fn finding(severity: Severity, rule: &'static str, e: &Entry, message: String) -> Finding {
    Finding {
        severity,
        rule,
        at: e.origin.to_string(),
        entry: Some(e.id.clone()),
        message,
        also: None,
        fix: None,
    }
}

/// A draft left in an answer: qfill never sends it, so the entry answers nothing.
fn placeholders(e: &Entry) -> Option<Finding> {
    let p = e.placeholder.as_deref()?;
    Some(finding(
        Severity::Error,
        "placeholder",
        e,
        format!(
            "the answer holds a placeholder `{p}`; write the real answer (qfill never sends it as it is)"
        ),
    ))
}

/// Whether the answer claims, plainly, that the thing is done.
fn claims_in_full(e: &Entry) -> bool {
    e.short
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("yes"))
        || e.answer.trim_start().to_lowercase().starts_with("yes")
}

/// Controls the SoA excludes, or has only partly or not yet implemented.
fn soa_claims(e: &Entry, m: &Mappings) -> Vec<Finding> {
    e.controls
        .iter()
        .filter_map(|id| {
            let c = m.soa.get(*id)?;
            let state = match (c.applicable, c.status) {
                (false, _) | (_, SoaStatus::Excluded) => "excludes",
                (_, SoaStatus::Partial) => "marks only partially implemented",
                (_, SoaStatus::Planned) => "marks as planned",
                (_, SoaStatus::Implemented) => return None,
            };
            Some(if claims_in_full(e) {
                finding(
                    Severity::Error,
                    "soa-claim",
                    e,
                    format!("cites {id}, which the SoA {state}, but claims it in full (\"Yes\"); say what is and is not in place, or drop the control"),
                )
            } else {
                finding(
                    Severity::Warning,
                    "soa-claim",
                    e,
                    format!("cites {id}, which the SoA {state}; check that the answer says so"),
                )
            })
        })
        .collect()
}

struct OverClaim {
    what: &'static str,
    pattern: Regex,
    /// Which wording template says it right.
    template: fn(&Mappings) -> &str,
}

static OVER_CLAIMS: LazyLock<Vec<OverClaim>> = LazyLock::new(|| {
    let r = crate::text::static_regex;
    vec![
        OverClaim {
            what: "says the product, code or platform is certified",
            // "our platform is certified", not "Brightwave Software Ltd is certified".
            pattern: r(
                r"(?i)\b(our|the|your|this)\s+(\w+\s+){0,2}(products?|platforms?|software|applications?|apps?|code|codebase|services?)\b[^.]{0,30}\b(is|are|has been|have been)\s+(iso\s*(/iec\s*)?27001[\s-]*)?certified",
            ),
            template: |m| &m.wording.product,
        },
        OverClaim {
            what: "says certification guarantees security or no breaches",
            pattern: r(
                r"(?i)\b(certif\w*|iso\s*27001)\b[^.]{0,60}\b(guarantee[sd]?|ensures?|proves?)\b[^.]{0,40}\b(secure|security|breach\w*|safe)",
            ),
            template: |m| &m.wording.certification,
        },
        OverClaim {
            what: "says certification makes the company compliant with a law",
            pattern: r(
                r"(?i)\b(certif\w*|iso\s*27001)\b[^.]{0,60}\b(makes? us|means? we are|proves? (that )?we are|demonstrates? (that )?we are)\b[^.]{0,20}\b(compliant|compliance)\b",
            ),
            template: |m| &m.wording.legal,
        },
        OverClaim {
            what: "says a cloud provider's certificate extends to the company",
            pattern: r(
                r"(?i)\b(aws|amazon|azure|microsoft|google|gcp|cloud provider|hosting provider|provider)\b[^.]{0,30}\b(certif\w*|iso\s*27001)\b[^.]{0,40}\b(covers|extends to|applies to|inherit\w*)\b[^.]{0,20}\b(us|our|we)\b",
            ),
            template: |m| &m.wording.certification,
        },
        OverClaim {
            what: "says certification validates past practice",
            pattern: r(
                r"(?i)\b(certif\w*)\b[^.]{0,60}\b(covers|applies to|vouches for|validates|confirms)\b[^.]{0,40}\b(before|prior to|previous years|historically|the past|retroactive\w*)\b",
            ),
            template: |m| &m.wording.certification,
        },
    ]
});

static WHOLE_COMPANY: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)\b(certif\w*|isms|iso\s*27001)\b[^.]{0,50}\b(covers|applies to|includes|spans)\b[^.]{0,20}\b(the (whole|entire) (company|organi[sz]ation|business|group)|all (of )?our (systems|products|services|operations|business)|every(thing| part of the (company|business)))",
    )
});

static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)\b(not|no|never|cannot|can't|isn't|aren't|doesn't|does not|neither|nor|without)\b",
    )
});

/// Claims about the certificate that go past what ISO/IEC 27001 certifies, sentence by sentence.
fn over_claims(e: &Entry, m: &Mappings) -> Vec<Finding> {
    let standard = m.scope.certification.standard.as_str();
    let mut out = Vec::new();
    for sentence in sentences(&e.answer) {
        if NEGATION.is_match(sentence) {
            continue;
        }
        for c in OVER_CLAIMS.iter() {
            if c.pattern.is_match(sentence) {
                let mut f = finding(
                    Severity::Error,
                    "over-claim",
                    e,
                    format!("{}: \"{}\"", c.what, sentence.trim()),
                );
                f.fix = Some(fill_template((c.template)(m), &[("standard", standard)]));
                out.push(f);
            }
        }
        if !m.scope.out_of_scope.is_empty() && WHOLE_COMPANY.is_match(sentence) {
            let mut f = finding(
                Severity::Error,
                "over-claim",
                e,
                format!(
                    "says the certificate covers the whole company, but the scope leaves things out: \"{}\"",
                    sentence.trim()
                ),
            );
            f.fix = Some(fill_template(
                &m.wording.certification,
                &[("standard", standard)],
            ));
            out.push(f);
        }
    }
    out
}

fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['.', '!', '?', '\n'])
        .filter(|s| !s.trim().is_empty())
}

/// A public entry that repeats an SoA justification or an NDA entry's text.
fn leaks(e: &Entry, bank: &Bank, m: &Mappings) -> Vec<Finding> {
    if e.visibility != Visibility::Public {
        return Vec::new();
    }
    let answer = normalise(&e.answer).to_lowercase();
    let mut out = Vec::new();
    for c in &m.soa.control {
        let j = normalise(&c.justification).to_lowercase();
        if j.len() >= 30 && answer.contains(j.trim_end_matches('.')) {
            out.push(finding(
                Severity::Error,
                "leak",
                e,
                format!("is public but quotes the SoA justification of {} (SoA text is shown only under NDA)", c.id),
            ));
        }
    }
    for other in bank
        .entries
        .iter()
        .filter(|o| o.visibility == Visibility::Nda)
    {
        let quoted = sentences(&other.answer)
            .map(|s| normalise(s).to_lowercase())
            .find(|s| s.trim().len() >= 30 && answer.contains(s.trim()));
        if let Some(s) = quoted {
            let mut f = finding(
                Severity::Error,
                "leak",
                e,
                format!(
                    "is public but repeats NDA entry `{}`: \"{}\"",
                    other.id,
                    s.trim()
                ),
            );
            f.also = Some(other.origin.to_string());
            out.push(f);
        }
    }
    out
}

/// Stale reviews and missing owners.
fn curation(e: &Entry, opts: &Options) -> Vec<Finding> {
    let mut out = Vec::new();
    match e.reviewed {
        Some(d) => {
            let date = jiff::civil::date(d.year as i16, d.month as i8, d.day as i8);
            let age = i64::from((opts.today - date).get_days());
            if age > opts.max_age_days {
                out.push(finding(
                    Severity::Warning,
                    "stale",
                    e,
                    format!("last reviewed {date}, {age} days ago (more than {}); review it and update `reviewed`", opts.max_age_days),
                ));
            }
        }
        None => out.push(finding(
            Severity::Warning,
            "stale",
            e,
            "has no `reviewed` date".into(),
        )),
    }
    if e.owner.as_deref().is_none_or(|o| o.trim().is_empty()) {
        out.push(finding(
            Severity::Warning,
            "owner",
            e,
            "has no `owner` to keep it true".into(),
        ));
    }
    out
}

/// Questions asked by two entries, and entries that answer the same question
/// Yes and No. Candidates come from the index, so a big bank is not compared pairwise.
fn duplicates(bank: &Bank, matcher: &Matcher) -> Vec<Finding> {
    let mut out = Vec::new();
    let norm = |q: &str| normalise(q).to_lowercase();
    for (i, e) in bank.entries.iter().enumerate() {
        for q in &e.questions {
            for (j, _) in matcher.retrieve(q, 5) {
                if j <= i {
                    continue;
                }
                let other = &bank.entries[j];
                let Some(oq) = other
                    .questions
                    .iter()
                    .find(|oq| strsim::sorensen_dice(&norm(q), &norm(oq)) >= DUPLICATE)
                else {
                    continue;
                };
                let contradiction = match (e.short.as_deref(), other.short.as_deref()) {
                    (Some(a), Some(b)) => polarity(a).zip(polarity(b)).is_some_and(|(a, b)| a != b),
                    _ => false,
                };
                let mut f = if contradiction {
                    finding(
                        Severity::Error,
                        "contradiction",
                        e,
                        format!(
                            "answers \"{q}\" {}, but `{}` answers the same question \"{oq}\" {}",
                            e.short.as_deref().unwrap_or(""),
                            other.id,
                            other.short.as_deref().unwrap_or("")
                        ),
                    )
                } else {
                    finding(
                        Severity::Warning,
                        "near-duplicate",
                        e,
                        format!(
                            "question \"{q}\" is nearly the same as \"{oq}\" of `{}`; merge them or tell them apart",
                            other.id
                        ),
                    )
                };
                f.also = Some(other.origin.to_string());
                out.push(f);
            }
        }
    }
    out.dedup_by(|a, b| a.at == b.at && a.also == b.also && a.rule == b.rule);
    out
}

fn polarity(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" => Some(true),
        "no" | "n" | "false" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn check(entries: &str) -> Vec<Finding> {
        let m = Mappings::builtin().unwrap();
        let (bank, problems) = Bank::load_all(&[SourceFile::new("b.toml", entries)], &m);
        assert!(problems.is_empty(), "{problems:?}");
        let matcher = Matcher::new(&bank, &m).unwrap();
        let opts = Options {
            today: jiff::civil::date(2026, 11, 24),
            max_age_days: 365,
        };
        lint(&bank, &m, &matcher, &opts)
    }

    fn entry(id: &str, q: &str, answer: &str, extra: &str) -> String {
        format!(
            "[[entry]]\nid = \"{id}\"\ncircle = \"isms\"\nquestions = [\"{q}\"]\nanswer = \"{answer}\"\nowner = \"security\"\nreviewed = 2026-10-01\n{extra}\n"
        )
    }

    fn rules(f: &[Finding]) -> Vec<(&'static str, Severity)> {
        f.iter().map(|f| (f.rule, f.severity)).collect()
    }

    #[test]
    fn a_placeholder_in_an_answer_is_an_error() {
        let f = check(&entry(
            "a.x",
            "Do you encrypt laptops?",
            "Yes, all <N> of them.",
            "",
        ));
        assert_eq!(rules(&f), [("placeholder", Severity::Error)]);
        assert!(f[0].message.contains("`<N>`"), "{}", f[0].message);
        let f = check(&entry(
            "a.x",
            "Do you encrypt laptops?",
            "Yes, all of them.",
            "",
        ));
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn a_clean_entry_has_no_findings() {
        assert!(
            check(&entry(
                "a",
                "Do you encrypt data at rest?",
                "Yes. AES-256.",
                "short = \"Yes\"\ncontrols = [\"A.8.24\"]"
            ))
            .is_empty()
        );
    }

    #[test]
    fn soa_claims_error_when_claimed_in_full_and_warn_otherwise() {
        let full = check(&entry(
            "a",
            "Do you have offices?",
            "Yes. Secure offices.",
            "short = \"Yes\"\ncontrols = [\"A.7.1\"]",
        ));
        assert_eq!(rules(&full), vec![("soa-claim", Severity::Error)]);
        assert!(full[0].message.contains("A.7.1"));
        let said = check(&entry(
            "a",
            "Is data masked?",
            "Partly: masking is being rolled out.",
            "controls = [\"A.8.11\"]",
        ));
        assert_eq!(rules(&said), vec![("soa-claim", Severity::Warning)]);
    }

    #[test]
    fn over_claims_are_errors_with_the_wording_to_use() {
        assert!(
            check(&entry(
                "a",
                "Are you certified?",
                "Brightwave Software Ltd is certified to ISO/IEC 27001:2022.",
                ""
            ))
            .is_empty()
        );
        for answer in [
            "Our platform is ISO 27001 certified.",
            "Our ISO 27001 certification guarantees that your data is secure.",
            "Our certification makes us GDPR compliant.",
            "AWS's ISO 27001 certificate covers us as well.",
            "Our certification validates our practices in previous years.",
            "Our ISO 27001 certification covers the whole company.",
        ] {
            let f = check(&entry("a", "Tell us about certification?", answer, ""));
            assert_eq!(rules(&f), vec![("over-claim", Severity::Error)], "{answer}");
            assert!(
                f[0].fix
                    .as_deref()
                    .unwrap_or("")
                    .contains("ISO/IEC 27001:2022"),
                "{answer}"
            );
        }
        let fine = check(&entry(
            "a",
            "Is the product certified?",
            "No. The product is not certified; our ISMS is.",
            "",
        ));
        assert!(fine.is_empty(), "{fine:?}");
    }

    #[test]
    fn public_entries_must_not_quote_nda_text_or_soa_justifications() {
        let nda = entry(
            "secret",
            "Which controls are partial?",
            "Data masking is partially implemented in the analytics exports pipeline.",
            "visibility = \"nda\"",
        );
        let public = entry(
            "open",
            "Do you mask data?",
            "Data masking is partially implemented in the analytics exports pipeline.",
            "",
        );
        let f = check(&format!("{nda}{public}"));
        assert!(
            f.iter().any(|f| f.rule == "leak"
                && f.entry.as_deref() == Some("open")
                && f.also.is_some()),
            "{f:?}"
        );
        let soa = entry(
            "soa",
            "Do you have offices?",
            "No offices or facilities in scope; staff work remotely and all infrastructure is hosted by the cloud provider, whose physical controls we assess as a supplier.",
            "",
        );
        assert!(check(&soa).iter().any(|f| f.rule == "leak"));
        assert!(!check(&nda).iter().any(|f| f.rule == "leak"));
    }

    #[test]
    fn stale_and_ownerless_entries_are_warnings() {
        let old = entry("a", "Do you encrypt data at rest?", "Yes.", "")
            .replace("2026-10-01", "2025-01-01");
        assert_eq!(rules(&check(&old)), vec![("stale", Severity::Warning)]);
        let orphan = entry("a", "Do you encrypt data at rest?", "Yes.", "")
            .replace("owner = \"security\"\n", "");
        assert_eq!(rules(&check(&orphan)), vec![("owner", Severity::Warning)]);
    }

    #[test]
    fn near_duplicates_warn_and_contradictions_are_errors() {
        let a = entry(
            "a",
            "Do you encrypt customer data at rest?",
            "Yes.",
            "short = \"Yes\"",
        );
        let b = entry(
            "b",
            "Do you encrypt customer data at rest ?",
            "Yes, with AES.",
            "short = \"Yes\"",
        );
        let f = check(&format!("{a}{b}"));
        assert_eq!(rules(&f), vec![("near-duplicate", Severity::Warning)]);
        assert!(f[0].also.as_deref().unwrap().starts_with("b.toml:"));
        let c = entry(
            "b",
            "Do you encrypt customer data at rest ?",
            "No.",
            "short = \"No\"",
        );
        assert_eq!(
            rules(&check(&format!("{a}{c}"))),
            vec![("contradiction", Severity::Error)]
        );
        let unrelated = entry(
            "b",
            "Do you have a business continuity plan?",
            "Yes.",
            "short = \"Yes\"",
        );
        assert!(check(&format!("{a}{unrelated}")).is_empty());
    }
}
