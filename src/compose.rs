//! Compose: turn a match into the answer a buyer reads, with wording that
//! stays inside what ISO/IEC 27001 certification covers.
//!
//! A certificate covers the ISMS inside its declared scope. Where a question
//! names something out of scope, or asks the certificate to stand for legal
//! compliance or product assurance, the answer says so in the organisation's
//! own templates (`mappings/wording.toml`) instead of over-claiming.

use crate::bank::Entry;
use crate::mappings::{Mappings, ScopeItem, SoaStatus, annex_a};
use crate::model::{Audience, Status};
use regex::Regex;
use std::sync::LazyLock;

/// The composed answer for one question.
#[derive(Debug, Clone, Default)]
pub struct Composed {
    pub status: Option<Status>,
    pub answer: Option<String>,
    pub short: Option<String>,
    /// The answer may be shown internally but never to this buyer (NDA-only
    /// for a public audience, or a draft holding a placeholder).
    pub withheld: bool,
    pub why: Vec<String>,
}

/// The question is about the ISO/IEC 27001 certification, not any certificate
/// ("client certificate authentication", "TLS certificates"): it names the
/// standard, the ISMS or certification, or a certificate near one of them.
static ASKS_CERTIFICATION: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)\b(iso(/iec)?\s?27001|27001|isms|certification|certifications|certified|accredit\w*)\b",
    )
});
static CERTIFICATE: LazyLock<Regex> =
    LazyLock::new(|| crate::text::static_regex(r"(?i)\bcertificates?\b"));
static CERTIFICATE_OF_ISMS: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(r"(?i)\b(iso|isms|audit\w*|27001|scope|cover\w*)\b")
});

static ISMS_TOPIC: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)\b(annex\s*a|statement of applicability|soa|iso|certificates?|audit\w*|scope|controls?|cover\w*|inherit\w*)\b",
    )
});

/// Whether a question is about the ISMS, its certificate, scope or SoA: the
/// questions an entry on the certification's boundary may answer.
pub fn asks_about_the_isms(question: &str) -> bool {
    asks_certification(question) || ISMS_TOPIC.is_match(question)
}

/// Whether a question asks about the certification.
pub fn asks_certification(question: &str) -> bool {
    ASKS_CERTIFICATION.is_match(question)
        || CERTIFICATE.find_iter(question).any(|m| {
            // Forty bytes either side, on character boundaries.
            let near = |mut i: usize| {
                i = i.min(question.len());
                while !question.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            let window = &question[near(m.start().saturating_sub(40))..near(m.end() + 40)];
            CERTIFICATE_OF_ISMS.is_match(window)
        })
}

static ASKS_COVERAGE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)\b(cover\w*|scope|include[sd]?|apply|applies|extend\w*|inherit\w*|encompass\w*|span\w*)\b",
    )
});
static ASKS_LEGAL: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)\b(gdpr|hipaa|ccpa|law|laws|legal(ly)?|regulat\w*|statut\w*|compliant with|compliance with|nis ?2|dora)\b",
    )
});
static ASKS_PRODUCT: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)\b(product|software|source code|code|application|app|platform)\b.{0,40}\b(certified|certificate|certification)\b|\b(certified|certification)\b.{0,40}\b(product|software|source code|code|application)\b",
    )
});

/// Fills `{placeholder}`s; unknown ones stay as written so a typo is visible.
pub fn fill_template(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.trim().to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v.trim());
    }
    out
}

fn names_item<'m>(question: &str, items: &'m [ScopeItem]) -> Option<&'m ScopeItem> {
    let q = question.to_lowercase();
    items.iter().find(|item| {
        item.names().any(|n| {
            let n = n.to_lowercase();
            q.match_indices(&n).any(|(i, _)| {
                let before = q[..i].chars().next_back();
                let after = q[i + n.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
        })
    })
}

/// An out-of-scope item the question names, if any.
pub fn out_of_scope_item<'m>(question: &str, mappings: &'m Mappings) -> Option<&'m ScopeItem> {
    names_item(question, &mappings.scope.out_of_scope)
}

