//! `qfill bank lint`: what keeps an answer bank true to the ISMS scope, the
//! Statement of Applicability and the limits of ISO/IEC 27001 certification.

use crate::bank::{Bank, Entry, Staleness};
use crate::compose::fill_template;
use crate::confidential::{Secret, Secrets, sentences};
use crate::mappings::{Mappings, SoaStatus};
use crate::matching::normalise;
use crate::model::Visibility;
use regex::Regex;
use serde::Serialize;
use std::collections::HashMap;
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
/// Twins reported per question, and entries compared with it at most.
const MAX_TWINS: usize = 5;
const MAX_COMPARED: usize = 500;

/// Confidential texts shorter than this are common sentences a public entry
/// may well say too; lint reports only longer ones.
const LEAK_SHORTEST: usize = 30;

/// Every finding for a loaded bank (schema problems come from loading).
pub fn lint(bank: &Bank, mappings: &Mappings, staleness: Staleness) -> Vec<Finding> {
    let mut out = Vec::new();
    // Built once for the whole bank: checks stay linear in its size.
    let named = named_product_claim(mappings);
    let secrets = Secrets::of(bank, mappings, LEAK_SHORTEST);
    for e in &bank.entries {
        out.extend(placeholders(e));
        out.extend(soa_claims(e, mappings));
        out.extend(over_claims(e, mappings, named.as_ref()));
        out.extend(leaks(e, bank, &secrets));
        out.extend(curation(e, staleness));
    }
    out.extend(duplicates(bank));
    out.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(place_key(&a.at).cmp(&place_key(&b.at)))
            .then(a.rule.cmp(b.rule))
    });
    out
}

