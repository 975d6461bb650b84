//! Classify: put each question in one of the three circles.
//!
//! The weighted rules of `mappings/circles.toml` vote. A candidate entry adds
//! its own circle (and the Annex A theme of its controls), scaled by how
//! similar it is, because a curated entry knows its circle better than
//! keywords do. An entry confident enough to answer unreviewed decides alone:
//! keywords must not put "State your RTO/RPO" in another circle than the
//! entry that answers it.

use crate::bank::Entry;
use crate::mappings::Rule;
use crate::model::{Circle, Theme};

/// The circle and the reasons for it.
#[derive(Debug, Clone)]
pub struct Classification {
    pub circle: Circle,
    pub why: Vec<String>,
}

/// What the matcher found for the question.
#[derive(Debug, Clone, Copy)]
pub enum Matched<'a> {
    /// Nothing to go by but the rules.
    Nothing,
    /// A candidate entry and how similar it is (0 to 1): its circle votes.
    Candidate(&'a Entry, f64),
    /// The entry answers the question unreviewed: its circle decides.
    Answer(&'a Entry),
}

/// Weight of a candidate entry's circle at similarity 1.0.
const ENTRY_WEIGHT: f64 = 2.5;
/// Weight of the Annex A theme of a candidate's controls at similarity 1.0.
const THEME_WEIGHT: f64 = 0.5;

/// Rule votes only.
pub fn rule_scores(text: &str, rules: &[Rule]) -> ([f64; 3], Vec<String>) {
    let mut scores = [0.0; 3];
    let mut fired = Vec::new();
    for rule in rules {
        if rule.pattern.is_match(text) {
            scores[rule.circle.index()] += rule.weight;
            fired.push(format!("rule {}", rule.name));
        }
    }
    (scores, fired)
}

/// Classifies a question, given what the matcher found for it.
pub fn classify(text: &str, rules: &[Rule], matched: Matched) -> Classification {
    let (mut scores, mut why) = rule_scores(text, rules);
    let (entry, similarity) = match matched {
        Matched::Nothing => return decide(scores, why),
        Matched::Answer(entry) => {
            why.push(format!(
                "entry {} answers it: its circle, {}, decides",
                entry.id, entry.circle
            ));
            return Classification {
                circle: entry.circle,
                why,
            };
        }
        Matched::Candidate(entry, similarity) => (entry, similarity),
    };
    scores[entry.circle.index()] += ENTRY_WEIGHT * similarity;
    why.push(format!("entry {} is {}", entry.id, entry.circle));
    if let Some(theme) = dominant_theme(entry) {
        let circle = match theme {
            Theme::Technological => Circle::Product,
            _ => Circle::Isms,
        };
        scores[circle.index()] += THEME_WEIGHT * similarity;
        why.push(format!("controls {} ({circle})", theme.as_str()));
    }
    decide(scores, why)
}

/// The circle with the highest score; ties go to the middle circle, where an
/// unclear question is managed.
fn decide(scores: [f64; 3], mut why: Vec<String>) -> Classification {
    let circle = [Circle::Isms, Circle::Product, Circle::Legal]
        .into_iter()
        .fold(Circle::Isms, |best, c| {
            if scores[c.index()] > scores[best.index()] {
                c
            } else {
                best
            }
        });
    if scores.iter().all(|s| *s == 0.0) {
        why.push("no rule fired: isms by default".into());
    } else {
        why.push(format!(
            "{circle} wins ({:.1} legal, {:.1} isms, {:.1} product)",
            scores[0], scores[1], scores[2]
        ));
    }
    Classification { circle, why }
}

fn dominant_theme(entry: &Entry) -> Option<Theme> {
    let mut counts = std::collections::BTreeMap::new();
    for c in &entry.controls {
        *counts.entry(c.theme()).or_insert(0) += 1;
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(t, _)| t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mappings::Mappings;

    /// The built-in rules alone on a text.
    fn by_rules(text: &str) -> Classification {
        classify(text, &Mappings::builtin().unwrap().rules, Matched::Nothing)
    }

    fn fired(c: &Classification, rule: &str) -> bool {
        c.why.iter().any(|w| w == &format!("rule {rule}"))
    }

    #[test]
    fn rules_decide_and_are_named() {
        let c = by_rules("What is your cyber insurance coverage limit?");
        assert_eq!(c.circle, Circle::Legal);
        assert!(fired(&c, "legal/insurance"), "{:?}", c.why);
        let c = by_rules("Do you encrypt customer data at rest with AES-256?");
        assert_eq!(c.circle, Circle::Product);
        let c = by_rules("How often is your risk assessment reviewed by management?");
        assert_eq!(c.circle, Circle::Isms);
    }

    #[test]
    fn an_entry_that_answers_decides_and_a_candidate_only_votes() {
        let m = Mappings::builtin().unwrap();
        let dr = crate::testing::entry("dr.rto-rpo", "What are your RTO and RPO?")
            .circle(Circle::Isms)
            .build();
        // Product keywords outweigh even a fully similar candidate here.
        let text = "State your RTO/RPO for the platform's failover between AWS regions.";
        assert_eq!(
            classify(text, &m.rules, Matched::Nothing).circle,
            Circle::Product
        );
        let similar = classify(text, &m.rules, Matched::Candidate(&dr, 1.0));
        assert_eq!(similar.circle, Circle::Product, "{:?}", similar.why);
        let answered = classify(text, &m.rules, Matched::Answer(&dr));
        assert_eq!(answered.circle, Circle::Isms);
        assert!(
            answered.why.iter().any(|w| w.contains("decides")),
            "{:?}",
            answered.why
        );
    }

    #[test]
    fn security_tools_are_product_and_ids_only_in_capitals() {
        let c = by_rules("Is DKIM signing enabled for outbound mail?");
        assert_eq!(c.circle, Circle::Product, "{:?}", c.why);
        assert!(fired(&c, "product/security-tooling"), "{:?}", c.why);
        let c = by_rules("Do you delete the user ids of leavers?");
        assert!(!fired(&c, "product/security-tooling"), "{:?}", c.why);
        let c = by_rules("Do you run a network IDS?");
        assert!(fired(&c, "product/security-tooling"), "{:?}", c.why);
    }

    #[test]
    fn nothing_fired_means_isms() {
        let c = classify("Lorem ipsum", &[], Matched::Nothing);
        assert_eq!(c.circle, Circle::Isms);
        assert!(c.why[0].contains("default"));
    }
}