/// Composes the answer for a question matched to `entry` (if any) with the given status.
pub fn compose(
    question: &str,
    entry: Option<&Entry>,
    status: Status,
    mappings: &Mappings,
    audience: Audience,
) -> Composed {
    let wording = &mappings.wording;
    let cert = &mappings.scope.certification;
    let valid_until = cert.valid_until.map(|d| d.to_string()).unwrap_or_default();
    let cert_values = [
        ("standard", cert.standard.as_str()),
        ("scope_statement", cert.statement.as_str()),
        ("certificate", cert.certificate.as_deref().unwrap_or("")),
        ("body", cert.body.as_deref().unwrap_or("")),
        ("valid_until", valid_until.as_str()),
    ];
    let mut out = Composed::default();
    let asks_cert = asks_certification(question);
    let out_item = out_of_scope_item(question, mappings);

    // A question about an out-of-scope item: only an entry written for that
    // item, answering whether the certificate covers it, may go out unreviewed.
    let written_for_item = |item: &ScopeItem| entry.is_some_and(|e| e.scope.contains(&item.id));
    if let Some(item) = out_item
        && !(asks_cert && written_for_item(item))
    {
        out.why
            .push(format!("names out-of-scope item `{}`", item.id));
        if asks_cert {
            // No entry for this item: the scope statement itself answers.
            let item_values = [
                ("item", item.name.as_str()),
                ("reason", item.reason.as_deref().unwrap_or("")),
            ];
            let values: Vec<(&str, &str)> =
                cert_values.iter().chain(&item_values).copied().collect();
            out.answer = Some(fill_template(&wording.out_of_scope, &values));
            out.short = Some("No".into());
            out.status = Some(Status::Review);
            out.why.push("wording out_of_scope".into());
            return out;
        }
        // Never an unqualified in-scope answer for something outside the scope.
        out.status = Some(status.min_with(Status::Review));
    }

    let Some(entry) = entry else { return out };
    if status == Status::None {
        return out;
    }
    // A draft answer never reaches a buyer, however well it matches.
    if let Some(p) = &entry.placeholder {
        out.withheld = true;
        out.status = Some(status.min_with(Status::Review));
        out.why.push(format!(
            "the answer holds a placeholder `{p}`: finish it in the bank ({})",
            entry.origin
        ));
    }
    // An entry on what the certificate covers answers questions about the
    // certificate; for anything else it may qualify an answer, never be it.
    if entry.tags.iter().any(|t| t == "boundary") && !asks_cert {
        out.status = Some(out.status.unwrap_or(status).min_with(Status::Review));
        out.why.push(
            "the entry is about what the certification covers; the question does not ask about the certification"
                .into(),
        );
    }
    let mut answer = entry.answer.clone();
    // SoA justifications are confidential: only an NDA audience reads why a control is excluded.
    if audience == Audience::Nda {
        for sentence in exclusions(entry, mappings) {
            if !answer.contains(&sentence) {
                answer = format!("{answer}\n\n{sentence}");
                out.why.push("wording excluded_control".into());
            }
        }
    }
    if asks_cert && !entry.tags.iter().any(|t| t == "boundary") {
        let extra = if ASKS_LEGAL.is_match(question) {
            Some(("legal", &wording.legal))
        } else if ASKS_PRODUCT.is_match(question) {
            Some(("product", &wording.product))
        } else if ASKS_COVERAGE.is_match(question) {
            Some(("certification", &wording.certification))
        } else {
            None
        };
        if let Some((name, template)) = extra {
            let sentence = fill_template(template, &cert_values);
            if !answer.contains(&sentence) {
                answer = format!("{answer}\n\n{sentence}");
                out.why.push(format!("wording {name}"));
            }
        }
    }
    if !entry.visibility.allowed_for(audience) {
        out.withheld = true;
        out.status = Some(out.status.unwrap_or(status).min_with(Status::Review));
        out.why
            .push("nda entry withheld from a public audience".into());
    }
    out.short = entry.short.clone();
    out.answer = Some(answer);
    out
}