/// `file:line:col` ordered as people read it: line 2 before line 10.
fn place_key(at: &str) -> (&str, u64, u64) {
    let mut parts = at.rsplitn(3, ':');
    let col = parts.next().and_then(|c| c.parse().ok());
    let line = parts.next().and_then(|l| l.parse().ok());
    match (parts.next(), line, col) {
        (Some(file), Some(line), Some(col)) => (file, line, col),
        _ => (at, 0, 0),
    }
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

/// A claim about the certificate that goes past what ISO/IEC 27001 certifies.
/// Each is a concept, written as alternatives that cover its usual phrasings;
/// the `claim` group is the words that make the claim, so a negation just
/// before them ("does not guarantee") makes the sentence honest, while one
/// after them ("guarantees no breaches") does not.
struct OverClaim {
    what: &'static str,
    pattern: Regex,
    /// Which wording template says it right.
    template: fn(&Mappings) -> &str,
}

/// The certificate, however it is named.
const CERT: &str = r"(certif\w*|iso\s*(/\s*iec\s*)?27001(:20\d\d)?|isms certificat\w*)";
/// What a product may be called.
const PRODUCT: &str = r"(products?|platforms?|software|applications?|apps?|code|codebase|services?|solutions?|saas|api|infrastructure|systems?|tool)";
/// Laws and regulations, and the words for them.
const LAW: &str = r"(gdpr|hipaa|ccpa|cpra|sox|sarbanes|glba|ferpa|pci(\s*dss)?|dora|nis\s*2|lgpd|pipeda|data protection (law|act|regulation)s?|privacy (law|act|regulation)s?|laws?|regulations?|legal (requirements|obligations)|regulatory requirements)";
/// Security as a promise.
const SAFE: &str = r"(secure|security|breach\w*|safe|attacks?|hack\w*|incidents?|risks?|threats?|data loss|leaks?|unhackable|invulnerable|bulletproof)";

static OVER_CLAIMS: LazyLock<Vec<OverClaim>> = LazyLock::new(|| {
    let r = |p: String| crate::text::static_regex(&p);
    vec![
        OverClaim {
            what: "says the product, code or platform is certified",
            // "our platform is certified", "our ISO 27001 certified platform";
            // not "Brightwave Software Ltd is certified".
            pattern: r(format!(
                r"(?i)\b(our|the|your|this|its)\s+(\w+\s+){{0,2}}{PRODUCT}\b[^.;]{{0,30}}?\b(?P<claim>(is|are|has been|have been|was|were|got|gets|became)\s+(also\s+|fully\s+|now\s+)?({CERT}\s*)?certified)|\b(?P<claim2>{CERT}[\s-]*certified\s+(\w+\s+){{0,2}}{PRODUCT})\b"
            )),
            template: |m| &m.wording.product,
        },
        OverClaim {
            what: "says certification guarantees security or no breaches",
            pattern: r(format!(
                r"(?i)\b{CERT}\b[^.;]{{0,60}}?\b(?P<claim>guarantee[sd]?|ensures?|assures?|proves?|means?|makes?|keeps?|eliminates?|prevents?|protects?|stops?|shields?|so|therefore|thus)\b[^.;]{{0,50}}\b{SAFE}\b"
            )),
            template: |m| &m.wording.certification,
        },
        OverClaim {
            what: "says certification makes the company compliant with a law",
            // Either way round: "certified, so compliant" and "compliant because certified".
            pattern: r(format!(
                r"(?i)\b{CERT}\b[^.;]{{0,60}}?\b(?P<claim>makes?|means?|proves?|demonstrates?|shows?|ensures?|guarantees?|covers?|satisfies|satisfy|fulfils?|fulfills?|meets?|so|therefore|thus|hence)\b[^.;]{{0,40}}\b((complian\w*|comply|complies|meet\w*|satisf\w*|fulfil\w*)\b[^.;]{{0,40}}\b{LAW}|{LAW}[\s-]+complian\w*)\b|\b((complian\w*|comply|complies|meet\w*|satisf\w*|fulfil\w*)\b[^.;]{{0,40}}\b{LAW}|{LAW}[\s-]+complian\w*)\b[^.;]{{0,30}}?\b(?P<claim2>because|since|as|thanks to|through|by virtue of|by being|given|via|owing to|due to)\b[^.;]{{0,40}}\b{CERT}|\b(?P<claim3>thanks to|because of|by virtue of|due to|owing to|as a result of|through|with)\b[^.;]{{0,30}}\b{CERT}\b[^.;]{{0,40}}\b((complian\w*|comply|complies|meet\w*|satisf\w*|fulfil\w*)\b[^.;]{{0,40}}\b{LAW}|{LAW}[\s-]+complian\w*)\b"
            )),
            template: |m| &m.wording.legal,
        },
        OverClaim {
            what: "says a cloud provider's certificate extends to the company",
            pattern: r(format!(
                r"(?i)\b(aws|amazon|azure|microsoft|google|gcp|cloud provider|hosting provider|provider|data ?cent(er|re)|hosting)\b[^.;]{{0,40}}\b{CERT}\b[^.;]{{0,40}}?\b(?P<claim>covers|extends to|applies to|inherit\w*|passes to|includes)\b[^.;]{{0,20}}\b(us|our|we)\b|\b(?P<claim2>inherit\w*|benefit from|rely on)\b[^.;]{{0,40}}\b(aws|amazon|azure|microsoft|google|gcp|provider|host)\w*\b[^.;]{{0,30}}\b{CERT}|\b(aws|amazon|azure|google|gcp|provider|host\w*)\b[^.;]{{0,40}}\b(?P<claim4>inherit\w*|benefit from|take on|adopt)\b[^.;]{{0,30}}\b{CERT}|\b(because|since|as)\b[^.;]{{0,20}}\b(host|run|are hosted|operate)\w*\b[^.;]{{0,30}}\b(aws|amazon|azure|google|gcp|certified (cloud|provider|data ?cent))\w*\b[^.;]{{0,40}}\b(?P<claim3>we are|we're|our \w+ (is|are))\b[^.;]{{0,20}}\bcertified"
            )),
            template: |m| &m.wording.certification,
        },
        OverClaim {
            what: "says certification validates past practice",
            pattern: r(format!(
                r"(?i)\b{CERT}\b[^.;]{{0,60}}?\b(?P<claim>covers|applies to|vouches for|validates|confirms|proves|certifies|extends back|dates back)\b[^.;]{{0,40}}\b(before|prior to|previous years|earlier years|historically|the past|retroactive\w*|since (our )?(founding|inception|the start))\b"
            )),
            template: |m| &m.wording.certification,
        },
    ]
});

/// A product, system or service named in the scope, said to be certified:
/// "Brightwave Forms is ISO 27001 certified".
fn named_product_claim(m: &Mappings) -> Option<Regex> {
    let names: Vec<String> = m
        .scope
        .in_scope
        .iter()
        .chain(&m.scope.out_of_scope)
        .filter(|i| i.kind == crate::mappings::ScopeKind::System)
        .flat_map(|i| i.names())
        .filter(|n| n.split_whitespace().count() >= 1 && n.len() >= 3)
        .map(regex::escape)
        .collect();
    if names.is_empty() {
        return None;
    }
    Regex::new(&format!(
        r"(?i)\b({})\b[^.;]{{0,20}}?\b(?P<claim>(is|are|has been|have been|was|were)\s+(also\s+|fully\s+|now\s+)?({CERT}\s*)?certified)",
        names.join("|")
    ))
    .ok()
}

static WHOLE_COMPANY: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)\b(certif\w*|isms|iso\s*27001)\b[^.]{0,50}\b(?P<claim>covers|applies to|includes|spans)\b[^.]{0,20}\b(the (whole|entire) (company|organi[sz]ation|business|group)|all (of )?our (systems|products|services|operations|business)|every(thing| part of the (company|business)))",
    )
});

/// A negation that turns the claim round: just before its words ("does not
/// guarantee", "no certification can"), or just after a copula ("is not certified").
static NEGATION_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)\b(not|never|cannot|can't|isn't|aren't|doesn't|don't|won't|wasn't|weren't|hasn't|haven't|does not|do not|neither|nor|without|no longer|no)\b[^.;]{0,30}$",
    )
});
static NEGATION_AFTER: LazyLock<Regex> =
    LazyLock::new(|| crate::text::static_regex(r"(?i)^\s*(not|never|n't)\b"));

/// Where a pattern makes its claim in a sentence, unless a negation turns it round.
fn claims(pattern: &Regex, sentence: &str) -> bool {
    pattern.captures_iter(sentence).any(|c| {
        let claim = ["claim", "claim2", "claim3", "claim4"]
            .iter()
            .find_map(|g| c.name(g))
            .unwrap_or_else(|| c.get(0).expect("a match has group 0"));
        let before = &sentence[..claim.start()];
        let after = &sentence[claim.end()..];
        // "is not certified": the copula is the claim, "not" follows it.
        let copula_negated = NEGATION_AFTER.is_match(after)
            || NEGATION_AFTER.is_match(claim.as_str().split_whitespace().nth(1).unwrap_or(""));
        !NEGATION_BEFORE.is_match(before) && !copula_negated
    })
}

/// Claims about the certificate that go past what ISO/IEC 27001 certifies, sentence by sentence.
fn over_claims(e: &Entry, m: &Mappings, named: Option<&Regex>) -> Vec<Finding> {
    let standard = m.scope.certification.standard.as_str();
    let mut out = Vec::new();
    let mut found = |what: String, template: &str| {
        let mut f = finding(Severity::Error, "over-claim", e, what);
        f.fix = Some(fill_template(template, &[("standard", standard)]));
        out.push(f);
    };
    for sentence in sentences(&e.answer) {
        let quoted = sentence.trim();
        let mut product_said = false;
        for c in OVER_CLAIMS.iter() {
            if claims(&c.pattern, sentence) {
                product_said |= c.what.contains("product");
                found(format!("{}: \"{quoted}\"", c.what), (c.template)(m));
            }
        }
        if !product_said && named.is_some_and(|r| claims(r, sentence)) {
            found(
                format!("says a product or system is certified: \"{quoted}\""),
                &m.wording.product,
            );
        }
        if !m.scope.out_of_scope.is_empty() && claims(&WHOLE_COMPANY, sentence) {
            found(
                format!(
                    "says the certificate covers the whole company, but the scope leaves things out: \"{quoted}\""
                ),
                &m.wording.certification,
            );
        }
    }
    out
}