/// Excel's limit on the characters of one cell, in UTF-16 units.
pub const CELL_LIMIT: usize = 32_767;

/// Text longer than `limit` UTF-16 units (Excel's characters), cut at the
/// last sentence end that fits; `None` when it fits already.
pub fn cut_to(text: &str, limit: usize) -> Option<String> {
    if text.encode_utf16().count() <= limit {
        return None;
    }
    let mut units = 0;
    let mut fits = 0;
    for (i, ch) in text.char_indices() {
        units += ch.len_utf16();
        if units > limit {
            break;
        }
        fits = i + ch.len_utf8();
    }
    let head = &text[..fits];
    let end = head
        .char_indices()
        .filter(|&(i, c)| {
            matches!(c, '.' | '!' | '?' | '。')
                && head[i + c.len_utf8()..].starts_with(char::is_whitespace)
        })
        .map(|(i, c)| i + c.len_utf8())
        .chain(head.rfind('\n'))
        .max()
        .unwrap_or(fits);
    Some(head[..end].trim_end().to_string())
}

/// The excluded-control sentences for the SoA-excluded controls an entry cites.
fn exclusions(entry: &Entry, mappings: &Mappings) -> Vec<String> {
    entry
        .controls
        .iter()
        .filter_map(|id| {
            mappings
                .soa
                .get(*id)
                .filter(|c| !c.applicable || c.status == SoaStatus::Excluded)
        })
        .map(|c| {
            let id = c.id.to_string();
            let title = annex_a::lookup(c.id).map_or("", |a| a.title);
            fill_template(
                &mappings.wording.excluded_control,
                &[
                    ("control", &id),
                    ("control_title", title),
                    ("justification", &c.justification),
                ],
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Visibility;

    /// What an `auto` match of `e` composes for a public audience.
    fn auto_public(question: &str, e: &Entry, m: &Mappings) -> Composed {
        compose(question, Some(e), Status::Auto, m, Audience::Public)
    }

    fn entry(answer: &str, tags: &[&str], visibility: Visibility) -> Entry {
        crate::testing::entry("x", "q")
            .answer(answer)
            .short("Yes")
            .tags(tags)
            .visibility(visibility)
            .build()
    }

    #[test]
    fn out_of_scope_items_get_the_out_of_scope_wording() {
        let m = Mappings::builtin().unwrap();
        let e = entry("Yes. We are certified.", &[], Visibility::Public);
        let c = auto_public(
            "Is your mobile app covered by your ISO 27001 certificate?",
            &e,
            &m,
        );
        assert_eq!(c.status, Some(Status::Review));
        let a = c.answer.unwrap();
        assert!(
            a.contains("outside the scope of our ISO/IEC 27001:2022 certification"),
            "{a}"
        );
        assert!(a.contains("beta product"), "{a}");
    }

    #[test]
    fn certification_is_not_legal_compliance() {
        let m = Mappings::builtin().unwrap();
        let e = entry("We are ISO 27001 certified.", &[], Visibility::Public);
        let c = auto_public(
            "Does your ISO 27001 certification make you GDPR compliant?",
            &e,
            &m,
        );
        assert!(
            c.answer
                .unwrap()
                .contains("does not by itself make us compliant")
        );
        assert!(c.why.contains(&"wording legal".to_string()));
    }

    #[test]
    fn coverage_questions_get_the_certification_template_once() {
        let m = Mappings::builtin().unwrap();
        let e = entry("Yes.", &[], Visibility::Public);
        let c = auto_public(
            "Which systems does your ISO 27001 certificate cover?",
            &e,
            &m,
        );
        let a = c.answer.unwrap();
        assert_eq!(
            a.matches("applies to the systems and processes defined in our ISMS scope")
                .count(),
            1,
            "{a}"
        );
    }

    #[test]
    fn only_questions_about_the_certification_get_its_wording() {
        let m = Mappings::builtin().unwrap();
        let e = entry(
            "Yes. Clients present an X.509 certificate.",
            &[],
            Visibility::Public,
        );
        for q in [
            "Do you support client certificate authentication for the API?",
            "Are TLS certificates renewed automatically, and does the renewal cover every domain?",
        ] {
            let c = compose(q, Some(&e), Status::Auto, &m, Audience::Public);
            assert_eq!(c.answer.as_deref(), Some(e.answer.as_str()), "{q}");
            assert_eq!(c.status, None, "{q}");
        }
        let c = auto_public("Does your ISO 27001 certificate cover the API?", &e, &m);
        assert!(
            c.why.iter().any(|w| w.starts_with("wording")),
            "{:?}",
            c.why
        );
    }

    #[test]
    fn a_boundary_entry_never_answers_a_question_that_is_not_about_the_certification() {
        let m = Mappings::builtin().unwrap();
        let e = entry(
            "No. Our ISO/IEC 27001 certification does not make us compliant with the GDPR.",
            &["boundary"],
            Visibility::Public,
        );
        let c = auto_public("Are you GDPR compliant?", &e, &m);
        assert_eq!(c.status, Some(Status::Review));
        let c = auto_public(
            "Does your ISO 27001 certification make you GDPR compliant?",
            &e,
            &m,
        );
        assert_eq!(c.status, None);
    }

    #[test]
    fn a_placeholder_answer_is_held_back() {
        let m = Mappings::builtin().unwrap();
        for answer in ["Yes, on <N> devices.", "Yes. [[ FILL IN: tool ]]", "TBD"] {
            let e = entry(answer, &[], Visibility::Public);
            let c = compose(
                "Do you encrypt laptops?",
                Some(&e),
                Status::Auto,
                &m,
                Audience::Nda,
            );
            assert!(c.withheld, "{answer}");
            assert_eq!(c.status, Some(Status::Review), "{answer}");
            assert!(
                c.why.iter().any(|w| w.contains("placeholder")),
                "{:?}",
                c.why
            );
        }
    }

    #[test]
    fn long_answers_are_cut_at_a_sentence_end_within_the_cell_limit() {
        let cut_to_cell = |t: &str| cut_to(t, CELL_LIMIT);
        assert_eq!(cut_to_cell("Short. Answer."), None);
        let long = "A sentence that ends here. ".repeat(2_000);
        let cut = cut_to_cell(&long).unwrap();
        assert!(cut.encode_utf16().count() <= CELL_LIMIT);
        assert!(cut.ends_with("ends here."), "{}", &cut[cut.len() - 30..]);
        let emoji = "😀".repeat(20_000);
        assert!(cut_to_cell(&emoji).unwrap().encode_utf16().count() <= CELL_LIMIT);
    }

    #[test]
    fn soa_justifications_reach_only_an_nda_audience() {
        let m = Mappings::builtin().unwrap();
        let mut e = entry("We have no offices.", &[], Visibility::Public);
        e.controls = vec!["A.7.1".parse().unwrap()];
        let public = auto_public("Do you have physical perimeters?", &e, &m);
        assert_eq!(public.answer.as_deref(), Some("We have no offices."));
        let nda = compose(
            "Do you have physical perimeters?",
            Some(&e),
            Status::Auto,
            &m,
            Audience::Nda,
        );
        let a = nda.answer.unwrap();
        assert!(
            a.contains("A.7.1 (Physical security perimeters) is excluded"),
            "{a}"
        );
        assert!(a.contains("No offices or facilities in scope"), "{a}");
    }

    #[test]
    fn nda_entries_are_withheld_from_a_public_audience() {
        let m = Mappings::builtin().unwrap();
        let e = entry("Secret detail.", &[], Visibility::Nda);
        let c = auto_public("Share your SoA?", &e, &m);
        assert!(c.withheld);
        assert_eq!(c.status, Some(Status::Review));
        let c = compose("Share your SoA?", Some(&e), Status::Auto, &m, Audience::Nda);
        assert!(!c.withheld);
        assert_eq!(c.status, None);
    }
}