/// A public entry that repeats an SoA justification or an NDA entry's text.
fn leaks(e: &Entry, bank: &Bank, secrets: &Secrets) -> Vec<Finding> {
    if e.visibility != Visibility::Public {
        return Vec::new();
    }
    secrets
        .quoted_in(&e.answer)
        .into_iter()
        .map(|(source, text)| match source {
            Secret::Justification(id) => finding(
                Severity::Error,
                "leak",
                e,
                format!("is public but quotes the SoA justification of {id} (SoA text is shown only under NDA)"),
            ),
            Secret::Entry(i) => {
                let other = &bank.entries[i];
                let mut f = finding(
                    Severity::Error,
                    "leak",
                    e,
                    format!("is public but repeats NDA entry `{}`: \"{text}\"", other.id),
                );
                f.also = Some(other.origin.to_string());
                f
            }
        })
        .collect()
}

/// Stale reviews and missing owners.
fn curation(e: &Entry, opts: Staleness) -> Vec<Finding> {
    let mut out = Vec::new();
    match e.reviewed_on() {
        Some(date) => {
            let age = i64::from((opts.today - date).get_days());
            if e.stale(opts) {
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
/// Questions asked twice, within the bank: two questions this similar share
/// nearly all their words, so each question is compared only with those that
/// share one of its two rarest words. That keeps the check near linear in the
/// bank, where comparing every pair would take minutes on a large one.
fn duplicates(bank: &Bank) -> Vec<Finding> {
    let norm = |q: &str| normalise(q).to_lowercase();
    struct Asked<'a> {
        entry: usize,
        text: &'a str,
        norm: String,
    }
    let asked: Vec<Asked> = bank
        .entries
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            e.questions.iter().map(move |q| Asked {
                entry: i,
                text: q.as_str(),
                norm: norm(q),
            })
        })
        .collect();
    let words = |t: &str| -> Vec<String> {
        let mut w: Vec<String> = t
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        w.sort();
        w.dedup();
        w
    };
    let asked_words: Vec<Vec<String>> = asked.iter().map(|a| words(&a.norm)).collect();
    // Where each entry's questions start in `asked`.
    let mut first = vec![0usize; bank.entries.len() + 1];
    for a in &asked {
        first[a.entry + 1] += 1;
    }
    for i in 0..bank.entries.len() {
        first[i + 1] += first[i];
    }
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, ws) in asked_words.iter().enumerate() {
        for w in ws {
            postings.entry(w.as_str()).or_default().push(k);
        }
    }
    let mut out = Vec::new();
    for (k, a) in asked.iter().enumerate() {
        let mut rare: Vec<&String> = asked_words[k].iter().collect();
        rare.sort_by_key(|w| postings.get(w.as_str()).map_or(0, Vec::len));
        let mut others: Vec<usize> = rare
            .iter()
            .take(2)
            .flat_map(|w| postings.get(w.as_str()).into_iter().flatten())
            .map(|&b| asked[b].entry)
            .filter(|&j| j > a.entry)
            .collect();
        others.sort_unstable();
        others.dedup();
        let (e, q) = (&bank.entries[a.entry], a.text);
        let mut found = 0;
        // A question asked by hundreds of entries is reported with its first
        // few twins; comparing it with all of them would only repeat itself.
        for j in others.into_iter().take(MAX_COMPARED) {
            if found == MAX_TWINS {
                break;
            }
            let other = &bank.entries[j];
            let Some(oq) = asked[first[j]..first[j + 1]]
                .iter()
                .find(|b| strsim::sorensen_dice(&a.norm, &b.norm) >= DUPLICATE)
                .map(|b| b.text)
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
            found += 1;
        }
    }
    out.dedup_by(|a, b| a.at == b.at && a.also == b.also && a.rule == b.rule);
    out
}

/// Yes or No; N/A contradicts neither.
fn polarity(s: &str) -> Option<bool> {
    match crate::values::polarity(s)? {
        crate::values::Polarity::Yes => Some(true),
        crate::values::Polarity::No => Some(false),
        crate::values::Polarity::NotApplicable => None,
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
        let staleness = Staleness {
            today: jiff::civil::date(2026, 11, 24),
            max_age_days: 365,
        };
        lint(&bank, &m, staleness)
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

    /// Over-claims, each a different phrasing of one of the claims the
    /// certificate cannot carry.
    const OVER_CLAIMS_SAID: [&str; 18] = [
        "Our platform is ISO 27001 certified.",
        "Brightwave Forms is ISO 27001 certified.",
        "Our SaaS application has been certified to ISO 27001.",
        "Our ISO 27001 certified platform keeps your data safe.",
        "The public API is certified under our ISO/IEC 27001:2022 certificate too, and Brightwave Forms is fully certified.",
        "Our certification guarantees no breaches.",
        "Our ISO 27001 certification guarantees that your data is secure.",
        "ISO 27001 certification ensures that breaches cannot happen.",
        "We are certified, so your data is safe from attacks.",
        "We are GDPR compliant because we are ISO 27001 certified.",
        "Our certification makes us GDPR compliant.",
        "Being ISO 27001 certified means we comply with HIPAA.",
        "Thanks to our ISO 27001 certificate, we meet all GDPR requirements.",
        "AWS's ISO 27001 certificate covers us as well.",
        "Because we host on AWS, we inherit their ISO 27001 certification.",
        "Our certification validates our practices in previous years.",
        "Our ISO 27001 certificate extends back to before our first audit.",
        "Our ISO 27001 certification covers the whole company.",
    ];

    /// Honest sentences about the same subjects, which must pass.
    const HONEST: [&str; 18] = [
        "Brightwave Software Ltd is certified to ISO/IEC 27001:2022.",
        "No. The product is not certified; our ISMS is.",
        "Brightwave Forms is not certified itself; it is developed and operated under our certified ISMS.",
        "ISO 27001 certification does not guarantee that breaches will never happen.",
        "No certification can guarantee that a system is secure.",
        "Our certification does not make us GDPR compliant; we manage GDPR through our privacy programme.",
        "We comply with the GDPR through our privacy programme and data processing agreements.",
        "Our ISMS is certified to ISO/IEC 27001:2022 by an accredited certification body.",
        "AWS holds its own ISO 27001 certificate, which does not extend to us.",
        "Our certificate covers the ISMS that supports the Brightwave Forms platform.",
        "We encrypt all data at rest with AES-256.",
        "Our platform is hosted in AWS eu-west-1.",
        "The certificate was issued by an accredited body and is valid until 2027.",
        "Certification shows that our security management system is operated and audited every year.",
        "The product is developed and operated under our certified ISMS.",
        "We have been certified since 2021 and are audited every year.",
        "The certificate applies from its date of issue; earlier years were not audited.",
        "Our security team reviews the risk register every quarter.",
    ];

    #[test]
    fn over_claims_are_errors_with_the_wording_to_use() {
        for answer in OVER_CLAIMS_SAID {
            let f = check(&entry("a", "Tell us about certification?", answer, ""));
            assert!(
                !f.is_empty() && f.iter().all(|x| x.rule == "over-claim"),
                "missed: {answer}: {f:?}"
            );
            assert!(
                f[0].fix
                    .as_deref()
                    .unwrap_or("")
                    .contains("ISO/IEC 27001:2022"),
                "{answer}"
            );
        }
        for answer in HONEST {
            let f = check(&entry("a", "Tell us about certification?", answer, ""));
            assert!(f.is_empty(), "flagged an honest answer: {answer}: {f:?}");
        }
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
